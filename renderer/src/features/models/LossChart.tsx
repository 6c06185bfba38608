/** Training and validation loss per epoch of a training run, read from the run's logged metrics. */
import { useMemo } from 'react';
import { useQuery } from '@tanstack/react-query';
import { useClient } from '../../api/hooks';
import { EChart, type ChartOption } from '../../components/EChart';

/** Redraws when `epoch` moves on (a new point was logged). */
export function LossChart({ runId, epoch }: { runId: string; epoch: number }) {
  const client = useClient();
  const history = useQuery({
    queryKey: ['loss-history', runId, epoch],
    queryFn: async () => {
      const [loss, valLoss] = await Promise.all(
        ['loss', 'val_loss'].map((key) => client['runs.metricHistory']({ runId, key })),
      );
      return { loss: loss!.points, valLoss: valLoss!.points };
    },
    placeholderData: (previous) => previous,
  });
  const option = useMemo<ChartOption | null>(
    () =>
      history.data
        ? {
            animation: false,
            grid: { left: 48, right: 12, top: 24, bottom: 22 },
            legend: { top: 0, right: 0, textStyle: { fontSize: 11 } },
            tooltip: { trigger: 'axis' },
            xAxis: {
              type: 'value',
              min: 1,
              max: 'dataMax',
              minInterval: 1,
              axisLabel: { fontSize: 10, formatter: 'epoch {value}' },
            },
            yAxis: { type: 'value', scale: true, axisLabel: { fontSize: 10 } },
            series: [
              { name: 'loss', type: 'line', showSymbol: false, data: history.data.loss.map((p) => [p.step, p.value]) },
              {
                name: 'val_loss',
                type: 'line',
                showSymbol: false,
                data: history.data.valLoss.map((p) => [p.step, p.value]),
              },
            ],
          }
        : null,
    [history.data],
  );
  return option ? <EChart option={option} height={130} label="Loss per epoch" /> : <div style={{ height: 130 }} />;
}
