/**
 * A model version's Validate action (issue 13): a modal to run a suite (the task's default or edited YAML,
 * checked as it is typed; a holdout dataset version; a baseline version or alias) with its progress, and the
 * version's past reports, any of which opens in full. The model page adds it with one line.
 */
import { useState } from 'react';
import {
  Alert,
  Badge,
  Button,
  Group,
  Loader,
  Modal,
  Progress,
  Select,
  Stack,
  Table,
  Tabs,
  Text,
  TextInput,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { AliasGate, ModelVersion } from '../../../../shared/contract/index';
import { useClient } from '../../api/hooks';
import { methodKey, useLatheQuery } from '../../api/queries';
import { useLinkedModal } from '../../app/linked-modal';
import { ClientError } from '../../api/client-error';
import { EmptyState } from '../../components/EmptyState';
import { choiceRef, DatasetVersionPicker, type DatasetChoice } from '../models/DatasetVersionPicker';
import { ProgressStatus } from '../../components/ProgressStatus';
import { ModalActions } from '../models/ModalActions';
import { SuiteEditor } from './SuiteEditor';
import { ValidationReportView } from './ValidationReportView';

/** The button and its modal. */
export function ValidateButton({ version }: { version: ModelVersion }) {
  // `?validation=ID` (a lineage node's link) opens that report when it is one of this version's.
  const modal = useLinkedModal('validation', 'validation.list', `${version.model}@${version.version}`);
  return (
    <>
      <Button variant="default" onClick={modal.open} style={{ flex: 'none' }} disabled={!version.scorable}>
        Validate
      </Button>
      {modal.opened && <ValidateModal version={version} onClose={modal.close} linked={modal.linked} />}
    </>
  );
}

function ValidateModal({
  version,
  onClose,
  linked,
}: {
  version: ModelVersion;
  onClose: () => void;
  linked: string | null;
}) {
  const ref = `${version.model}@${version.version}`;
  const reports = useLatheQuery('validation.list', { ref });
  const gates = useLatheQuery('validation.gates', {});
  // A model's own rule replaces the global one for the same alias.
  const gated = (gates.data ?? []).filter(
    (gate) =>
      gate.model === version.model ||
      (gate.model === null &&
        !gates.data!.some((other) => other.model === version.model && other.alias === gate.alias)),
  );
  const [tab, setTab] = useState<string | null>(linked ? 'reports' : 'run');
  const [shown, setShown] = useState<string | null>(linked);
  return (
    <Modal opened onClose={onClose} title={`Validate ${ref}`} size="80rem" centered>
      {gated.length > 0 && (
        <Text size="sm" mb="xs" data-testid="alias-gates">
          {gated.map((gate) => (
            <span key={gate.alias}>
              Alias <b>{gate.alias}</b> moves only onto a version with a passing report
              {gate.suite ? ` of suite ${gate.suite}` : ''}.{' '}
            </span>
          ))}
        </Text>
      )}
      <Tabs value={tab} onChange={setTab} keepMounted>
        <Tabs.List mb="sm">
          <Tabs.Tab value="run">Run a suite</Tabs.Tab>
          <Tabs.Tab value="reports">Reports{reports.data ? ` (${reports.data.length})` : ''}</Tabs.Tab>
          <Tabs.Tab value="gates">Alias gates</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="run">
          <RunForm
            version={version}
            onClose={onClose}
            onDone={(id) => {
              setShown(id);
              setTab('reports');
            }}
          />
        </Tabs.Panel>
        <Tabs.Panel value="gates">
          <Gates model={version.model} gated={gated} />
        </Tabs.Panel>
        <Tabs.Panel value="reports">
          <Reports refName={ref} shown={shown} onShow={setShown} onRun={() => setTab('run')} />
        </Tabs.Panel>
      </Tabs>
    </Modal>
  );
}

/** How far the run is: whole steps done, plus the share of rows scored in a scoring step. */
function progressPercent(
  progress: { step: string; done: number; total: number } | null,
  scored: { rows: number; totalRows: number | null } | null,
): number {
  if (!progress) return 2;
  const within =
    progress.step.startsWith('scoring') && scored?.totalRows ? Math.min(1, scored.rows / scored.totalRows) : 0;
  return Math.max(2, ((progress.done + within) / Math.max(1, progress.total)) * 100);
}

/** " · 420,000 of 1,500,000 rows" while a scoring step runs. */
function scoredText(step: string, scored: { rows: number; totalRows: number | null } | null): string {
  if (!step.startsWith('scoring') || !scored) return '';
  return ` · ${scored.rows.toLocaleString()}${scored.totalRows ? ` of ${scored.totalRows.toLocaleString()}` : ''} rows`;
}

function RunForm({
  version,
  onClose,
  onDone,
}: {
  version: ModelVersion;
  onClose: () => void;
  onDone: (id: string) => void;
}) {
  const client = useClient();
  const ref = `${version.model}@${version.version}`;
  const defaults = useLatheQuery('validation.defaultSuite', { ref });
  const model = useLatheQuery('models.get', { name: version.model });
  const [suite, setSuite] = useState<string | null>(null);
  const [holdout, setHoldout] = useState<DatasetChoice | null>(null);
  const [baseline, setBaseline] = useState<string | null>(null);
  const [progress, setProgress] = useState<{ step: string; done: number; total: number } | null>(null);
  // Rows scored so far in a scoring step (the longest ones), from the predict worker's progress.
  const [scored, setScored] = useState<{ rows: number; totalRows: number | null } | null>(null);
  const text = suite ?? defaults.data?.yaml ?? '';
  const holdoutRef = choiceRef(holdout) ?? undefined;
  const [debounced] = useDebouncedValue(text, 300);
  const check = useLatheQuery(
    'validation.checkSuite',
    { ref, suite: debounced, holdout: holdoutRef, baseline: baseline ?? undefined },
    { enabled: debounced !== '' },
  );
  const problems = check.data?.problems ?? [];
  // Set by Cancel: the run then ends in a "cancelled" error, which is shown as what it is, not as a refusal.
  const [cancelled, setCancelled] = useState(false);
  const cancel = useMutation({
    mutationFn: () => client['validation.cancel']({ ref }),
    onMutate: () => setCancelled(true),
  });
  const run = useMutation({
    mutationFn: () => {
      setProgress(null);
      setScored(null);
      setCancelled(false);
      const offSteps = client.on('validation.progress', (event) => {
        if (event.ref !== ref) return;
        setProgress(event);
        setScored(null);
      });
      // The candidate or a baseline being scored: any version of this model.
      const offRows = client.on('models.predictProgress', (event) => {
        if (event.ref.startsWith(`${version.model}@`)) setScored({ rows: event.rows, totalRows: event.totalRows });
      });
      const off = () => {
        offSteps();
        offRows();
      };
      return client['validation.run']({
        ref,
        suite: text,
        ...(holdoutRef ? { holdout: holdoutRef } : {}),
        ...(baseline ? { baseline } : {}),
      }).finally(off);
    },
    onSuccess: (report) => onDone(report.id),
  });
  const others = (model.data?.versions ?? []).filter((other) => other.version !== version.version);
  const aliases = Object.entries(model.data?.model.aliases ?? {});
  const baselineChoices = [
    ...aliases.map(([alias, target]) => ({ value: alias, label: `@${alias} (version ${target})` })),
    ...others.map((other) => ({ value: String(other.version), label: `version ${other.version}` })),
  ];
  if (defaults.isLoading) return <Loader size="sm" />;
  return (
    <Stack gap="sm">
      <SuiteEditor value={text} onChange={setSuite} problems={problems} checking={check.isFetching} />
      <Group gap="xs">
        <Button variant="subtle" size="compact-xs" onClick={() => setSuite(null)} disabled={suite === null}>
          Reset to the default suite
        </Button>
        <Text size="xs" c="dimmed">
          From a shell: lathe validate {ref} --suite suite.yaml --holdout NAME@V
        </Text>
      </Group>
      <DatasetVersionPicker
        value={holdout}
        onChange={setHoldout}
        label="Holdout dataset (or holdout: in the suite)"
        optional
      />
      {holdout && (
        <Button variant="subtle" size="compact-xs" onClick={() => setHoldout(null)} style={{ alignSelf: 'flex-start' }}>
          Clear the holdout
        </Button>
      )}
      <Select
        label="Baseline for regression checks (or baseline: in the suite)"
        placeholder={baselineChoices.length ? 'None' : 'This model has no other version or alias'}
        data={baselineChoices}
        value={baseline}
        onChange={setBaseline}
        clearable
        disabled={baselineChoices.length === 0}
      />
      {run.isPending && (
        <Stack gap={4} data-testid="validation-progress">
          <Progress value={progressPercent(progress, scored)} animated />
          <ProgressStatus
            status={
              progress
                ? `${progress.done}/${progress.total} · ${progress.step}${scoredText(progress.step, scored)}`
                : null
            }
            cancelling={cancelled}
            onCancel={() => cancel.mutate()}
            cancelTestId="validation-cancel"
          />
        </Stack>
      )}
      {cancelled && run.isError && (
        <Text size="sm" c="dimmed" data-testid="validation-cancelled">
          Validation cancelled: no report was stored.
        </Text>
      )}
      <ModalActions
        error={cancelled ? null : run.error}
        errorTitle="Validation refused"
        onClose={onClose}
        submitLabel="Run validation"
        onSubmit={() => run.mutate()}
        loading={run.isPending}
        disabledReason={problems.length > 0 ? 'Fix the suite first' : null}
      />
    </Stack>
  );
}

function Reports({
  refName,
  shown,
  onShow,
  onRun,
}: {
  refName: string;
  shown: string | null;
  onShow: (id: string) => void;
  onRun: () => void;
}) {
  const reports = useLatheQuery('validation.list', { ref: refName });
  const chosen = shown ?? reports.data?.[0]?.id ?? null;
  const report = useLatheQuery('validation.get', { id: chosen ?? '' }, { enabled: chosen !== null });
  if (reports.isLoading) return <Loader size="sm" />;
  if (!reports.data?.length)
    return (
      <EmptyState
        title="No validation reports yet"
        actions={
          <Button variant="light" onClick={onRun}>
            Run a suite
          </Button>
        }
      >
        Run a suite on {refName} to check its metrics on a holdout, its slices, regressions against a baseline, latency,
        schema, drift and ONNX validity. From a shell: lathe validate {refName} --suite suite.yaml
      </EmptyState>
    );
  return (
    <Stack gap="md">
      <Table highlightOnHover verticalSpacing={4} fz="sm" aria-label="validation reports">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>When</Table.Th>
            <Table.Th>Suite</Table.Th>
            <Table.Th>Holdout</Table.Th>
            <Table.Th>Baseline</Table.Th>
            <Table.Th ta="right">Checks</Table.Th>
            <Table.Th>Verdict</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {reports.data.map((summary) => (
            <Table.Tr
              key={summary.id}
              tabIndex={0}
              aria-selected={summary.id === chosen}
              onClick={() => onShow(summary.id)}
              onKeyDown={(event) => {
                if (event.key === 'Enter' || event.key === ' ') {
                  event.preventDefault();
                  onShow(summary.id);
                }
              }}
              style={{
                cursor: 'pointer',
                background: summary.id === chosen ? 'var(--mantine-color-blue-light)' : undefined,
              }}
            >
              <Table.Td>{new Date(summary.createdAt).toLocaleString()}</Table.Td>
              <Table.Td>{summary.suite}</Table.Td>
              <Table.Td>{summary.holdout?.label ?? '—'}</Table.Td>
              <Table.Td>{summary.baseline?.ref ?? '—'}</Table.Td>
              <Table.Td ta="right">
                {summary.checksPassed}/{summary.checksTotal}
              </Table.Td>
              <Table.Td>
                <Badge color={summary.passed ? 'green' : 'red'} variant="light">
                  {summary.passed ? 'passed' : 'failed'}
                </Badge>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {report.data ? <ValidationReportView report={report.data} /> : <Loader size="sm" />}
    </Stack>
  );
}

/** The gates that apply to this model, and a form to add or remove one (as `lathe validate gate` does). */
function Gates({ model, gated }: { model: string; gated: AliasGate[] }) {
  const client = useClient();
  const queryClient = useQueryClient();
  const [alias, setAlias] = useState('');
  const [suite, setSuite] = useState('');
  const [scope, setScope] = useState<string>('model');
  const refresh = () => queryClient.invalidateQueries({ queryKey: methodKey('validation.gates') });
  const add = useMutation({
    mutationFn: () =>
      client['validation.setGate']({
        alias: alias.trim(),
        ...(scope === 'model' ? { model } : {}),
        ...(suite.trim() ? { suite: suite.trim() } : {}),
      }),
    onSuccess: () => {
      setAlias('');
      setSuite('');
      return refresh();
    },
  });
  const remove = useMutation({
    mutationFn: (gate: AliasGate) =>
      client['validation.removeGate']({ alias: gate.alias, ...(gate.model ? { model: gate.model } : {}) }),
    onSuccess: refresh,
  });
  return (
    <Stack gap="sm">
      <Text size="sm" c="dimmed">
        A gated alias moves onto a version only when that version's latest validation report (of the named suite)
        passed; the app, the CLI and MLflow's set-alias are refused otherwise.
      </Text>
      {gated.length === 0 ? (
        <Text size="sm">No alias of {model} is gated.</Text>
      ) : (
        <Table verticalSpacing={4} fz="sm" aria-label="alias gates" maw={720}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Alias</Table.Th>
              <Table.Th>Applies to</Table.Th>
              <Table.Th>Needs</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {gated.map((gate) => (
              <Table.Tr key={`${gate.model ?? ''}/${gate.alias}`}>
                <Table.Td>{gate.alias}</Table.Td>
                <Table.Td>{gate.model ?? 'every model'}</Table.Td>
                <Table.Td>a passing report{gate.suite ? ` of suite ${gate.suite}` : ''}</Table.Td>
                <Table.Td>
                  <Button
                    size="compact-xs"
                    variant="subtle"
                    color="red"
                    onClick={() => remove.mutate(gate)}
                    aria-label={`Remove the gate on ${gate.alias}`}
                  >
                    Remove
                  </Button>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      <Group align="flex-end" gap="xs">
        <TextInput
          label="Alias"
          placeholder="production"
          value={alias}
          onChange={(e) => setAlias(e.currentTarget.value)}
        />
        <TextInput
          label="Suite (optional)"
          placeholder="any suite"
          value={suite}
          onChange={(e) => setSuite(e.currentTarget.value)}
        />
        <Select
          label="Applies to"
          data={[
            { value: 'model', label: model },
            { value: 'every', label: 'every model' },
          ]}
          value={scope}
          onChange={(value) => setScope(value ?? 'model')}
          allowDeselect={false}
          w={180}
        />
        <Button onClick={() => add.mutate()} loading={add.isPending} disabled={alias.trim() === ''}>
          Add gate
        </Button>
      </Group>
      {(add.error ?? remove.error) != null && (
        <Alert color="red" title="Gate not changed">
          {ClientError.from(add.error ?? remove.error).message}
        </Alert>
      )}
    </Stack>
  );
}
