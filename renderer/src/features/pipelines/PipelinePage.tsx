/**
 * One pipeline (/pipelines/NAME): its DAG coloured by the status of the active run (else the latest one),
 * its run history, Run now and Cancel (confirmed), and its definition in the YAML editor. Every part
 * refreshes from the core's pipeline events through the invalidation table, so steps turn green as the
 * executor finishes them, whichever process runs it.
 */
import { Alert, Anchor, Button, Group, Loader, Stack, Table, Tabs, Text, Tooltip } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { IconTrash } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import type { PipelineDetail, PipelineRunSummary } from '../../../../shared/contract/index';
import { useClient } from '../../api/hooks';
import { refreshAfter, useLatheQuery } from '../../api/queries';
import { ClientError } from '../../api/client-error';
import { ConfirmModal } from '../../components/ConfirmModal';
import { PageHeader, PageLayout } from '../../components/Page';
import { CancelRunButton } from './CancelRunButton';
import { DefinitionEditor } from './DefinitionEditor';
import { RunNowButton } from './RunNowButton';
import { PipelineGraph } from './PipelineGraph';
import { StatusBadge } from './StatusBadge';
import type { GraphStep } from './pipeline-graph';
import { durationText, runIsActive, shortId, stepCountsText, timeText } from './run-format';
import { nextScheduledAt } from './schedule';
import { useNow } from './useNow';

/** The page of one pipeline. */
export function PipelinePage() {
  const name = useParams().name!;
  const pipeline = useLatheQuery('pipelines.get', { name }, { retry: false });
  if (pipeline.isPending) return <Loader size="sm" aria-label="Loading the pipeline" />;
  if (pipeline.isError)
    return (
      <PageLayout>
        <PageHeader title={name} back={{ to: '/pipelines', label: 'Pipelines' }} />
        <Alert color="red" title="Could not open this pipeline">
          {ClientError.from(pipeline.error).message}
        </Alert>
      </PageLayout>
    );
  return <PipelineView pipeline={pipeline.data} />;
}

function PipelineView({ pipeline }: { pipeline: PipelineDetail }) {
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const tab = params.get('tab') === 'definition' ? 'definition' : 'runs';
  const runs = useLatheQuery('pipelines.runs', { pipeline: pipeline.name, limit: 50 });
  // The run being worked on comes before one queued behind it (the newest first would be the queued one).
  const active =
    runs.data?.find((run) => run.status === 'running') ?? runs.data?.find((run) => runIsActive(run.status)) ?? null;
  const shown = active ?? runs.data?.[0] ?? null;
  const now = useNow(active !== null);
  const next = nextScheduledAt(pipeline.triggers, now);

  return (
    <PageLayout>
      <PageHeader
        title={pipeline.name}
        back={{ to: '/pipelines', label: 'Pipelines' }}
        badges={shown && <StatusBadge status={shown.status} size="md" />}
        description={
          <Stack gap={2}>
            {pipeline.description && <span>{pipeline.description}</span>}
            <span>
              Starts {pipeline.triggers.map((t) => (t.kind === 'manual' ? 'by hand' : `on ${t.detail}`)).join(', ')}
              {next !== null ? ` · next at ${timeText(next)}` : ''}
            </span>
          </Stack>
        }
        actions={
          <>
            {active && <CancelRunButton run={active} />}
            <RunNowButton pipeline={pipeline} />
            <DeletePipelineButton name={pipeline.name} disabled={active !== null} />
          </>
        }
      />
      <Tabs
        value={tab}
        onChange={(value) => {
          const nextParams = new URLSearchParams(params);
          if (value === 'definition') nextParams.set('tab', 'definition');
          else nextParams.delete('tab');
          setParams(nextParams, { replace: true });
        }}
        keepMounted={false}
      >
        <Tabs.List>
          <Tabs.Tab value="runs">Runs</Tabs.Tab>
          <Tabs.Tab value="definition">Definition</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="runs" pt="md">
          <Stack gap="md">
            <ShownRunGraph pipeline={pipeline} run={shown} />
            {runs.isError && <Alert color="red">{ClientError.from(runs.error).message}</Alert>}
            {runs.data && <RunHistory pipeline={pipeline.name} runs={runs.data} now={now} />}
          </Stack>
        </Tabs.Panel>
        <Tabs.Panel value="definition" pt="md">
          <DefinitionEditor
            key={pipeline.updatedAt}
            initial={pipeline.yaml}
            height={420}
            onSaved={(saved) => {
              if (saved.name !== pipeline.name) navigate(`/pipelines/${encodeURIComponent(saved.name)}?tab=definition`);
            }}
          />
        </Tabs.Panel>
      </Tabs>
    </PageLayout>
  );
}

