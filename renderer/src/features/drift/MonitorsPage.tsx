/**
 * Monitors: the list (/monitors) and one monitor (/monitors/NAME): run it now, drift share per window,
 * accuracy estimated without labels (CBPE) with its band beside the realised accuracy, and its alerts.
 * Also {@link MonitorAlertNotifier}, which shows each run's new alerts in the app wherever the user is.
 */
import { useEffect, useMemo, useState } from 'react';
import { Alert, Badge, Button, Group, Loader, Paper, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconArrowLeft, IconPlayerPlay, IconPlus } from '@tabler/icons-react';
import { useMutation } from '@tanstack/react-query';
import { Link, Route, Routes, useParams } from 'react-router';
import type { EventPayload, MonitorRun } from '../../../../shared/contract/index';
import { useClient } from '../../api/hooks';
import { useLatheQuery } from '../../api/queries';
import { ClientError } from '../../api/client-error';
import { EmptyState } from '../../components/EmptyState';
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

function DriftChart({ run }: { run: MonitorRun }) {
  const option = useMemo(
    () => ({
      animation: false,
      grid: { left: 48, right: 12, top: 30, bottom: 50 },
      tooltip: { trigger: 'axis' },
      xAxis: { type: 'category', data: run.windows.map((window) => window.label), axisLabel: { fontSize: 10 } },
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
      xAxis: { type: 'category', data: run.windows.map((window) => window.label), axisLabel: { fontSize: 10 } },
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
  return (
    <Stack>
      <Group justify="space-between">
        <Group>
          <Button component={Link} to="/monitors" variant="subtle" leftSection={<IconArrowLeft size={16} />}>
            Monitors
          </Button>
          <Title order={2}>{monitor.name}</Title>
        </Group>
        <Button leftSection={<IconPlayerPlay size={16} />} onClick={() => run.mutate()} loading={run.isPending}>
          Run now
        </Button>
      </Group>
      <Text c="dimmed">
        Model {monitor.config.model}, reference {monitor.config.reference},{' '}
        {monitor.config.stream.kind === 'dataset'
          ? `new versions of ${monitor.config.stream.dataset}`
          : `files in ${monitor.config.stream.path}`}
        ,{' '}
        {typeof monitor.config.window === 'string' ? monitor.config.window : `every ${monitor.config.window.rows} rows`}{' '}
        windows{monitor.config.timeColumn ? ` by the time column “${monitor.config.timeColumn}”` : ''}.
      </Text>
      {run.isError && <Alert color="red">{ClientError.from(run.error).message}</Alert>}
      {!last && <Text>Not run yet.</Text>}
      {last && (
        <SimpleGrid cols={{ base: 1, lg: 2 }}>
          <Paper withBorder p="md">
            <Text fw={500}>Drift share per window</Text>
            <DriftChart run={last} />
          </Paper>
          <Paper withBorder p="md">
            <Text fw={500}>
              Accuracy: estimated without labels (CBPE, ±3σ band) and realised
              {last.referenceAccuracy !== null ? ` — reference ${last.referenceAccuracy.toFixed(3)}` : ''}
            </Text>
            <AccuracyChart run={last} />
          </Paper>
        </SimpleGrid>
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
    </Stack>
  );
}

function MonitorList() {
  const list = useLatheQuery('monitors.list', {});
  const [creating, setCreating] = useState(false);
  if (list.isPending) return <Loader />;
  if (list.isError) return <Alert color="red">{ClientError.from(list.error).message}</Alert>;
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2}>Monitors</Title>
        <Button leftSection={<IconPlus size={16} />} onClick={() => setCreating(true)}>
          New monitor
        </Button>
      </Group>
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
    </Stack>
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
