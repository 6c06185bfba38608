/**
 * One pipeline run (/pipelines/NAME/runs/ID?step=STEP): the DAG with each step's status, the steps with
 * their times, and the chosen step's inputs and outputs (dataset and model versions linked to their pages),
 * what it produced, its error and its log, which follows the end while the step runs. The run's lineage
 * opens on the lineage page, focused on it. Refreshed by the core's pipeline events (api/queries.ts).
 */
import { useEffect } from 'react';
import {
  Alert,
  Anchor,
  Badge,
  Button,
  Group,
  Loader,
  NavLink,
  Paper,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Title,
} from '@mantine/core';
import { IconHierarchy } from '@tabler/icons-react';
import { Link, useParams, useSearchParams } from 'react-router';
import type { PipelineRunDetail, PipelineStepRun } from '../../../../shared/contract/index';
import { useLatheQuery } from '../../api/queries';
import { ClientError } from '../../api/client-error';
import { routeOfEntity, routeOfValue, type KnownEntities } from '../../app/entity-routes';
import { PageHeader, PageLayout } from '../../components/Page';
import { CancelRunButton } from './CancelRunButton';
import { PipelineGraph } from './PipelineGraph';
import { StatusBadge } from './StatusBadge';
import { StepLog } from './StepLog';
import { styleOfStatus, type GraphStep } from './pipeline-graph';
import { durationText, runIsActive, shortId, stepIsActive, timeText, valueRows } from './run-format';
import { useNow } from './useNow';

/** The page of one pipeline run. */
export function PipelineRunPage() {
  const { name, runId } = useParams();
  const run = useLatheQuery('pipelines.run', { id: runId! }, { retry: false });
  const back = { to: `/pipelines/${encodeURIComponent(name!)}`, label: name! };
  if (run.isPending) return <Loader size="sm" aria-label="Loading the run" />;
  if (run.isError)
    return (
      <PageLayout>
        <PageHeader title={`Run ${shortId(runId!)}`} back={back} />
        <Alert color="red" title="Could not open this run">
          {ClientError.from(run.error).message}
        </Alert>
      </PageLayout>
    );
  return <RunView detail={run.data} back={back} />;
}

/** The step shown when none is chosen: the one running, else the first that failed, else the first. */
function defaultStep(steps: PipelineStepRun[]): string | null {
  return (
    steps.find((step) => stepIsActive(step.status))?.step ??
    steps.find((step) => step.status === 'failed')?.step ??
    steps[0]?.step ??
    null
  );
}

function RunView({ detail, back }: { detail: PipelineRunDetail; back: { to: string; label: string } }) {
  const { run, spec, steps } = detail;
  const [params, setParams] = useSearchParams();
  const chosen = params.get('step');
  const selected = steps.find((step) => step.step === chosen)?.step ?? defaultStep(steps);
  const select = (step: string) => {
    const next = new URLSearchParams(params);
    next.set('step', step);
    setParams(next, { replace: true });
  };
  const active = runIsActive(run.status);
  const now = useNow(active);
  const byId = new Map(steps.map((step) => [step.step, step]));
  const graphSteps: GraphStep[] = spec.steps.map((step) => ({
    name: step.id,
    kind: step.type,
    needs: step.needs,
    status: byId.get(step.id)?.status ?? null,
  }));
  const shownStep = selected ? byId.get(selected) : undefined;
  useEffect(() => {
    document.title = `${run.pipeline} run ${shortId(run.id)} · Lathe`;
  }, [run.pipeline, run.id]);

  return (
    <PageLayout>
      <PageHeader
        title={
          <>
            Run <span className="mono">{shortId(run.id)}</span>
          </>
        }
        back={back}
        badges={<StatusBadge status={run.status} size="md" />}
        description={
          <span>
            {run.pipeline} · started by {run.trigger.detail} · {timeText(run.startedAt ?? run.createdAt)} ·{' '}
            {durationText(run.startedAt, run.endedAt, now)}
            {run.resumes > 0 ? ` · resumed ${run.resumes}× after a restart` : ''}
          </span>
        }
        actions={
          <>
            {active && <CancelRunButton run={run} />}
            <Button
              component={Link}
              variant="default"
              leftSection={<IconHierarchy size={16} />}
              to={`/lineage?entity=${encodeURIComponent(`pipeline_run:${run.id}`)}&direction=both`}
            >
              Run lineage
            </Button>
          </>
        }
      />
      {run.error && (
        <Alert color={run.status === 'cancelled' ? 'orange' : 'red'} title={`Run ${run.status}`}>
          {run.error}
        </Alert>
      )}
      <PipelineGraph
        label={`Steps of run ${shortId(run.id)}`}
        steps={graphSteps}
        selected={selected}
        onSelect={select}
        maxHeight={220}
      />
      <Group align="flex-start" wrap="nowrap" gap="md">
        <Paper withBorder w={280} style={{ flex: 'none' }} p={4}>
          <Stack gap={0} component="nav" aria-label="Steps">
            {steps.map((step) => (
              <NavLink
                key={step.step}
                component="button"
                aria-current={step.step === selected ? 'step' : undefined}
                active={step.step === selected}
                onClick={() => select(step.step)}
                label={step.step}
                description={`${step.type} · ${durationText(step.startedAt, step.endedAt, now)}`}
                leftSection={
                  <span
                    aria-hidden
                    style={{
                      display: 'inline-block',
                      width: 10,
                      height: 10,
                      borderRadius: 5,
                      background: `var(--mantine-color-${styleOfStatus(step.status).color}-filled)`,
                    }}
                  />
                }
                rightSection={<StatusBadge status={step.status} size="xs" />}
                data-testid={`step-item-${step.step}`}
                data-status={step.status}
              />
            ))}
          </Stack>
        </Paper>
        <div style={{ flex: 1, minWidth: 0 }}>
          {shownStep ? <StepDetail step={shownStep} now={now} /> : <Text c="dimmed">This run has no steps.</Text>}
        </div>
      </Group>
    </PageLayout>
  );
}