/** The DAG with the statuses of `run` (the definition's steps; a step the run did not have shows "not run"). */
function ShownRunGraph({ pipeline, run }: { pipeline: PipelineDetail; run: PipelineRunSummary | null }) {
  const navigate = useNavigate();
  const detail = useLatheQuery('pipelines.run', { id: run?.id ?? '' }, { enabled: run !== null });
  const statuses = new Map((detail.data?.steps ?? []).map((step) => [step.step, step.status]));
  const steps: GraphStep[] = pipeline.spec.steps.map((step) => ({
    name: step.id,
    kind: step.type,
    needs: step.needs,
    status: statuses.get(step.id) ?? null,
  }));
  const runPath = run && `/pipelines/${encodeURIComponent(pipeline.name)}/runs/${encodeURIComponent(run.id)}`;
  return (
    <Stack gap={4}>
      <Group justify="space-between">
        <Text size="sm" c="dimmed" data-testid="graph-caption">
          {run && runPath ? (
            <>
              Steps of run{' '}
              <Anchor component={Link} to={runPath} className="mono" size="sm">
                {shortId(run.id)}
              </Anchor>{' '}
              ({run.status}, {run.trigger.detail}). Select a step to open its inputs, outputs and log.
            </>
          ) : (
            'Not run yet: Run now starts it by hand.'
          )}
        </Text>
      </Group>
      <PipelineGraph
        label={`Steps of ${pipeline.name}`}
        steps={steps}
        onSelect={runPath ? (step) => navigate(`${runPath}?step=${encodeURIComponent(step)}`) : undefined}
      />
    </Stack>
  );
}

function RunHistory({ pipeline, runs, now }: { pipeline: string; runs: PipelineRunSummary[]; now: number }) {
  if (runs.length === 0)
    return (
      <Text size="sm" c="dimmed">
        No runs yet.
      </Text>
    );
  // Every column but the last keeps its width; the last (step counts, or the error) takes what is left and is cut
  // to one line (the whole text in its tooltip), so a long error never squeezes the others.
  const fixed = { whiteSpace: 'nowrap' as const, width: '1%' };
  // A badge's label shrinks to an ellipsis in a 1% column: the status column gets room for the longest word.
  const status = { whiteSpace: 'nowrap' as const, width: 110 };
  return (
    <Table aria-label="Run history" highlightOnHover verticalSpacing={6}>
      <Table.Thead>
        <Table.Tr>
          <Table.Th style={fixed}>Run</Table.Th>
          <Table.Th style={status}>Status</Table.Th>
          <Table.Th style={fixed}>Started by</Table.Th>
          <Table.Th style={fixed}>Started</Table.Th>
          <Table.Th style={fixed}>Duration</Table.Th>
          <Table.Th>Steps</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {runs.map((run) => (
          <Table.Tr key={run.id} data-testid={`run-row-${run.id}`}>
            <Table.Td style={fixed}>
              <Anchor
                component={Link}
                to={`/pipelines/${encodeURIComponent(pipeline)}/runs/${encodeURIComponent(run.id)}`}
                className="mono"
                size="sm"
              >
                {shortId(run.id)}
              </Anchor>
            </Table.Td>
            <Table.Td style={status}>
              <StatusBadge status={run.status} />
            </Table.Td>
            <Table.Td
              style={{ ...fixed, maxWidth: 260, overflow: 'hidden', textOverflow: 'ellipsis' }}
              title={run.trigger.detail}
            >
              <Text size="sm" span>
                {run.trigger.detail}
              </Text>
            </Table.Td>
            <Table.Td style={fixed}>
              <Text size="sm">{timeText(run.startedAt ?? run.createdAt)}</Text>
            </Table.Td>
            <Table.Td style={fixed}>
              <Text size="sm">{durationText(run.startedAt, run.endedAt, now)}</Text>
            </Table.Td>
            <Table.Td style={{ maxWidth: 0 }}>
              {/* Why a run failed matters more than its counts; a cancelled run's reason is its status. */}
              {run.status === 'failed' && run.error ? (
                <Text size="sm" truncate="end" title={run.error} c="red">
                  {run.error}
                </Text>
              ) : (
                <Text size="sm" truncate="end">
                  {stepCountsText(run.stepCounts)}
                </Text>
              )}
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

function DeletePipelineButton({ name, disabled }: { name: string; disabled: boolean }) {
  const client = useClient();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [opened, modal] = useDisclosure(false);
  const remove = useMutation({
    mutationFn: () => client['pipelines.delete']({ name }),
    onSuccess: async () => {
      modal.close();
      await refreshAfter(queryClient, 'pipelines.changed');
      notifications.show({ color: 'gray', message: `Deleted pipeline ${name}; its past runs stay in the history.` });
      navigate('/pipelines');
    },
  });
  return (
    <>
      <Tooltip label={disabled ? 'A run is active: cancel it first' : 'Delete this pipeline'}>
        <Button variant="default" aria-label="Delete pipeline" onClick={modal.open} disabled={disabled} px="xs">
          <IconTrash size={16} />
        </Button>
      </Tooltip>
      <ConfirmModal
        opened={opened}
        onClose={modal.close}
        title={`Delete pipeline ${name}?`}
        keepLabel="Keep it"
        confirmLabel="Delete"
        onConfirm={() => remove.mutate()}
        pending={remove.isPending}
        error={remove.error}
      >
        Its definition is removed and its triggers stop. The runs it made, and what they produced, stay.
      </ConfirmModal>
    </>
  );
}
