/** Small formatting helpers shared by the runs pages. */
import type { LatestMetric, RunDetail } from '../../../../shared/contract/index';

/** A metric's value as people read it: 6 significant digits, NaN and infinities spelled out. */
export function metricText(metric: LatestMetric | undefined): string {
  if (!metric) return '';
  if (metric.value === null) return metric.text;
  return Number.isInteger(metric.value) ? String(metric.value) : String(Number(metric.value.toPrecision(6)));
}

/** A run's duration, e.g. "4m05s"; running runs count up to now. */
export function durationText(run: Pick<RunDetail, 'startTime' | 'endTime' | 'status'>, now = Date.now()): string {
  const end = run.endTime ?? (run.status === 'RUNNING' ? now : null);
  if (end === null) return '–';
  const seconds = Math.max(0, Math.round((end - run.startTime) / 1000));
  if (seconds < 60) return `${seconds}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, '0')}s`;
  return `${Math.floor(seconds / 3600)}h${String(Math.floor((seconds % 3600) / 60)).padStart(2, '0')}m`;
}

/** Badge colour per run status. */
export const statusColor: Record<string, string> = {
  RUNNING: 'blue',
  SCHEDULED: 'gray',
  FINISHED: 'green',
  FAILED: 'red',
  KILLED: 'orange',
};

/** Bytes as KiB/MiB. */
export function bytesText(bytes: number | null): string {
  if (bytes === null) return '';
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/** Exponential moving average with TensorBoard's debiasing, `weight` in [0, 1). */
export function smooth(values: (number | null)[], weight: number): (number | null)[] {
  if (weight <= 0) return values;
  let last = 0;
  let count = 0;
  return values.map((v) => {
    if (v === null || !Number.isFinite(v)) return v;
    last = last * weight + (1 - weight) * v;
    count += 1;
    return last / (1 - Math.pow(weight, count));
  });
}
