/**
 * The experiment-level chart view: one panel per metric of the experiment, every chosen run drawn in it
 * (the selected runs, else the first rows of the table), with the same controls as a run's charts.
 */
import { useState } from 'react';
import { Group, ScrollArea, SimpleGrid, Stack, Text } from '@mantine/core';
import type { RunDetail } from '../../../../shared/contract/index';
import { ChartControls } from './ChartControls';
import { MetricChart, type ChartSettings } from './MetricChart';

/** Runs charted when none is selected. */
export const experimentChartsDefaultRuns = 10;

/** One panel per metric over `runs`. */
export function ExperimentCharts({
  runs,
  metrics,
  selected,
}: {
  runs: RunDetail[];
  metrics: string[];
  selected: number;
}) {
  const [settings, setSettings] = useState<ChartSettings>({ xAxis: 'step', smoothing: 0, logScale: false });
  // Runs of one script often share a name; the id's head tells them apart in legends and axes.
  const names = runs.map((r) => r.name);
  const chartRuns = runs.map((r) => ({
    id: r.id,
    name: names.filter((n) => n === r.name).length > 1 ? `${r.name} (${r.id.slice(0, 6)})` : r.name,
    startTime: r.startTime,
  }));
  return (
    <ScrollArea style={{ flex: 1 }} data-testid="experiment-charts">
      <Stack gap="sm">
        <Group justify="space-between">
          <Text size="sm" c="dimmed">
            {selected > 0
              ? `${runs.length} selected run${runs.length === 1 ? '' : 's'}`
              : `The first ${runs.length} run${runs.length === 1 ? '' : 's'} of the table; select runs to chart others`}{' '}
            · {metrics.length} metric{metrics.length === 1 ? '' : 's'}
          </Text>
          <ChartControls settings={settings} onChange={setSettings} />
        </Group>
        <SimpleGrid cols={{ base: 1, lg: 2 }}>
          {metrics.map((key) => (
            <MetricChart key={key} metric={key} runs={chartRuns} settings={settings} height={220} />
          ))}
        </SimpleGrid>
      </Stack>
    </ScrollArea>
  );
}
