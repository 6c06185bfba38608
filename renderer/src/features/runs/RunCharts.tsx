/**
 * A run's charts: metrics logged once go to a values table (no lone dots), the rest are line charts with a
 * metric and its `val_` twin (loss and val_loss) overlaid. Point counts come from the same history
 * queries the charts use, so nothing is read twice.
 */
import { SimpleGrid, Stack, Table, Text } from '@mantine/core';
import { useQueries } from '@tanstack/react-query';
import type { RunDetail } from '../../../../shared/contract/index';
import { useClient } from '../../api/hooks';
import { latheQuery } from '../../api/queries';
import { metricText } from './format';
import { MetricChart, type ChartSettings } from './MetricChart';
import { planCharts } from './chart-plan';

/** Charts and single values of `keys` of one run. */
export function RunCharts({ run, keys, settings }: { run: RunDetail; keys: string[]; settings: ChartSettings }) {
  const client = useClient();
  const histories = useQueries({
    queries: keys.map((key) =>
      latheQuery(client, 'runs.metricHistory', {
        runId: run.id,
        key,
        maxPoints: 1000,
        xAxis: settings.xAxis === 'step' ? 'step' : 'time',
      }),
    ),
  });
  const points = Object.fromEntries(keys.map((key, i) => [key, histories[i]?.data?.total]));
  const plan = planCharts(keys, points);
  const chartRuns = [{ id: run.id, name: run.name, startTime: run.startTime }];
  return (
    <Stack>
      {plan.values.length > 0 && (
        <Stack gap={4}>
          <Text size="sm" fw={600}>
            Single values
          </Text>
          <Table withTableBorder verticalSpacing={2} aria-label="Single values" maw={520}>
            <Table.Tbody>
              {plan.values.map((key) => (
                <Table.Tr key={key}>
                  <Table.Td>
                    <Text size="sm">{key}</Text>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm" ff="monospace">
                      {metricText(run.metrics[key])}
                    </Text>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Stack>
      )}
      <SimpleGrid cols={{ base: 1, lg: 2 }}>
        {plan.charts.map((chart) => (
          <MetricChart
            key={chart.title}
            metric={chart.metrics[0]!}
            metrics={chart.metrics}
            runs={chartRuns}
            settings={settings}
          />
        ))}
      </SimpleGrid>
    </Stack>
  );
}
