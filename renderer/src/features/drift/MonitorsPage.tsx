/**
 * Monitors: the list (/monitors) and one monitor (/monitors/NAME): run it now, drift share per window,
 * accuracy estimated without labels (CBPE) with its band beside the realised accuracy, realised F1 and ROC AUC
 * (classifiers) or MAE, RMSE and R² (regressors), the windows as a table, and the monitor's alerts.
 * Also {@link MonitorAlertNotifier}, which shows each run's new alerts in the app wherever the user is.
 */
import { useEffect, useMemo, useState, type ReactNode } from 'react';
import { Alert, Badge, Button, Loader, Paper, SimpleGrid, Table, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconPlayerPlay, IconPlus } from '@tabler/icons-react';
import { useMutation } from '@tanstack/react-query';
import { Link, Route, Routes, useParams } from 'react-router';
import type { EventPayload, MonitorRun } from '../../../../shared/contract/index';
import { useClient } from '../../api/hooks';
import { useLatheQuery } from '../../api/queries';
import { ClientError } from '../../api/client-error';
import { EmptyState } from '../../components/EmptyState';
import { PageHeader, PageLayout } from '../../components/Page';
import { EChart } from '../../components/EChart';
import { MonitorCreateModal } from './MonitorCreateModal';
import { summarizeAlerts } from '../../../../shared/monitor-alerts';

/**
 * Shows a run's alerts in the app wherever the user is, as one notification per run that is updated as the run's
 * alerts arrive (the desktop shell also raises a system one).
 */
export function MonitorAlertNotifier() {
  const client = useClient();
  useEffect(() => {
    const runs = new Map<string, EventPayload<'monitors.alert'>[]>();
    return client.on('monitors.alert', (alert: EventPayload<'monitors.alert'>) => {
      const seen = runs.get(alert.runId);
      const alerts = [...(seen ?? []), alert];
      runs.set(alert.runId, alerts);
      const shown = { id: `monitor-run-${alert.runId}`, color: 'red', ...summarizeAlerts(alert.monitor, alerts) };
      if (seen) notifications.update(shown);
      else notifications.show(shown);
    });
  }, [client]);
  return null;
}

/** Window labels on a category axis: "week of " dropped (the tooltip keeps the whole label), so more of them fit. */
const windowAxisLabel = { fontSize: 10, formatter: (label: string) => label.replace(/^week of /, '') };

function DriftChart({ run }: { run: MonitorRun }) {
  const option = useMemo(
    () => ({
      animation: false,
      grid: { left: 48, right: 12, top: 30, bottom: 50 },
      tooltip: { trigger: 'axis' },
      xAxis: { type: 'category', data: run.windows.map((window) => window.label), axisLabel: windowAxisLabel },
      yAxis: { type: 'value', min: 0, max: 1, name: 'drift share' },
      series: [
        {
          name: 'drift share',
          type: 'bar',
          data: run.windows.map((window) => ({
            value: window.driftShare,
            itemStyle: { color: window.alerts.includes('drift') ? '#fa5252' : '#74c0fc' },
          })),
        },
      ],
    }),
    [run],
  );
  return <EChart option={option} height={260} label="Drift share per window" />;
}

