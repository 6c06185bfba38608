/**
 * A registered model's registry side: description, tags, aliases with a confirmed move, the history of
 * every alias move (who, when, from which version), and deleting the model after typing its name.
 * Lives beside the model page (features/models) so the two can change apart.
 */
import { useState } from 'react';
import {
  ActionIcon,
  Alert,
  Badge,
  Button,
  Group,
  Modal,
  Paper,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
  Textarea,
  Title,
  Tooltip,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconArrowsExchange, IconPlus, IconTrash, IconX } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate } from 'react-router';
import type { ModelSummary, ModelVersion } from '../../../../shared/contract/index';
import { useClient } from '../../api/hooks';
import { refreshAfter, useLatheQuery } from '../../api/queries';
import { ClientError } from '../../api/client-error';
import { aliasColor } from './AliasBadges';

/** The registry panel of one model. */
export function RegistryPanel({ model, versions }: { model: ModelSummary; versions: ModelVersion[] }) {
  const client = useClient();
  const queryClient = useQueryClient();
  // Our own write refreshes at once (the models.changed event would, a moment later).
  const refresh = () => void refreshAfter(queryClient, 'models.changed');
  const history = useLatheQuery('registry.aliasHistory', { name: model.name });
  const [moving, setMoving] = useState<{ alias: string; from: number | null } | null>(null);
  const [deleting, setDeleting] = useState(false);
  const unalias = useMutation({
    mutationFn: (alias: string) => client['registry.removeAlias']({ name: model.name, alias }),
    onSuccess: (result) => {
      notifications.show({ message: `Removed @${result.alias} (was @${result.previousVersion})` });
      refresh();
    },
    onError: (error) => notifications.show({ color: 'red', message: ClientError.from(error).message }),
  });
  const aliases = Object.entries(model.aliases).sort(([a], [b]) => a.localeCompare(b));

  return (
    <Paper withBorder p="md" component="section" aria-label="Registry">
      <Stack gap="sm">
        <Group justify="space-between">
          <Title order={4}>Registry</Title>
          <Group gap="xs">
            {versions[0]?.scorable && (
              <Button
                size="xs"
                variant="light"
                component={Link}
                to={`/models/-/graph?${new URLSearchParams({ ref: `${model.name}@${versions[0].version}` }).toString()}`}
              >
                Graph of @{versions[0].version}
              </Button>
            )}
            {versions.length >= 2 && (
              <Button
                size="xs"
                variant="light"
                component={Link}
                to={`/models/-/diff?${new URLSearchParams({ a: `${model.name}@${versions[1]!.version}`, b: `${model.name}@${versions[0]!.version}` }).toString()}`}
              >
                Compare versions
              </Button>
            )}
            <Button
              size="xs"
              variant="subtle"
              color="red"
              leftSection={<IconTrash size={14} />}
              onClick={() => setDeleting(true)}
            >
              Delete model
            </Button>
          </Group>
        </Group>
        <Description model={model} onSaved={refresh} />
        <Tags model={model} onSaved={refresh} />
        <Group gap="xs" align="center">
          <Text fw={600} size="sm">
            Aliases
          </Text>
          <Button
            size="compact-xs"
            variant="light"
            leftSection={<IconPlus size={12} />}
            onClick={() => setMoving({ alias: '', from: null })}
            disabled={versions.length === 0}
          >
            Add alias
          </Button>
        </Group>
        {aliases.length === 0 ? (
          <Text size="sm" c="dimmed">
            No aliases. An alias such as <b>champion</b> names the version in use; scripts then ask for{' '}
            <code>{model.name}@champion</code> instead of a number.
          </Text>
        ) : (
          <Table verticalSpacing={4} aria-label="Aliases" maw={520}>
            <Table.Tbody>
              {aliases.map(([alias, version]) => (
                <Table.Tr key={alias}>
                  <Table.Td>
                    <Badge color={aliasColor(alias)} tt="none">
                      @{alias}
                    </Badge>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">→ version {version}</Text>
                  </Table.Td>
                  <Table.Td>
                    <Group gap={4} justify="flex-end">
                      <Button
                        size="compact-xs"
                        variant="default"
                        leftSection={<IconArrowsExchange size={12} />}
                        onClick={() => setMoving({ alias, from: version })}
                        aria-label={`Move alias ${alias}`}
                      >
                        Move
                      </Button>
                      <Tooltip label={`Remove @${alias}`}>
                        <ActionIcon
                          size="sm"
                          variant="subtle"
                          color="red"
                          aria-label={`Remove alias ${alias}`}
                          loading={unalias.isPending && unalias.variables === alias}
                          onClick={() => unalias.mutate(alias)}
                        >
                          <IconX size={14} />
                        </ActionIcon>
                      </Tooltip>
                    </Group>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
        {history.data && history.data.length > 0 && (
          <>
            <Text fw={600} size="sm">
              Alias history
            </Text>
            <Table verticalSpacing={2} aria-label="Alias history" fz="sm">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>When</Table.Th>
                  <Table.Th>Alias</Table.Th>
                  <Table.Th>Change</Table.Th>
                  <Table.Th>Who</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {history.data.slice(0, 50).map((event, index) => (
                  <Table.Tr key={`${event.at}-${index}`}>
                    <Table.Td>{new Date(event.at).toLocaleString()}</Table.Td>
                    <Table.Td>@{event.alias}</Table.Td>
                    <Table.Td>
                      {event.fromVersion === null
                        ? `set to version ${event.toVersion}`
                        : event.toVersion === null
                          ? `removed from version ${event.fromVersion}`
                          : `moved from version ${event.fromVersion} to ${event.toVersion}`}
                    </Table.Td>
                    <Table.Td>{event.actor}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </>
        )}
      </Stack>
      {moving && (
        <MoveAliasModal
          model={model.name}
          alias={moving.alias}
          from={moving.from}
          versions={versions}
          onClose={() => setMoving(null)}
          onDone={refresh}
        />
      )}
      {deleting && <DeleteModelModal model={model} versions={versions} onClose={() => setDeleting(false)} />}
    </Paper>
  );
}

function Description({ model, onSaved }: { model: ModelSummary; onSaved: () => void }) {
  const client = useClient();
  const [editing, setEditing] = useState<string | null>(null);
  const save = useMutation({
    mutationFn: (description: string) => client['registry.describe']({ name: model.name, description }),
    onSuccess: () => {
      setEditing(null);
      onSaved();
    },
  });
  if (editing === null)
    return (
      <Group gap="xs" align="flex-start">
        <Text size="sm" c={model.description ? undefined : 'dimmed'} style={{ whiteSpace: 'pre-wrap', flex: 1 }}>
          {model.description || 'No description.'}
        </Text>
        <Button size="compact-xs" variant="subtle" onClick={() => setEditing(model.description)}>
          Edit description
        </Button>
      </Group>
    );
  return (
    <Stack gap={4}>
      <Textarea
        aria-label="Description"
        autosize
        minRows={2}
        value={editing}
        onChange={(e) => setEditing(e.currentTarget.value)}
        error={save.error ? ClientError.from(save.error).message : undefined}
      />
      <Group gap="xs" justify="flex-end">
        <Button size="xs" variant="default" onClick={() => setEditing(null)}>
          Cancel
        </Button>
        <Button size="xs" loading={save.isPending} onClick={() => save.mutate(editing)}>
          Save description
        </Button>
      </Group>
    </Stack>
  );
}

function Tags({ model, onSaved }: { model: ModelSummary; onSaved: () => void }) {
  const client = useClient();
  const [key, setKey] = useState('');
  const [value, setValue] = useState('');
  const add = useMutation({
    mutationFn: () => client['registry.setTag']({ name: model.name, key: key.trim(), value }),
    onSuccess: () => {
      setKey('');
      setValue('');
      onSaved();
    },
  });
  const remove = useMutation({
    mutationFn: (tag: string) => client['registry.deleteTag']({ name: model.name, key: tag }),
    onSuccess: onSaved,
    onError: (error) => notifications.show({ color: 'red', message: ClientError.from(error).message }),
  });
  const tags = Object.entries(model.tags).sort(([a], [b]) => a.localeCompare(b));
  return (
    <Group gap="xs" align="center">
      <Text fw={600} size="sm">
        Tags
      </Text>
      {tags.map(([tag, tagValue]) => (
        <Badge
          key={tag}
          variant="outline"
          tt="none"
          rightSection={
            <ActionIcon
              size="xs"
              variant="transparent"
              aria-label={`Remove tag ${tag}`}
              onClick={() => remove.mutate(tag)}
            >
              <IconX size={10} />
            </ActionIcon>
          }
        >
          {tag}={tagValue}
        </Badge>
      ))}
      <TextInput
        size="xs"
        placeholder="key"
        aria-label="Tag key"
        value={key}
        onChange={(e) => setKey(e.currentTarget.value)}
        w={110}
      />
      <TextInput
        size="xs"
        placeholder="value"
        aria-label="Tag value"
        value={value}
        onChange={(e) => setValue(e.currentTarget.value)}
        w={140}
      />
      <Button
        size="compact-xs"
        variant="light"
        disabled={key.trim() === ''}
        loading={add.isPending}
        onClick={() => add.mutate()}
      >
        Add tag
      </Button>
      {add.error != null && (
        <Text size="xs" c="red">
          {ClientError.from(add.error).message}
        </Text>
      )}
    </Group>
  );
}

/** Choose the alias and target version, then confirm the move in a second step that says what changes. */
function MoveAliasModal({
  model,
  alias: initialAlias,
  from,
  versions,
  onClose,
  onDone,
}: {
  model: string;
  alias: string;
  from: number | null;
  versions: ModelVersion[];
  onClose: () => void;
  onDone: () => void;
}) {
  const client = useClient();
  const [alias, setAlias] = useState(initialAlias);
  const [target, setTarget] = useState<string | null>(
    String(versions.find((v) => v.version !== from)?.version ?? versions[0]?.version ?? ''),
  );
  const [confirming, setConfirming] = useState(false);
  const move = useMutation({
    mutationFn: () => client['registry.setAlias']({ ref: `${model}@${target}`, alias: alias.trim() }),
    onSuccess: (result) => {
      notifications.show({
        message:
          result.previousVersion === null
            ? `@${result.alias} now points at version ${result.version}`
            : `@${result.alias} moved from version ${result.previousVersion} to ${result.version}`,
      });
      onDone();
      onClose();
    },
    onError: () => setConfirming(false),
  });
  const existing = initialAlias !== '';
  return (
    <Modal opened onClose={onClose} title={existing ? `Move @${initialAlias}` : 'Add an alias'}>
      {!confirming ? (
        <Stack gap="sm">
          <TextInput
            label="Alias"
            description="Letters, digits, _ and -; for example champion, challenger, production"
            value={alias}
            onChange={(e) => setAlias(e.currentTarget.value)}
            disabled={existing}
            data-autofocus
          />
          <Select
            label="Version"
            data={versions.map((v) => ({
              value: String(v.version),
              label: `version ${v.version} · ${v.source}${v.aliases.length ? ` · @${v.aliases.join(' @')}` : ''}`,
            }))}
            value={target}
            onChange={setTarget}
            allowDeselect={false}
          />
          {move.error != null && (
            <Alert color="red" title="Could not set the alias">
              {ClientError.from(move.error).message}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button disabled={alias.trim() === '' || !target} onClick={() => setConfirming(true)}>
              Continue
            </Button>
          </Group>
        </Stack>
      ) : (
        <Stack gap="sm">
          <Text size="sm" aria-label="Confirmation">
            {from === null ? (
              <>
                Point <b>{`${model}@${alias.trim()}`}</b> at version <b>{target}</b>?
              </>
            ) : (
              <>
                Move <b>{`${model}@${alias.trim()}`}</b> from version <b>{from}</b> to version <b>{target}</b>? Anything
                that loads <code>{`${model}@${alias.trim()}`}</code> gets version {target} from now on.
              </>
            )}
          </Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setConfirming(false)}>
              Back
            </Button>
            <Button loading={move.isPending} onClick={() => move.mutate()}>
              {from === null ? 'Set alias' : 'Move alias'}
            </Button>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}

/** Deleting is for good: the person types the model's name, and is told that shared bytes stay. */
function DeleteModelModal({
  model,
  versions,
  onClose,
}: {
  model: ModelSummary;
  versions: ModelVersion[];
  onClose: () => void;
}) {
  const client = useClient();
  const navigate = useNavigate();
  const [typed, setTyped] = useState('');
  const remove = useMutation({
    mutationFn: () => client['registry.deleteModel']({ name: model.name, confirm: typed }),
    onSuccess: (result) => {
      notifications.show({
        message: `Deleted ${result.model} (${result.versions.length} version(s)); removed ${result.objectsRemoved} file(s), kept ${result.objectsKept} still in use`,
      });
      onClose();
      void navigate('/models');
    },
  });
  return (
    <Modal opened onClose={onClose} title={`Delete ${model.name}?`}>
      <Stack gap="sm">
        <Text size="sm">
          This deletes {versions.length} version(s), their aliases and lineage for good. A file another model, dataset
          or run still uses is kept. Type <b>{model.name}</b> to confirm.
        </Text>
        <TextInput
          aria-label="Model name to confirm"
          value={typed}
          onChange={(e) => setTyped(e.currentTarget.value)}
          data-autofocus
        />
        {remove.error != null && (
          <Alert color="red" title="Could not delete">
            {ClientError.from(remove.error).message}
          </Alert>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button
            color="red"
            disabled={typed !== model.name}
            loading={remove.isPending}
            onClick={() => remove.mutate()}
          >
            Delete model
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
