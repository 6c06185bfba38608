/** Training and validation loss per epoch of a training run, read from the run's logged metrics. */
import { useEffect, useMemo } from 'react';
import { useLatheQuery } from '../../api/queries';
import { EChart, type ChartOption } from '../../components/EChart';
import { axisNumber, valueRange } from '../../components/chart-shape';

/** Redraws when `epoch` moves on (a new point was logged). */
export function LossChart({ runId, epoch, height = 130 }: { runId: string; epoch: number; height?: number }) {
  const keep = { placeholderData: <T,>(previous: T | undefined) => previous };
  const loss = useLatheQuery('runs.metricHistory', { runId, key: 'loss' }, keep);
  const valLoss = useLatheQuery('runs.metricHistory', { runId, key: 'val_loss' }, keep);
  const { refetch: refetchLoss } = loss;
  const { refetch: refetchValLoss } = valLoss;
  useEffect(() => {
    void refetchLoss();
    void refetchValLoss();
  }, [epoch, refetchLoss, refetchValLoss]);
  const option = useMemo<ChartOption | null>(() => {
    if (!loss.data || !valLoss.data) return null;
    const series = [
      { name: 'loss', points: loss.data.points },
      { name: 'val_loss', points: valLoss.data.points },
    ].map(({ name, points }) => ({
      name,
      type: 'line',
      showSymbol: points.length === 1,
      data: points.map((p): [number, number | null] => [p.step, p.value]),
    }));
    // Every series sets the y range, so val_loss above (or below) loss is never cut off.
    const range = valueRange(series);
    return {
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
      yAxis: {
        type: 'value',
        ...(range ? { min: range.min, max: range.max } : { scale: true }),
        axisLabel: { fontSize: 10, formatter: axisNumber },
      },
      series,
    };
  }, [loss.data, valLoss.data, height]);
  return option ? <EChart option={option} height={height} label="Loss per epoch" /> : <div style={{ height }} />;
}
