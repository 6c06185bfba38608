/** Training and validation loss per epoch of a training run, read from the run's logged metrics. */
import { useEffect, useMemo } from 'react';
import { useLatheQuery } from '../../api/queries';
import { EChart, type ChartOption } from '../../components/EChart';

/** Redraws when `epoch` moves on (a new point was logged). */
export function LossChart({ runId, epoch }: { runId: string; epoch: number }) {
  const keep = { placeholderData: <T,>(previous: T | undefined) => previous };
  const loss = useLatheQuery('runs.metricHistory', { runId, key: 'loss' }, keep);
  const valLoss = useLatheQuery('runs.metricHistory', { runId, key: 'val_loss' }, keep);
  const { refetch: refetchLoss } = loss;
  const { refetch: refetchValLoss } = valLoss;
  useEffect(() => {
    void refetchLoss();
    void refetchValLoss();
  }, [epoch, refetchLoss, refetchValLoss]);
  const option = useMemo<ChartOption | null>(
    () =>
      loss.data && valLoss.data
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
              { name: 'loss', type: 'line', showSymbol: false, data: loss.data.points.map((p) => [p.step, p.value]) },
              {
                name: 'val_loss',
                type: 'line',
                showSymbol: false,
                data: valLoss.data.points.map((p) => [p.step, p.value]),
              },
            ],
          }
        : null,
    [loss.data, valLoss.data],
  );
  return option ? <EChart option={option} height={130} label="Loss per epoch" /> : <div style={{ height: 130 }} />;
}
