/**
 * One metric over one or more runs: the core downsamples each series (LTTB) to about the chart's width;
 * x by step, wall time or time since the run started; smoothing; log scale; zoom with the wheel or the slider.
 */
import { useMemo } from 'react';
import { Paper, Text } from '@mantine/core';
import { useQueries } from '@tanstack/react-query';
import type { MetricPoint } from '../../../../shared/contract/index';
import { useClient } from '../../api/hooks';
import { latheQuery } from '../../api/queries';
import { EChart, type ChartOption } from '../../components/EChart';
import { axisNumber } from '../../components/chart-shape';
import { smooth } from './format';

/** How the x axis is drawn. */
export type XAxisMode = 'step' | 'time' | 'relative';

/** Display settings shared by every chart on a page. */
export interface ChartSettings {
  xAxis: XAxisMode;
  smoothing: number;
  logScale: boolean;
}

/** A run drawn in a chart. */
export interface ChartRun {
  id: string;
  name: string;
  startTime: number;
}

function xOf(point: MetricPoint, mode: XAxisMode, startTime: number): number {
  if (mode === 'step') return point.step;
  if (mode === 'time') return point.timestamp;
  return (point.timestamp - startTime) / 1000;
}

/**
 * The chart of `metric` (or of several `metrics` overlaid, such as loss and val_loss) for `runs`. When
 * every run has one point only, a bar per run replaces lone dots.
 */
export function MetricChart({
  metric,
  metrics = [metric],
  runs,
  settings,
  height = 240,
  maxPoints = 1000,
}: {
  metric: string;
  metrics?: string[];
  runs: ChartRun[];
  settings: ChartSettings;
  height?: number;
  maxPoints?: number;
}) {
  const client = useClient();
  const pairs = runs.flatMap((run) => metrics.map((key) => ({ run, key })));
  const histories = useQueries({
    queries: pairs.map(({ run, key }) =>
      latheQuery(client, 'runs.metricHistory', {
        runId: run.id,
        key,
        maxPoints,
        xAxis: settings.xAxis === 'step' ? 'step' : 'time',
      }),
    ),
  });
  const metricsKey = metrics.join('\u0000');
  const seriesName = (run: ChartRun, key: string) =>
    metrics.length === 1 ? run.name : runs.length === 1 ? key : `${run.name} · ${key}`;
  const singleValues =
    histories.length > 0 && histories.every((h) => h.data !== undefined && h.data.points.length <= 1);

  const option = useMemo<ChartOption>(() => {
    if (singleValues) {
      return {
        animation: false,
        color: palette,
        grid: { left: 56, right: 16, top: 16, bottom: 56 },
        tooltip: { trigger: 'axis' },
        xAxis: {
          type: 'category',
          data: pairs.map(({ run, key }) => seriesName(run, key)),
          axisLabel: { interval: 0, overflow: 'truncate', width: 120 },
        },
        // Bars start at zero (a cut axis would make 0.977 against 1 look like nothing).
        yAxis: { type: settings.logScale ? 'log' : 'value', axisLabel: { formatter: axisNumber } },
        series: [
          {
            type: 'bar',
            barMaxWidth: 48,
            itemStyle: { color: (p: { dataIndex: number }) => palette[p.dataIndex % palette.length] },
            data: histories.map((h) => h.data?.points[0]?.value ?? null),
          },
        ],
      };
    }
    const series = pairs.flatMap(({ run, key }, index) => {
      const data = histories[index]?.data;
      if (!data) return [];
      const name = seriesName(run, key);
      const xs = data.points.map((p) => xOf(p, settings.xAxis, run.startTime));
      const raw = data.points.map((p) => (settings.logScale && p.value !== null && p.value <= 0 ? null : p.value));
      const smoothed = smooth(raw, settings.smoothing);
      const line = (values: (number | null)[], faint: boolean) => ({
        type: 'line',
        name,
        showSymbol: data.points.length < 50,
        symbolSize: 4,
        sampling: 'lttb',
        connectNulls: false,
        emphasis: { focus: 'series' },
        // Colour by position among all series, so a run keeps its colour when it lacks a metric.
        lineStyle: { width: faint ? 1 : 1.8, opacity: faint ? 0.25 : 1, color: palette[index % palette.length] },
        itemStyle: { color: palette[index % palette.length], opacity: faint ? 0.25 : 1 },
        silent: faint,
        tooltip: faint ? { show: false } : undefined,
        data: values.map((v, i) => [xs[i], v]),
      });
      return settings.smoothing > 0 ? [line(raw, true), line(smoothed, false)] : [line(raw, false)];
    });
    return {
      animation: false,
      color: palette,
      grid: { left: 56, right: 16, top: pairs.length > 1 ? 36 : 16, bottom: 56 },
      legend:
        pairs.length > 1
          ? { type: 'scroll', top: 0, data: pairs.map(({ run, key }) => seriesName(run, key)) }
          : undefined,
      tooltip: {
        trigger: 'axis',
        valueFormatter: (v: unknown) => (typeof v === 'number' ? Number(v.toPrecision(6)).toString() : String(v ?? '')),
      },
      xAxis: {
        type: settings.xAxis === 'time' ? 'time' : 'value',
        name: settings.xAxis === 'step' ? 'step' : settings.xAxis === 'relative' ? 'seconds' : '',
        nameLocation: 'middle',
        nameGap: 24,
        scale: true,
      },
      yAxis: { type: settings.logScale ? 'log' : 'value', scale: true, axisLabel: { formatter: axisNumber } },
      dataZoom: [
        { type: 'inside', filterMode: 'none' },
        { type: 'slider', height: 16, bottom: 6, filterMode: 'none' },
      ],
      series,
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [histories, runs, settings, singleValues, metricsKey]);

  const total = histories.reduce((sum, h) => sum + (h.data?.total ?? 0), 0);
  const downsampled = histories.some((h) => h.data?.downsampled);
  return (
    <Paper withBorder p="sm">
      <Text size="sm" fw={600} mb={4} data-testid={`chart-${metric}`}>
        {metrics.join(' and ')}{' '}
        <Text span size="xs" c="dimmed" fw={400}>
          {total.toLocaleString()} point{total === 1 ? '' : 's'}
          {downsampled ? ' · downsampled for display' : ''}
        </Text>
      </Text>
      <EChart option={option} height={height} label={`Chart of ${metrics.join(' and ')}`} />
    </Paper>
  );
}

/** Distinct colours for up to ten runs, then repeating. */
export const palette = [
  '#228be6',
  '#fa5252',
  '#40c057',
  '#fab005',
  '#7950f2',
  '#15aabf',
  '#fd7e14',
  '#e64980',
  '#82c91e',
  '#868e96',
];
