/**
 * The "New monitor" form of the Monitors page: name, model version, reference dataset version, the stream
 * (new versions of a dataset, or table files in a folder), the window and its time column. The input is
 * checked with the contract's own MonitorConfig schema before it is sent, and the core's refusals (unknown
 * folder, reference lacking the model's features, taken name) come back on the field they name, so every
 * error shows beside its input rather than in a banner.
 */
import { useState } from 'react';
import {
  Alert,
  Autocomplete,
  Button,
  Group,
  Modal,
  NumberInput,
  SegmentedControl,
  Select,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
} from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useNavigate } from 'react-router';
import { MonitorConfig, type DatasetVersion } from '../../../../shared/contract/index';
import { useClient } from '../../api/hooks';
import { useLatheQuery } from '../../api/queries';
import { ClientError } from '../../api/client-error';
import { DatasetVersionPicker, choiceRef, type DatasetChoice } from '../models/DatasetVersionPicker';

type WindowChoice = 'daily' | 'weekly' | 'monthly' | 'batch' | 'rows';
type FieldErrors = Partial<Record<string, string>>;

const windowChoices: { value: WindowChoice; label: string }[] = [
  { value: 'batch', label: 'Each batch' },
  { value: 'daily', label: 'Daily' },
  { value: 'weekly', label: 'Weekly' },
  { value: 'monthly', label: 'Monthly' },
  { value: 'rows', label: 'Every N rows' },
];

/** The form's state before it becomes a MonitorConfig. */
interface Draft {
  name: string;
  modelName: string | null;
  modelVersion: string | null;
  reference: DatasetChoice | null;
  streamKind: 'dataset' | 'folder';
  streamDataset: string | null;
  streamPath: string;
  window: WindowChoice;
  rows: number | string;
  timeColumn: string;
  minAccuracy: number | string;
}

const emptyDraft: Draft = {
  name: '',
  modelName: null,
  modelVersion: null,
  reference: null,
  streamKind: 'folder',
  streamDataset: null,
  streamPath: '',
  window: 'batch',
  rows: 1000,
  timeColumn: '',
  minAccuracy: '',
};

/** The payload of `monitors.create` the draft stands for (unset fields left out, so the schema names them). */
export function draftToConfig(draft: Draft): Record<string, unknown> {
  const config: Record<string, unknown> = {
    name: draft.name,
    model: draft.modelName && draft.modelVersion ? `${draft.modelName}@${draft.modelVersion}` : '',
    reference: choiceRef(draft.reference) ?? '',
    stream:
      draft.streamKind === 'dataset'
        ? { kind: 'dataset', dataset: draft.streamDataset ?? '' }
        : { kind: 'folder', path: draft.streamPath.trim() },
    window: draft.window === 'rows' ? { rows: typeof draft.rows === 'number' ? draft.rows : Number.NaN } : draft.window,
  };
  if (draft.timeColumn.trim()) config.timeColumn = draft.timeColumn.trim();
  if (draft.minAccuracy !== '') config.minAccuracy = Number(draft.minAccuracy);
  return config;
}

// The form field a schema path or a core error's `field` belongs to.
function fieldOf(path: string): string {
  if (path.startsWith('stream')) return path === 'stream.path' || path === 'stream.dataset' ? path : 'stream';
  if (path.startsWith('window')) return 'window';
  return path.split('.')[0] || 'form';
}

function errorsFromIssues(issues: { path: string; message: string }[]): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of issues) errors[fieldOf(issue.path)] ??= issue.message;
  return errors;
}

/** The errors the schema finds in the draft, by field (empty when it is valid). */
export function validateDraft(draft: Draft): FieldErrors {
  const result = MonitorConfig.safeParse(draftToConfig(draft));
  if (result.success) return {};
  return errorsFromIssues(
    result.error.issues.map((issue) => ({
      path: issue.path.join('.'),
      // zod's generic wording for an empty string reads oddly under a form field.
      message: issue.message.startsWith('Too small: expected string') ? 'Required' : issue.message,
    })),
  );
}

// A refusal from the core, placed on its field when it names one.
function errorsFromServer(error: ClientError): FieldErrors {
  const issues = error.details?.issues;
  if (Array.isArray(issues)) return errorsFromIssues(issues as { path: string; message: string }[]);
  const field = error.details?.field;
  if (typeof field === 'string') return { [fieldOf(field)]: error.message };
  return { form: error.message };
}

