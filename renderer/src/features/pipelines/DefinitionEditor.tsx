/**
 * Edits a pipeline's YAML definition: the core's own check (`pipelines.check`) runs as you type (debounced)
 * and its problems land on their lines and fields in the editor; Save (or Ctrl+S) stores the definition
 * under its `name:` through `pipelines.save`, whose refusal, if any, is shown the same way.
 */
import { useState } from 'react';
import { Alert, Badge, Button, Group, Loader, Stack, Text } from '@mantine/core';
import { useDebouncedValue, getHotkeyHandler } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { IconDeviceFloppy, IconRestore } from '@tabler/icons-react';
import { keepPreviousData, useMutation, useQueryClient } from '@tanstack/react-query';
import { PipelineProblem, type PipelineDetail } from '../../../../shared/contract/index';
import { useClient } from '../../api/hooks';
import { refreshAfter, useLatheQuery } from '../../api/queries';
import { ClientError } from '../../api/client-error';
import { YamlEditor } from './YamlEditor';
import type { EditorProblem } from './editor-lines';

/** A problem of the check as the editor shows it (line 0 or a missing field means "the whole file"). */
export function editorProblemOf(problem: PipelineProblem): EditorProblem {
  return { line: problem.line > 0 ? problem.line : null, field: problem.field || null, message: problem.message };
}

/**
 * A refusal of `pipelines.save` as editor problems: each problem its details list (line, field, message),
 * else the one line and field they name, else the message alone.
 */
function problemsOfError(error: ClientError): EditorProblem[] {
  const listed = error.details?.problems;
  if (Array.isArray(listed) && listed.length > 0) {
    const parsed = PipelineProblem.array().safeParse(listed);
    if (parsed.success) return parsed.data.map(editorProblemOf);
  }
  const line = typeof error.details?.line === 'number' && error.details.line > 0 ? error.details.line : null;
  const field = typeof error.details?.field === 'string' && error.details.field ? error.details.field : null;
  return [{ line, field, message: error.message }];
}

/** "1 step", "3 steps". */
function counted(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

/** The definition editor with its live check and Save; `onSaved` receives the stored pipeline. */
export function DefinitionEditor({
  initial,
  onSaved,
  height,
}: {
  /** The text to start from (the saved definition, or a sample). */
  initial: string;
  onSaved: (saved: PipelineDetail) => void;
  height?: number;
}) {
  const client = useClient();
  const queryClient = useQueryClient();
  const [text, setText] = useState(initial);
  const [checked] = useDebouncedValue(text, 300);
  const check = useLatheQuery('pipelines.check', { yaml: checked }, { placeholderData: keepPreviousData });
  const save = useMutation({
    mutationFn: () => client['pipelines.save']({ yaml: text }),
    onSuccess: async (saved) => {
      await refreshAfter(queryClient, 'pipelines.changed');
      notifications.show({ color: 'green', message: `Saved pipeline ${saved.name}.` });
      onSaved(saved);
    },
  });
  const current = check.data && checked === text && !check.isPlaceholderData;
  // A refusal of Save names the same problems the check does (the core runs one check), so it replaces them.
  const problems: EditorProblem[] = save.isError
    ? problemsOfError(ClientError.from(save.error))
    : (check.data?.problems.map(editorProblemOf) ?? []);
  const changed = text !== initial;
  const submit = () => {
    if (!save.isPending) save.mutate();
  };

  return (
    <Stack gap="xs" onKeyDown={getHotkeyHandler([['mod+S', submit]])}>
      <Group justify="space-between" wrap="nowrap">
        <Group gap="xs" aria-live="polite" data-testid="definition-status">
          {check.isError ? (
            <Badge color="red" variant="light">
              could not check
            </Badge>
          ) : !current ? (
            <Group gap={6}>
              <Loader size={14} />
              <Text size="sm" c="dimmed">
                Checking…
              </Text>
            </Group>
          ) : check.data.ok ? (
            <Badge color="green" variant="light">
              valid: {counted(check.data.spec?.steps.length ?? 0, 'step')},{' '}
              {counted(check.data.spec?.triggers.length ?? 0, 'trigger')}
            </Badge>
          ) : (
            <Badge color="red" variant="light">
              {check.data.problems.length} {check.data.problems.length === 1 ? 'problem' : 'problems'}
            </Badge>
          )}
          {changed && (
            <Text size="sm" c="dimmed">
              Unsaved changes
            </Text>
          )}
        </Group>
        <Group gap="xs" wrap="nowrap">
          <Button
            variant="default"
            leftSection={<IconRestore size={16} />}
            disabled={!changed}
            onClick={() => {
              setText(initial);
              save.reset();
            }}
          >
            Revert
          </Button>
          <Button leftSection={<IconDeviceFloppy size={16} />} onClick={submit} loading={save.isPending}>
            Save
          </Button>
        </Group>
      </Group>
      {check.isError && <Alert color="red">{ClientError.from(check.error).message}</Alert>}
      <YamlEditor
        label="Pipeline definition (YAML)"
        value={text}
        onChange={(next) => {
          setText(next);
          if (save.isError) save.reset();
        }}
        problems={problems}
        height={height}
      />
      <Text size="xs" c="dimmed">
        Ctrl+S saves. The definition is stored under its <code>name:</code>; saving another name makes another pipeline.
      </Text>
    </Stack>
  );
}