function StepDetail({ step, now }: { step: PipelineStepRun; now: number }) {
  const datasets = useLatheQuery('datasets.list', {});
  const models = useLatheQuery('models.list', {});
  const known: KnownEntities = {
    datasets: new Map((datasets.data ?? []).map((d) => [d.name, d.latest.version])),
    models: new Map((models.data ?? []).flatMap((m) => (m.latestVersion === null ? [] : [[m.name, m.latestVersion]]))),
  };
  const running = stepIsActive(step.status);
  return (
    <Stack gap="sm" aria-label={`Step ${step.step}`} data-testid="step-detail">
      <Group justify="space-between" wrap="nowrap">
        <Group gap="xs" wrap="nowrap">
          <Title order={4}>{step.step}</Title>
          <Badge variant="outline" color="gray" style={{ textTransform: 'none' }}>
            {step.type}
          </Badge>
          <StatusBadge status={step.status} />
        </Group>
        <Text size="sm" c="dimmed">
          {step.startedAt !== null
            ? `${timeText(step.startedAt)} · ${durationText(step.startedAt, step.endedAt, now)}`
            : 'not started'}
          {step.attempt > 1 ? ` · attempt ${step.attempt}` : ''}
        </Text>
      </Group>
      {step.error && (
        <Alert color="red" title="Error" style={{ overflowWrap: 'anywhere' }}>
          {step.error}
        </Alert>
      )}
      <SimpleGrid cols={2} spacing="sm">
        <ValuesTable
          title="Inputs"
          values={step.inputs}
          known={known}
          empty={step.startedAt === null ? 'Not resolved yet.' : 'None.'}
        />
        <ValuesTable
          title="Outputs"
          values={step.outputs}
          known={known}
          empty={running ? 'Not finished yet.' : 'None.'}
        />
      </SimpleGrid>
      {step.produced.length > 0 && (
        <Group gap="xs" aria-label="Produced">
          <Text size="sm" fw={600}>
            Produced:
          </Text>
          {step.produced.map((entity) => (
            <ProducedLink key={`${entity.kind}:${entity.id}`} entity={entity} known={known} />
          ))}
        </Group>
      )}
      <StepLog
        label={`Log of step ${step.step}`}
        running={running}
        lines={step.logs.map(
          (line) => `${new Date(line.at).toLocaleTimeString()}  ${line.level.padEnd(5)}  ${line.message}`,
        )}
      />
    </Stack>
  );
}

function ValuesTable({
  title,
  values,
  known,
  empty,
}: {
  title: string;
  values: Record<string, unknown> | null;
  known: KnownEntities;
  empty: string;
}) {
  const rows = valueRows(values);
  return (
    <Paper withBorder p="xs" style={{ minWidth: 0 }}>
      <Text size="sm" fw={600} mb={4}>
        {title}
      </Text>
      {rows.length === 0 ? (
        <Text size="sm" c="dimmed">
          {empty}
        </Text>
      ) : (
        <Table aria-label={title} verticalSpacing={2} fz="sm" layout="fixed">
          <Table.Tbody>
            {rows.map((row) => {
              const route = row.reference === null ? null : routeOfValue(row.key, row.reference, known);
              return (
                <Table.Tr key={row.key}>
                  <Table.Td w="38%" className="mono" style={{ overflowWrap: 'anywhere', verticalAlign: 'top' }}>
                    {row.key}
                  </Table.Td>
                  <Table.Td style={{ overflowWrap: 'anywhere' }}>
                    {route ? (
                      <Anchor component={Link} to={route} size="sm">
                        {row.text}
                      </Anchor>
                    ) : (
                      row.text
                    )}
                  </Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      )}
    </Paper>
  );
}

/** An entity a step produced: a link to its page when it has one, and to its lineage. */
function ProducedLink({
  entity,
  known,
}: {
  entity: { kind: string; id: string; label: string };
  known: KnownEntities;
}) {
  const isRun = entity.kind === 'run';
  const tracked = useLatheQuery('runs.get', { id: entity.id }, { enabled: isRun, retry: false });
  const route = isRun
    ? tracked.data
      ? routeOfEntity({ kind: 'run', id: entity.id, name: null, experimentId: tracked.data.experimentId, exists: true })
      : null
    : routeOfValue(entity.kind, entity.label, known);
  return (
    <Badge variant="light" color="gray" size="lg" style={{ textTransform: 'none' }} data-kind={entity.kind}>
      {route ? (
        <Anchor component={Link} to={route} size="sm">
          {entity.label}
        </Anchor>
      ) : (
        entity.label
      )}{' '}
      <Anchor
        component={Link}
        size="xs"
        c="dimmed"
        to={`/lineage?entity=${encodeURIComponent(`${entity.kind}:${entity.id}`)}`}
        aria-label={`Lineage of ${entity.label}`}
      >
        lineage
      </Anchor>
    </Badge>
  );
}
