import { useState } from 'react';
import { Link } from 'react-router';
import {
  ActionIcon,
  Alert,
  Anchor,
  Badge,
  Button,
  Code,
  Group,
  Loader,
  Modal,
  Paper,
  Stack,
  Switch,
  Table,
  Text,
  TextInput,
  Tooltip,
} from '@mantine/core';
import { useDisclosure, useHotkeys } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { IconPencil, IconPlus, IconRestore, IconTrash } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { Experiment } from '../../../../shared/contract/index';
import { useClient } from '../../api/hooks';
import { refreshAfter, useLatheQuery } from '../../api/queries';
import { ClientError } from '../../api/client-error';
import { CreateExperimentModal } from './CreateExperimentModal';
import { EmptyState } from '../../components/EmptyState';
import { PageHeader, PageLayout } from '../../components/Page';

/** Experiments: list, create, rename in place, delete with a confirm (and Undo), show and restore deleted ones. */
export function ExperimentsPage() {
  const client = useClient();
  const queryClient = useQueryClient();
  const [showDeleted, setShowDeleted] = useState(false);
  const [creating, createModal] = useDisclosure(false);
  const [renaming, setRenaming] = useState<{ id: string; name: string; error?: string } | null>(null);
  const [deleting, setDeleting] = useState<Experiment | null>(null);

  const list = useLatheQuery('experiments.list', { includeDeleted: showDeleted });
  useHotkeys([['n', () => createModal.open()]]);
  const refresh = () => refreshAfter(queryClient, 'experiments.changed');

  const rename = useMutation({
    mutationFn: (input: { id: string; name: string }) => client['experiments.rename'](input),
    onSuccess: () => {
      setRenaming(null);
      void refresh();
    },
    onError: (error) => setRenaming((current) => current && { ...current, error: ClientError.from(error).message }),
  });
  const restore = useMutation({
    mutationFn: (id: string) => client['experiments.restore']({ id }),
    onSuccess: (experiment) => {
      notifications.show({ message: `Restored "${experiment.name}"`, color: 'green' });
      void refresh();
    },
    onError: (error) =>
      notifications.show({ title: 'Could not restore', message: ClientError.from(error).message, color: 'red' }),
  });
  const remove = useMutation({
    mutationFn: (id: string) => client['experiments.delete']({ id }),
    onSuccess: (experiment) => {
      setDeleting(null);
      void refresh();
      notifications.show({
        id: `deleted-${experiment.id}`,
        color: 'gray',
        message: (
          <Group justify="space-between" wrap="nowrap">
            <Text size="sm">Deleted "{experiment.name}"</Text>
            <Button
              size="compact-xs"
              variant="light"
              onClick={() => {
                notifications.hide(`deleted-${experiment.id}`);
                restore.mutate(experiment.id);
              }}
            >
              Undo
            </Button>
          </Group>
        ),
      });
    },
    onError: (error) =>
      notifications.show({ title: 'Could not delete', message: ClientError.from(error).message, color: 'red' }),
  });

  return (
    <PageLayout>
      <PageHeader
        title="Experiments"
        description="Each experiment groups the runs of one question you are asking of your data."
        actions={
          <>
            <Switch
              label="Show deleted"
              checked={showDeleted}
              onChange={(e) => setShowDeleted(e.currentTarget.checked)}
            />
            <Tooltip label={<>Shortcut: N</>}>
              <Button leftSection={<IconPlus size={16} />} onClick={createModal.open}>
                New experiment
              </Button>
            </Tooltip>
          </>
        }
      />

      {list.isPending && <Loader size="sm" aria-label="Loading experiments" />}
      {list.isError && (
        <Alert color="red" title="Could not load experiments">
          {list.error.message}
        </Alert>
      )}
      {list.data && list.data.length === 0 && (
        <EmptyState
          title="No experiments yet"
          actions={
            <Button leftSection={<IconPlus size={16} />} onClick={createModal.open}>
              New experiment
            </Button>
          }
        >
          Create one here, from a terminal with <Code>lathe experiments create NAME</Code>, or from Python with{' '}
          <Code>mlflow.set_experiment("NAME")</Code>.
        </EmptyState>
      )}
      {list.data && list.data.length > 0 && (
        <Paper withBorder>
          <Table highlightOnHover verticalSpacing="sm" aria-label="Experiments">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th w={90}>ID</Table.Th>
                <Table.Th w={90}>Runs</Table.Th>
                <Table.Th w={200}>Created</Table.Th>
                <Table.Th w={110} aria-label="Actions" />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {list.data.map((experiment) => (
                <Table.Tr
                  key={experiment.id}
                  data-testid={`experiment-row-${experiment.id}`}
                  opacity={experiment.lifecycleStage === 'deleted' ? 0.6 : 1}
                >
                  <Table.Td>
                    {renaming?.id === experiment.id ? (
                      <form
                        onSubmit={(e) => {
                          e.preventDefault();
                          rename.mutate({ id: renaming.id, name: renaming.name });
                        }}
                      >
                        <TextInput
                          aria-label={`New name for ${experiment.name}`}
                          value={renaming.name}
                          error={renaming.error}
                          autoFocus
                          onChange={(e) => setRenaming({ id: experiment.id, name: e.currentTarget.value })}
                          onKeyDown={(e) => e.key === 'Escape' && setRenaming(null)}
                          onBlur={() => !rename.isPending && !renaming.error && setRenaming(null)}
                          description="Enter to save, Escape to cancel"
                        />
                      </form>
                    ) : (
                      <Group gap="xs">
                        <Anchor
                          component={Link}
                          to={`/experiments/${experiment.id}`}
                          fw={500}
                          aria-label={`Open runs of ${experiment.name}`}
                        >
                          {experiment.name}
                        </Anchor>
                        {experiment.lifecycleStage === 'deleted' && (
                          <Badge color="gray" variant="light">
                            deleted
                          </Badge>
                        )}
                      </Group>
                    )}
                  </Table.Td>
                  <Table.Td className="mono">{experiment.id}</Table.Td>
                  <Table.Td>{experiment.runCount}</Table.Td>
                  <Table.Td>{new Date(experiment.createdAt).toLocaleString()}</Table.Td>
                  <Table.Td>
                    <Group gap={4} justify="flex-end" wrap="nowrap">
                      {experiment.lifecycleStage === 'active' ? (
                        <>
                          <Tooltip label="Rename">
                            <ActionIcon
                              variant="subtle"
                              aria-label={`Rename ${experiment.name}`}
                              onClick={() => setRenaming({ id: experiment.id, name: experiment.name })}
                            >
                              <IconPencil size={16} />
                            </ActionIcon>
                          </Tooltip>
                          <Tooltip label="Delete">
                            <ActionIcon
                              variant="subtle"
                              color="red"
                              aria-label={`Delete ${experiment.name}`}
                              onClick={() => setDeleting(experiment)}
                            >
                              <IconTrash size={16} />
                            </ActionIcon>
                          </Tooltip>
                        </>
                      ) : (
                        <Tooltip label="Restore">
                          <ActionIcon
                            variant="subtle"
                            aria-label={`Restore ${experiment.name}`}
                            onClick={() => restore.mutate(experiment.id)}
                          >
                            <IconRestore size={16} />
                          </ActionIcon>
                        </Tooltip>
                      )}
                    </Group>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Paper>
      )}

      <CreateExperimentModal opened={creating} onClose={createModal.close} onCreated={() => void refresh()} />

      <Modal opened={deleting !== null} onClose={() => setDeleting(null)} title="Delete experiment?" centered>
        <Stack>
          <Text size="sm">
            Delete <b>{deleting?.name}</b>? It disappears from the list with its {deleting?.runCount ?? 0} run(s). You
            can restore it later from "Show deleted".
          </Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setDeleting(null)}>
              Cancel
            </Button>
            <Button
              color="red"
              loading={remove.isPending}
              onClick={() => deleting && remove.mutate(deleting.id)}
              data-autofocus
            >
              Delete
            </Button>
          </Group>
        </Stack>
      </Modal>
    </PageLayout>
  );
}