/** The modal with the form; on success it closes and opens the new monitor's page. */
export function MonitorCreateModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const client = useClient();
  const navigate = useNavigate();
  const [draft, setDraft] = useState<Draft>(emptyDraft);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [referenceColumns, setReferenceColumns] = useState<string[]>([]);
  const models = useLatheQuery('models.list', {}, { enabled: opened });
  const model = useLatheQuery(
    'models.get',
    { name: draft.modelName ?? '' },
    { enabled: opened && draft.modelName !== null },
  );
  const datasets = useLatheQuery('datasets.list', {}, { enabled: opened && draft.streamKind === 'dataset' });
  const create = useMutation({
    mutationFn: (config: Record<string, unknown>) => client['monitors.create'](config as MonitorConfig),
    onSuccess: (created) => {
      setDraft(emptyDraft);
      setErrors({});
      onClose();
      void navigate(`/monitors/${encodeURIComponent(created.name)}`);
    },
    onError: (error) => setErrors(errorsFromServer(ClientError.from(error))),
  });
  const change = (patch: Partial<Draft>) => {
    setDraft((previous) => ({ ...previous, ...patch }));
    // An edited field's error no longer applies.
    setErrors((previous) => {
      const next = { ...previous };
      for (const key of Object.keys(patch)) {
        const field =
          key === 'modelName' || key === 'modelVersion'
            ? 'model'
            : key === 'streamPath'
              ? 'stream.path'
              : key === 'streamDataset'
                ? 'stream.dataset'
                : key === 'rows'
                  ? 'window'
                  : key;
        delete next[field];
      }
      delete next.form;
      return next;
    });
  };
  const versions = [...(model.data?.versions ?? [])].sort((a, b) => b.version - a.version);
  // A regressor has no accuracy: its windows show MAE, RMSE and R², and only drift raises alerts.
  const chosen = versions.find((version) => String(version.version) === draft.modelVersion);
  const regressor = chosen !== undefined && chosen.task !== 'classification';
  const submit = () => {
    // An accuracy threshold typed before a regressor was chosen is hidden, so it is not sent either.
    const sent = regressor ? { ...draft, minAccuracy: '' } : draft;
    const found = validateDraft(sent);
    setErrors(found);
    if (Object.keys(found).length === 0) create.mutate(draftToConfig(sent));
  };
  return (
    <Modal opened={opened} onClose={onClose} title="New monitor" size="lg">
      <form
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          submit();
        }}
      >
        <Stack>
          <TextInput
            label="Name"
            placeholder="weekly-churn"
            value={draft.name}
            onChange={(event) => change({ name: event.currentTarget.value })}
            error={errors.name}
            data-autofocus
          />
          <SimpleGrid cols={2}>
            <Select
              label="Model"
              placeholder="Choose a model"
              data={models.data?.map((m) => ({ value: m.name, label: m.name })) ?? []}
              value={draft.modelName}
              onChange={(value) => change({ modelName: value, modelVersion: null })}
              error={errors.model}
              searchable
            />
            <Select
              label="Model version"
              placeholder={draft.modelName ? 'Choose a version' : 'Choose a model first'}
              data={versions.map((v) => ({ value: String(v.version), label: `v${v.version} (${v.source})` }))}
              value={draft.modelVersion}
              onChange={(value) => change({ modelVersion: value })}
              disabled={!draft.modelName}
              error={errors.model ? ' ' : undefined}
            />
          </SimpleGrid>
          <DatasetVersionPicker
            label="Reference dataset"
            value={draft.reference}
            onChange={(reference) => change({ reference })}
            onVersion={(version: DatasetVersion | null) =>
              setReferenceColumns(version?.columns.map((column) => column.name) ?? [])
            }
            enabled={opened}
          />
          {errors.reference && (
            <Text c="red" size="sm" role="alert">
              {errors.reference}
            </Text>
          )}
          <Stack gap={4}>
            <Text size="sm" fw={500}>
              Stream of current batches
            </Text>
            <SegmentedControl
              aria-label="Stream kind"
              value={draft.streamKind}
              onChange={(value) => change({ streamKind: value as Draft['streamKind'] })}
              data={[
                { value: 'folder', label: 'Table files in a folder' },
                { value: 'dataset', label: 'New versions of a dataset' },
              ]}
            />
            {draft.streamKind === 'folder' ? (
              <TextInput
                label="Folder"
                placeholder="/data/incoming"
                description="Every CSV, TSV or Parquet file in it is a batch, in name order"
                value={draft.streamPath}
                onChange={(event) => change({ streamPath: event.currentTarget.value })}
                error={errors['stream.path'] ?? errors.stream}
              />
            ) : (
              <Select
                label="Dataset"
                placeholder="Choose a dataset"
                data={datasets.data?.map((d) => ({ value: d.name, label: d.name })) ?? []}
                value={draft.streamDataset}
                onChange={(value) => change({ streamDataset: value })}
                error={errors['stream.dataset'] ?? errors.stream}
                searchable
              />
            )}
          </Stack>
          <SimpleGrid cols={2}>
            <Select
              label="Window"
              data={windowChoices}
              value={draft.window}
              onChange={(value) => value && change({ window: value as WindowChoice })}
              error={errors.window}
              allowDeselect={false}
            />
            {draft.window === 'rows' ? (
              <NumberInput
                label="Rows per window"
                min={10}
                step={100}
                value={draft.rows}
                onChange={(value) => change({ rows: value })}
                error={errors.window ? ' ' : undefined}
              />
            ) : (
              <Autocomplete
                label="Time column"
                description={draft.window === 'batch' ? 'Optional for batch windows' : 'Required for calendar windows'}
                placeholder="day"
                data={referenceColumns}
                value={draft.timeColumn}
                onChange={(value) => change({ timeColumn: value })}
                error={errors.timeColumn}
              />
            )}
          </SimpleGrid>
          {regressor ? (
            <Text size="sm" c="dimmed">
              A regression model: each window shows MAE, RMSE and R² where labels are known; alerts come from drift.
            </Text>
          ) : (
            <NumberInput
              label="Alert below accuracy (optional)"
              description="A window whose estimated or realised accuracy falls below this raises a performance alert"
              min={0}
              max={1}
              step={0.05}
              decimalScale={3}
              value={draft.minAccuracy}
              onChange={(value) => change({ minAccuracy: value })}
              error={errors.minAccuracy}
            />
          )}
          {errors.form && (
            <Alert color="red" role="alert">
              {errors.form}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={create.isPending}>
              Create monitor
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