function AccuracyChart({ run }: { run: MonitorRun }) {
  const option = useMemo(
    () => ({
      animation: false,
      // The legend sits at the top right and the axis name at the top left, so neither hides the other.
      grid: { left: 48, right: 12, top: 40, bottom: 50 },
      legend: {
        top: 0,
        right: 0,
        data: ['estimated (CBPE)', 'realised', { name: 'CBPE band', icon: 'roundRect' }],
      },
      tooltip: {
        trigger: 'axis',
        valueFormatter: (value: number) => (typeof value === 'number' ? value.toFixed(3) : '—'),
      },
      xAxis: { type: 'category', data: run.windows.map((window) => window.label), axisLabel: windowAxisLabel },
      yAxis: { type: 'value', min: 0, max: 1, name: 'accuracy', nameTextStyle: { align: 'left' } },
      series: [
        // The band: its lower edge (invisible) with its width stacked on top, shaded.
        {
          name: 'band low',
          type: 'line',
          stack: 'band',
          symbol: 'none',
          lineStyle: { opacity: 0 },
          data: run.windows.map((window) => window.lower),
          tooltip: { show: false },
        },
        {
          name: 'CBPE band',
          type: 'line',
          stack: 'band',
          symbol: 'none',
          lineStyle: { opacity: 0 },
          areaStyle: { color: '#748ffc', opacity: 0.2 },
          // Its legend entry takes the band's colour, as a swatch rather than the palette's next colour.
          itemStyle: { color: '#748ffc', opacity: 0.4 },
          data: run.windows.map((window) =>
            window.upper === null || window.lower === null ? null : window.upper - window.lower,
          ),
        },
        {
          name: 'estimated (CBPE)',
          type: 'line',
          data: run.windows.map((window) => window.estimatedAccuracy),
          itemStyle: { color: '#4c6ef5' },
        },
        {
          name: 'realised',
          type: 'line',
          data: run.windows.map((window) => window.realisedAccuracy),
          itemStyle: { color: '#fd7e14' },
          lineStyle: { type: 'dashed' },
        },
      ],
    }),
    [run],
  );
  return <EChart option={option} height={260} label="Estimated and realised accuracy per window" />;
}

/** Lines of per-window metrics (null where a window has none), on a 0–1 axis unless `free`. */
function MetricChart({
  run,
  series,
  axis,
  label,
  free = false,
}: {
  run: MonitorRun;
  series: { name: string; values: (number | null | undefined)[]; color: string }[];
  axis: string;
  label: string;
  free?: boolean;
}) {
  const option = useMemo(
    () => ({
      animation: false,
      grid: { left: 48, right: 12, top: 40, bottom: 50 },
      legend: { top: 0, right: 0, data: series.map((line) => line.name) },
      tooltip: {
        trigger: 'axis',
        valueFormatter: (value: number) => (typeof value === 'number' ? value.toFixed(3) : '—'),
      },
      xAxis: { type: 'category', data: run.windows.map((window) => window.label), axisLabel: windowAxisLabel },
      yAxis: { type: 'value', ...(free ? {} : { min: 0, max: 1 }), name: axis, nameTextStyle: { align: 'left' } },
      series: series.map((line) => ({
        name: line.name,
        type: 'line',
        data: line.values.map((value) => value ?? null),
        itemStyle: { color: line.color },
      })),
    }),
    [run, series, axis, free],
  );
  // A chart of nothing (no window has its labels yet) would be an empty frame; say what fills it instead.
  if (!series.some((line) => line.values.some((value) => value !== null && value !== undefined)))
    return (
      <Text size="sm" c="dimmed" py="md" data-testid="metric-chart-empty">
        No window has labels yet: these figures appear for windows whose rows carry the model&apos;s label column.
      </Text>
    );
  return <EChart option={option} height={260} label={label} />;
}

/** One chart in a frame with a one-line title (never wrapping: cut with an ellipsis) and a dimmed line under it. */
function ChartPanel({
  title,
  detail,
  wide = false,
  children,
}: {
  title: string;
  detail?: string;
  /** Spans the whole row (the third chart of two columns, rather than half a row beside a hole). */
  wide?: boolean;
  children: ReactNode;
}) {
  return (
    <Paper withBorder p="md" style={{ minWidth: 0, gridColumn: wide ? '1 / -1' : undefined }}>
      <Text fw={500} truncate="end" title={title} data-testid="chart-title">
        {title}
      </Text>
      {detail && (
        <Text size="xs" c="dimmed" truncate="end" title={detail}>
          {detail}
        </Text>
      )}
      {children}
    </Paper>
  );
}

const figure = (value: number | null | undefined) => (value === null || value === undefined ? '—' : value.toFixed(3));

