/**
 * Per-slice metrics of a batch prediction (validation suites' slice checks): the rows of each batch are
 * grouped by the value of a categorical column and each group goes through its own MetricsAccumulator, so a
 * slice's accuracy or RMSE is computed by exactly the code that computes the whole table's.
 */
import type { WireTensor } from '../score-protocol.js';
import { MetricsAccumulator, type MetricsSpec, type ScoringMetrics } from './scoring-metrics.js';

/** How a missing slice value is named. */
export const missingSliceValue = '(missing)';

/** Slices beyond this many distinct values are not tracked (a column that is not categorical). */
export const maxSlices = 1000;

/** One slice's metrics. */
export interface SliceMetrics extends ScoringMetrics {
  value: string;
  rows: number;
}

type Outputs = Record<string, WireTensor | { dims?: readonly number[]; data?: unknown }>;

/** Picks the given rows of every output tensor (the first dimension is the row). */
function pickRows(outputs: Outputs, rows: number, picked: number[]): Outputs {
  const out: Outputs = {};
  for (const [name, tensor] of Object.entries(outputs)) {
    if (!tensor || !('dims' in tensor) || !tensor.dims || !tensor.data) continue;
    const data = tensor.data as ArrayLike<unknown> & { constructor: new (length: number) => ArrayLike<unknown> };
    const width = rows === 0 ? 1 : data.length / rows;
    if (!Number.isInteger(width)) continue;
    const copy = (
      Array.isArray(data) ? new Array(picked.length * width) : new data.constructor(picked.length * width)
    ) as {
      [index: number]: unknown;
    };
    picked.forEach((row, index) => {
      for (let k = 0; k < width; k++) copy[index * width + k] = data[row * width + k];
    });
    out[name] = {
      ...(tensor as WireTensor),
      data: copy as WireTensor['data'],
      dims: [picked.length, ...tensor.dims.slice(1)],
    };
  }
  return out;
}

/** Streams batches into one accumulator per value of one column. */
export class SlicedMetrics {
  private readonly slices = new Map<string, { accumulator: MetricsAccumulator; rows: number }>();
  private overflow = false;

  constructor(
    readonly column: string,
    private readonly spec: MetricsSpec,
  ) {}

  /** Adds one batch: `values` is the slice column, `truth` the label column, `outputs` the model's outputs. */
  add(
    values: Float64Array | (string | null)[],
    truth: Float64Array | (string | null)[],
    outputs: Outputs,
    rows: number,
  ): void {
    const groups = new Map<string, number[]>();
    for (let i = 0; i < rows; i++) {
      const raw = values[i];
      const key =
        raw === null || raw === undefined || (typeof raw === 'number' && Number.isNaN(raw))
          ? missingSliceValue
          : String(raw);
      let group = groups.get(key);
      if (!group) groups.set(key, (group = []));
      group.push(i);
    }
    for (const [key, picked] of groups) {
      let slice = this.slices.get(key);
      if (!slice) {
        if (this.slices.size >= maxSlices) {
          this.overflow = true;
          continue;
        }
        this.slices.set(key, (slice = { accumulator: new MetricsAccumulator(this.spec), rows: 0 }));
      }
      slice.rows += picked.length;
      const pickedTruth =
        truth instanceof Float64Array
          ? Float64Array.from(picked, (i) => truth[i]!)
          : picked.map((i) => truth[i] ?? null);
      slice.accumulator.add(pickedTruth, pickRows(outputs, rows, picked), picked.length);
    }
  }

  /** Every slice's metrics (a slice without a labeled row has empty metrics), and whether slices were dropped. */
  result(): { slices: SliceMetrics[]; truncated: boolean } {
    const slices = [...this.slices].map(([value, slice]) => {
      const metrics = slice.accumulator.result();
      return { value, rows: slice.rows, labeledRows: metrics?.labeledRows ?? 0, metrics: metrics?.metrics ?? {} };
    });
    return { slices, truncated: this.overflow };
  }
}
