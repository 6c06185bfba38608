/**
 * Compare N runs: overlaid metric curves, parallel coordinates over params and metrics, a params table
 * that shows only what differs (toggle to all), and runs grouped by a param with mean ± std bands.
 */
import { useMemo, useState } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import {
  Alert,
  Anchor,
  Breadcrumbs,
  Group,
  Loader,
  MultiSelect,
  Paper,
  ScrollArea,
  Select,
  SimpleGrid,
  Stack,
  Switch,
  Table,
  Text,
} from '@mantine/core';
import { useQueries } from '@tanstack/react-query';
import { latheQuery, useLatheQuery } from '../../api/queries';
import type { RunDetail } from '../../../../shared/contract/index';
import { useClient } from '../../api/hooks';
import { ChartControls } from './ChartControls';
import { EChart, type ChartOption } from '../../components/EChart';
import { axisNumber } from '../../components/chart-shape';
import { metricText } from './format';
import { MetricChart, palette, type ChartSettings } from './MetricChart';
import { axisScale } from './axis-scale';
import { PageHeader, PageLayout } from '../../components/Page';

/** The compare view of the runs named in ?runs=a,b,c. */
export function ComparePage() {
  const { experimentId = '0' } = useParams();
  const [search] = useSearchParams();
  const ids = useMemo(() => (search.get('runs') ?? '').split(',').filter((id) => /^[0-9a-f]{32}$/.test(id)), [search]);
  const client = useClient();
  const experiments = useLatheQuery('experiments.list', { includeDeleted: true });
  const experimentName = experiments.data?.find((e) => e.id === experimentId)?.name ?? `Experiment ${experimentId}`;
  const results = useQueries({
    queries: ids.map((id) => latheQuery(client, 'runs.get', { id })),
  });
  const runs = results.map((r) => r.data).filter((r): r is RunDetail => r !== undefined);
  const [onlyDiffs, setOnlyDiffs] = useState(true);
  const [settings, setSettings] = useState<ChartSettings>({ xAxis: 'step', smoothing: 0, logScale: false });
  const metricKeys = useMemo(() => [...new Set(runs.flatMap((r) => Object.keys(r.metrics)))].sort(), [runs]);
  const paramKeys = useMemo(() => [...new Set(runs.flatMap((r) => Object.keys(r.params)))].sort(), [runs]);
  const differing = paramKeys.filter((k) => new Set(runs.map((r) => r.params[k] ?? '\u0000')).size > 1);
  const [chosenMetrics, setChosenMetrics] = useState<string[] | null>(null);
  const shownMetrics = chosenMetrics ?? metricKeys.slice(0, 4);
  const [groupBy, setGroupBy] = useState<string | null>(null);
  const [groupMetric, setGroupMetric] = useState<string | null>(null);
  // Bands need curves: default to the metric logged for the most steps.
  const longestMetric = metricKeys.reduce<string | undefined>((best, key) => {
    const steps = (k: string) => Math.max(...runs.map((r) => r.metrics[k]?.step ?? -1));
    return best === undefined || steps(key) > steps(best) ? key : best;
  }, undefined);

  if (ids.length < 2) return <Alert color="gray">Pick two or more runs in the runs table, then press Compare.</Alert>;
  if (results.some((r) => r.isPending)) return <Loader size="sm" aria-label="Loading runs" />;
  const failed = results.find((r) => r.isError);
  if (failed)
    return (
      <Alert color="red" title="Could not load a run">
        {failed.error?.message}
      </Alert>
    );
  const chartRuns = runs.map((r) => ({ id: r.id, name: r.name, startTime: r.startTime }));
  const paramRows = onlyDiffs ? differing : paramKeys;

  return (
    <PageLayout>
      <Breadcrumbs>
        <Anchor component={Link} to="/experiments" size="sm">
          Experiments
        </Anchor>
        <Anchor component={Link} to={`/experiments/${experimentId}`} size="sm">
          {experimentName}
        </Anchor>
        <Text size="sm">Compare</Text>
      </Breadcrumbs>
      <PageHeader title={`Compare ${runs.length} runs`} />
      <Paper withBorder p="sm">
        <Group justify="space-between" mb="xs">
          <Text fw={600}>Params</Text>
          <Switch
            size="sm"
            label="Only params that differ"
            checked={onlyDiffs}
            onChange={(e) => setOnlyDiffs(e.currentTarget.checked)}
          />
        </Group>
        {paramRows.length === 0 ? (
          <Text size="sm" c="dimmed">
            {onlyDiffs && paramKeys.length > 0
              ? `All ${paramKeys.length} params are the same in these runs.`
              : 'No params logged.'}
          </Text>
        ) : (
          <ScrollArea>
            <Table fz="sm" withColumnBorders striped aria-label="Params">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Param</Table.Th>
                  {runs.map((r, i) => (
                    <Table.Th key={r.id} style={{ color: palette[i % palette.length] }}>
                      {r.name}
                    </Table.Th>
                  ))}
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {paramRows.map((key) => (
                  <Table.Tr key={key}>
                    <Table.Td c="dimmed">{key}</Table.Td>
                    {runs.map((r) => (
                      <Table.Td key={r.id}>{r.params[key] ?? '–'}</Table.Td>
                    ))}
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </ScrollArea>
        )}
      </Paper>

      {metricKeys.length > 0 && (
        <Paper withBorder p="sm">
          <Text fw={600} mb="xs">
            Latest metrics
          </Text>
          <ScrollArea>
            <Table fz="sm" withColumnBorders striped aria-label="Latest metrics">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Metric</Table.Th>
                  {runs.map((r, i) => (
                    <Table.Th key={r.id} style={{ color: palette[i % palette.length] }}>
                      {r.name}
                    </Table.Th>
                  ))}
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {metricKeys.map((key) => (
                  <Table.Tr key={key}>
                    <Table.Td c="dimmed">{key}</Table.Td>
                    {runs.map((r) => (
                      <Table.Td key={r.id} className="mono">
                        {metricText(r.metrics[key]) || '–'}
                      </Table.Td>
                    ))}
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </ScrollArea>
        </Paper>
      )}

      <Stack gap="xs">
        <Group justify="space-between">
          <Text fw={600}>Metrics</Text>
          <ChartControls settings={settings} onChange={setSettings} />
        </Group>
        <MultiSelect
          aria-label="Metrics to chart"
          data={metricKeys}
          value={shownMetrics}
          onChange={setChosenMetrics}
          searchable
          placeholder="Metrics to chart"
        />
        <SimpleGrid cols={{ base: 1, lg: 2 }}>
          {shownMetrics.map((key) => (
            <MetricChart key={key} metric={key} runs={chartRuns} settings={settings} />
          ))}
        </SimpleGrid>
      </Stack>

      <Paper withBorder p="sm">
        <Text fw={600} mb="xs">
          Parallel coordinates
        </Text>
        <ParallelCoordinates runs={runs} params={differing.length ? differing : paramKeys} metrics={metricKeys} />
      </Paper>

      <Paper withBorder p="sm">
        <Group mb="xs">
          <Text fw={600}>Group by a param</Text>
          <Select
            size="xs"
            aria-label="Group by param"
            placeholder="param"
            data={paramKeys}
            value={groupBy}
            onChange={setGroupBy}
            clearable
          />
          <Select
            size="xs"
            aria-label="Grouped metric"
            placeholder="metric"
            data={metricKeys}
            value={groupMetric ?? longestMetric ?? null}
            onChange={setGroupMetric}
          />
        </Group>
        {groupBy ? (
          <GroupBands runIds={runs.map((r) => r.id)} groupBy={groupBy} metric={groupMetric ?? longestMetric ?? ''} />
        ) : (
          <Text size="sm" c="dimmed">
            Pick a param (for example the one that differs besides the seed) to see each group's mean ± standard
            deviation across its runs.
          </Text>
        )}
      </Paper>
    </PageLayout>
  );
}

function ParallelCoordinates({ runs, params, metrics }: { runs: RunDetail[]; params: string[]; metrics: string[] }) {
  const { option, logKeys } = useMemo(() => {
    const dims = [
      ...params.map((key) => {
        const values = runs.map((r) => r.params[key]);
        const numeric = values.every((v) => v !== undefined && v.trim() !== '' && !Number.isNaN(Number(v)));
        return {
          key,
          kind: 'param' as const,
          numeric,
          log: numeric && axisScale(key, values.map(Number)) === 'log',
          categories: numeric ? [] : [...new Set(values.map((v) => v ?? '–'))].sort(),
        };
      }),
      ...metrics.map((key) => ({
        key,
        kind: 'metric' as const,
        numeric: true,
        log: false,
        categories: [] as string[],
      })),
    ];
    const option: ChartOption = {
      animation: false,
      color: palette,
      tooltip: {},
      parallelAxis: dims.map((d, i) => {
        // Explicit ranges: each run is its own series, and ECharts' automatic extent misses some of them.
        const values = runs
          .map((r) => (d.kind === 'metric' ? r.metrics[d.key]?.value : Number(r.params[d.key])))
          .filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
        const low = Math.min(...values);
        const high = Math.max(...values);
        const pad = high > low ? (high - low) * 0.05 : Math.abs(high) * 0.05 || 1;
        return {
          dim: i,
          name: d.log ? `${d.key} (log)` : d.key,
          type: d.log ? 'log' : d.numeric ? 'value' : 'category',
          data: d.numeric ? undefined : d.categories,
          ...(d.log
            ? {
                min: low / 1.5,
                max: high * 1.5,
                axisLabel: { formatter: (v: number) => String(Number(v.toPrecision(2))) },
              }
            : d.numeric && values.length
              ? {
                  min: Number((low - pad).toPrecision(6)),
                  max: Number((high + pad).toPrecision(6)),
                  axisLabel: { formatter: axisNumber },
                }
              : {}),
          nameTextStyle: { fontWeight: d.kind === 'metric' ? 'bold' : 'normal' },
        };
      }),
      parallel: { left: 60, right: 80, top: 40, bottom: 30 },
      series: runs.map((r, index) => ({
        type: 'parallel',
        name: r.name,
        lineStyle: { width: 2, color: palette[index % palette.length] },
        data: [
          dims.map((d) =>
            d.kind === 'metric'
              ? (r.metrics[d.key]?.value ?? null)
              : d.numeric
                ? Number(r.params[d.key])
                : (r.params[d.key] ?? '–'),
          ),
        ],
      })),
    };
    return { option, logKeys: dims.filter((d) => d.log).map((d) => d.key) };
  }, [runs, params, metrics]);
  if (params.length + metrics.length < 2)
    return (
      <Text size="sm" c="dimmed">
        Needs at least two params or metrics.
      </Text>
    );
  return (
    <EChart
      option={option}
      height={300}
      label={`Parallel coordinates of params and metrics${logKeys.length ? `; log scale: ${logKeys.join(', ')}` : ''}`}
    />
  );
}

function GroupBands({ runIds, groupBy, metric }: { runIds: string[]; groupBy: string; metric: string }) {
  const groups = useLatheQuery(
    'runs.groupedHistory',
    { runIds, key: metric, groupBy, maxPoints: 500 },
    { enabled: metric !== '' },
  );
  const option = useMemo<ChartOption>(() => {
    const series = (groups.data ?? []).flatMap((group, index) => {
      const color = palette[index % palette.length];
      const name = `${groupBy}=${group.group ?? '(none)'} (${group.runIds.length} run${group.runIds.length === 1 ? '' : 's'})`;
      const stack = `band-${index}`;
      return [
        {
          type: 'line',
          name,
          data: group.points.map((p) => [p.step, p.mean]),
          showSymbol: group.points.length < 50,
          lineStyle: { color, width: 2 },
          itemStyle: { color },
        },
        {
          type: 'line',
          data: group.points.map((p) => [p.step, p.mean - p.std]),
          stack,
          lineStyle: { opacity: 0 },
          showSymbol: false,
          silent: true,
          tooltip: { show: false },
        },
        {
          type: 'line',
          data: group.points.map((p) => [p.step, 2 * p.std]),
          stack,
          lineStyle: { opacity: 0 },
          areaStyle: { color, opacity: 0.18 },
          showSymbol: false,
          silent: true,
          tooltip: { show: false },
        },
      ];
    });
    return {
      animation: false,
      legend: { top: 0, type: 'scroll' },
      tooltip: { trigger: 'axis' },
      grid: { left: 56, right: 16, top: 36, bottom: 40 },
      xAxis: { type: 'value', name: 'step', nameLocation: 'middle', nameGap: 24, scale: true },
      yAxis: { type: 'value', scale: true, axisLabel: { formatter: axisNumber } },
      dataZoom: [{ type: 'inside' }],
      series,
    };
  }, [groups.data, groupBy]);
  if (groups.isPending) return <Loader size="sm" />;
  if (groups.isError) return <Alert color="red">{groups.error.message}</Alert>;
  return (
    <EChart option={option} height={300} label={`Mean and standard deviation of ${metric} grouped by ${groupBy}`} />
  );
}