/** Every window of a run as rows: the figures the charts draw, exact, plus the features each window skipped. */
function WindowsTable({ run }: { run: MonitorRun }) {
  const regression = run.task === 'regression';
  const metrics = regression
    ? (['mae', 'rmse', 'r2'] as const)
    : (['estimatedAccuracy', 'realisedAccuracy', 'f1', 'rocAuc'] as const);
  const names: Record<string, string> = {
    mae: 'MAE',
    rmse: 'RMSE',
    r2: 'R²',
    estimatedAccuracy: 'Est. accuracy',
    realisedAccuracy: 'Accuracy',
    f1: 'F1',
    rocAuc: 'ROC AUC',
  };
  return (
    <Table.ScrollContainer minWidth={720}>
      <Table aria-label="Windows" striped>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Window</Table.Th>
            <Table.Th ta="right">Rows</Table.Th>
            <Table.Th ta="right">Drift share</Table.Th>
            {metrics.map((metric) => (
              <Table.Th key={metric} ta="right">
                {names[metric]}
              </Table.Th>
            ))}
            <Table.Th>Not tested</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {run.windows.map((window) => (
            <Table.Tr key={window.label}>
              <Table.Td style={{ whiteSpace: 'nowrap' }}>{window.label}</Table.Td>
              <Table.Td ta="right">{window.rows}</Table.Td>
              <Table.Td ta="right" c={window.alerts.includes('drift') ? 'red' : undefined}>
                {window.driftShare.toFixed(2)}
              </Table.Td>
              {metrics.map((metric) => (
                <Table.Td key={metric} ta="right">
                  {figure(window[metric])}
                </Table.Td>
              ))}
              <Table.Td>
                {(window.skippedColumns ?? []).map((skipped) => `${skipped.column}: ${skipped.reason}`).join('; ') ||
                  '—'}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

/** The charts of a run: drift share always; CBPE and F1/ROC AUC for a classifier, errors and R² for a regressor. */
function RunCharts({ run }: { run: MonitorRun }) {
  const regression = run.task === 'regression';
  return (
    <SimpleGrid cols={{ base: 1, lg: 2 }}>
      <ChartPanel title="Drift share per window" detail="share of the model's features that drift; red: alert">
        <DriftChart run={run} />
      </ChartPanel>
      {regression ? (
        <>
          <ChartPanel title="Error per window" detail="mean absolute and root mean squared error, realised">
            <MetricChart
              run={run}
              free
              axis="error"
              label="MAE and RMSE per window"
              series={[
                { name: 'MAE', values: run.windows.map((window) => window.mae), color: '#4c6ef5' },
                { name: 'RMSE', values: run.windows.map((window) => window.rmse), color: '#fd7e14' },
              ]}
            />
          </ChartPanel>
          <ChartPanel title="R² per window" detail="coefficient of determination, realised" wide>
            <MetricChart
              run={run}
              free
              axis="R²"
              label="R² per window"
              series={[{ name: 'R²', values: run.windows.map((window) => window.r2), color: '#12b886' }]}
            />
          </ChartPanel>
        </>
      ) : (
        <>
          <ChartPanel
            title="Accuracy per window"
            detail={`estimated without labels (CBPE, ±3σ band) and realised${run.referenceAccuracy !== null ? `; reference ${run.referenceAccuracy.toFixed(3)}` : ''}`}
          >
            <AccuracyChart run={run} />
          </ChartPanel>
          <ChartPanel title="F1 and ROC AUC per window" detail="realised, where labels are known" wide>
            <MetricChart
              run={run}
              axis="score"
              label="F1 and ROC AUC per window"
              series={[
                { name: 'F1', values: run.windows.map((window) => window.f1), color: '#7950f2' },
                { name: 'ROC AUC', values: run.windows.map((window) => window.rocAuc), color: '#12b886' },
              ]}
            />
          </ChartPanel>
        </>
      )}
    </SimpleGrid>
  );
}

function MonitorView() {
  const { name } = useParams();
  const client = useClient();
  const shown = useLatheQuery('monitors.show', { name: name! });
  const run = useMutation({
    mutationFn: () => client['monitors.run']({ name: name! }),
    onSuccess: () => void shown.refetch(),
  });
  if (shown.isPending) return <Loader />;
  if (shown.isError) return <Alert color="red">{ClientError.from(shown.error).message}</Alert>;
  const { monitor, alerts } = shown.data;
  const last = monitor.lastRun;
  const description = `Model ${monitor.config.model}, reference ${monitor.config.reference}, ${
    monitor.config.stream.kind === 'dataset'
      ? `new versions of ${monitor.config.stream.dataset}`
      : `files in ${monitor.config.stream.path}`
  }, ${typeof monitor.config.window === 'string' ? monitor.config.window : `every ${monitor.config.window.rows} rows`} windows${
    monitor.config.timeColumn ? ` by the time column “${monitor.config.timeColumn}”` : ''
  }.`;
  return (
    <PageLayout>
      <PageHeader
        title={monitor.name}
        back={{ to: '/monitors', label: 'Monitors' }}
        description={description}
        actions={
          <Button leftSection={<IconPlayerPlay size={16} />} onClick={() => run.mutate()} loading={run.isPending}>
            Run now
          </Button>
        }
      />
      {run.isError && <Alert color="red">{ClientError.from(run.error).message}</Alert>}
      {!last && <Text>Not run yet.</Text>}
      {last && (
        <>
          <RunCharts run={last} />
          <Title order={4}>Windows</Title>
          <WindowsTable run={last} />
        </>
      )}
      <Title order={4}>Alerts</Title>
      {alerts.length === 0 ? (
        <Text c="dimmed">No alerts.</Text>
      ) : (
        <Table aria-label="Alerts">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>When</Table.Th>
              <Table.Th>Window</Table.Th>
              <Table.Th>Kind</Table.Th>
              <Table.Th>Message</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {alerts.map((alert) => (
              <Table.Tr key={alert.id}>
                <Table.Td>{new Date(alert.createdAt).toLocaleString()}</Table.Td>
                <Table.Td>{alert.window}</Table.Td>
                <Table.Td>
                  <Badge color={alert.kind === 'drift' ? 'red' : 'orange'} variant="light">
                    {alert.kind}
                  </Badge>
                </Table.Td>
                <Table.Td>{alert.message}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </PageLayout>
  );
}

function MonitorList() {
  const list = useLatheQuery('monitors.list', {});
  const [creating, setCreating] = useState(false);
  if (list.isPending) return <Loader />;
  if (list.isError) return <Alert color="red">{ClientError.from(list.error).message}</Alert>;
  return (
    <PageLayout>
      <PageHeader
        title="Monitors"
        description="A model version watched over new batches: drift, performance with and without labels, alerts."
        actions={
          <Button leftSection={<IconPlus size={16} />} onClick={() => setCreating(true)}>
            New monitor
          </Button>
        }
      />
      <MonitorCreateModal opened={creating} onClose={() => setCreating(false)} />
      {list.data.length === 0 ? (
        <EmptyState title="No monitors yet">
          Create one with New monitor, or{' '}
          <code>lathe monitor create NAME --model M@V --reference D@V --folder PATH</code>.
        </EmptyState>
      ) : (
        <Table highlightOnHover aria-label="Monitors">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Name</Table.Th>
              <Table.Th>Model</Table.Th>
              <Table.Th>Reference</Table.Th>
              <Table.Th>Last run</Table.Th>
              <Table.Th>Alerts</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {list.data.map((monitor) => (
              <Table.Tr key={monitor.id}>
                <Table.Td>
                  <Link to={`/monitors/${monitor.name}`}>{monitor.name}</Link>
                </Table.Td>
                <Table.Td>{monitor.config.model}</Table.Td>
                <Table.Td>{monitor.config.reference}</Table.Td>
                <Table.Td>{monitor.lastRun ? new Date(monitor.lastRun.createdAt).toLocaleString() : '—'}</Table.Td>
                <Table.Td>
                  <Badge color={monitor.alertCount ? 'red' : 'gray'} variant="light">
                    {monitor.alertCount}
                  </Badge>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </PageLayout>
  );
}

/** The monitors section. */
export function MonitorsPage() {
  return (
    <Routes>
      <Route index element={<MonitorList />} />
      <Route path=":name" element={<MonitorView />} />
    </Routes>
  );
}
