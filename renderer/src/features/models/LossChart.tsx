/** Training and validation loss per epoch of a training run, read from the run's logged metrics. */
import { useMemo } from 'react';
import { useQuery } from '@tanstack/react-query';
import { useClient } from '../../api/hooks';
import { EChart, type ChartOption } from '../../components/EChart';

/** Redraws when `epoch` moves on (a new point was logged). */
export function LossChart({ runId, epoch, height = 130 }: { runId: string; epoch: number; height?: number }) {
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
            grid: { left: 48, right: 16, top: 24, bottom: height > 150 ? 36 : 22 },
            legend: { top: 0, right: 0, textStyle: { fontSize: 11 } },
            tooltip: { trigger: 'axis' },
            xAxis: {
              type: 'value',
              min: 1,
              max: 'dataMax',
              minInterval: 1,
              name: height > 150 ? 'epoch' : '',
              nameLocation: 'middle',
              nameGap: 22,
              nameTextStyle: { fontSize: 10 },
              axisLabel: { fontSize: 10 },
            },
            yAxis: { type: 'value', scale: true, axisLabel: { fontSize: 10 } },
            series: [
              {
                name: 'loss',
                type: 'line',
                showSymbol: history.data.loss.length === 1,
                data: history.data.loss.map((p) => [p.step, p.value]),
              },
              {
                name: 'val_loss',
                type: 'line',
                showSymbol: history.data.valLoss.length === 1,
                data: history.data.valLoss.map((p) => [p.step, p.value]),
              },
            ],
          }
        : null,
    [history.data, height],
  );
  return option ? <EChart option={option} height={height} label="Loss per epoch" /> : <div style={{ height }} />;
}
