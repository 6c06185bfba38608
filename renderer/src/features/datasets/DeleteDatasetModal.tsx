/**
 * Deleting a dataset or one version, with a confirmation. The core refuses while a run or model was
 * made from it and says which; the modal then lists them (with links) and offers to delete anyway.
 */
import { useState } from 'react';
import { Alert, Anchor, Badge, Button, Group, List, Modal, Stack, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link } from 'react-router';
import { entityDisplayName, routeOfEntity } from '../../app/entity-routes';
import type { DatasetDependent, DeleteDatasetResult } from '../../../../shared/contract/index';
import { useClient } from '../../api/hooks';
import { ClientError } from '../../api/client-error';
import { refreshAfter } from '../../api/queries';

/** What is being deleted: the whole dataset, or one of its versions. */
export type DeleteTarget = { name: string; version?: number; versionCount: number };

/** The confirmation modal; `onDeleted` runs after the core deleted it. */
export function DeleteDatasetModal({
  target,
  onClose,
  onDeleted,
}: {
  target: DeleteTarget | null;
  onClose: () => void;
  onDeleted: (result: DeleteDatasetResult) => void;
}) {
  const client = useClient();
  const queryClient = useQueryClient();
  const [blockers, setBlockers] = useState<DatasetDependent[] | null>(null);
  const ref = target ? (target.version === undefined ? target.name : `${target.name}@${target.version}`) : '';
  const remove = useMutation({
    mutationFn: (force: boolean) => client['datasets.delete']({ ref, force }),
    onSuccess: (result) => {
      void refreshAfter(queryClient, 'datasets.changed');
      notifications.show({
        color: 'gray',
        message: `Deleted ${result.datasetDeleted ? result.name : `${result.name}@${result.versions[0]}`}; ${result.objectsRemoved} stored file(s) freed.`,
      });
      setBlockers(null);
      onDeleted(result);
    },
    onError: (error) => {
      const failure = ClientError.from(error);
      if (failure.code === 'CONFLICT' && Array.isArray(failure.details?.dependents))
        setBlockers(failure.details.dependents as DatasetDependent[]);
    },
  });
  const close = () => {
    if (remove.isPending) return;
    setBlockers(null);
    remove.reset();
    onClose();
  };
  const error = remove.error ? ClientError.from(remove.error) : null;
  const whole = target?.version === undefined;
  const what = whole
    ? `the dataset ${ref} and its ${target?.versionCount === 1 ? 'version' : `${target?.versionCount ?? 0} versions`}`
    : ref;

  return (
    <Modal opened={target !== null} onClose={close} title={whole ? 'Delete dataset' : 'Delete version'} centered>
      <Stack>
        <Text size="sm">
          Delete <b>{what}</b>? Its profile and history go; its stored bytes are freed unless another version or
          artifact holds the same bytes.{' '}
          {!whole && 'Later versions keep their numbers, and this number is not used again.'}
        </Text>
        {blockers && (
          <Alert color="orange" title="Something was made from it" data-testid="delete-blockers">
            <Text size="sm" mb="xs">
              {error?.message}
            </Text>
            <List size="sm" spacing={2}>
              {blockers.map((d) => (
                <List.Item key={`${d.version}-${d.entity.kind}-${d.entity.id}`}>
                  <Group gap={6} wrap="nowrap">
                    <Badge size="xs" variant="light">
                      @{d.version}
                    </Badge>
                    {routeOfEntity(d.entity) ? (
                      <Anchor component={Link} to={routeOfEntity(d.entity)!} size="sm" onClick={close}>
                        {entityDisplayName(d.entity)}
                      </Anchor>
                    ) : (
                      <Text size="sm">{entityDisplayName(d.entity)}</Text>
                    )}
                  </Group>
                </List.Item>
              ))}
            </List>
          </Alert>
        )}
        {error && !blockers && (
          <Alert color="red" title="Could not delete">
            {error.message}
          </Alert>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={close} disabled={remove.isPending}>
            Cancel
          </Button>
          {blockers ? (
            <Button color="red" loading={remove.isPending} onClick={() => remove.mutate(true)}>
              Delete anyway
            </Button>
          ) : (
            <Button color="red" loading={remove.isPending} onClick={() => remove.mutate(false)}>
              Delete
            </Button>
          )}
        </Group>
      </Stack>
    </Modal>
  );
}
