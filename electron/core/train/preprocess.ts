/**
 * Preprocessing fitted on the training split only and saved with the model: numerics imputed with the
 * median then standardised, categoricals imputed with the most frequent value then one-hot encoded (an
 * unseen category maps to all zeros). Arithmetic is float32 step by step, exactly as the exported ONNX
 * graph does it, so TensorFlow.js and ONNX Runtime see the same matrix.
 */
import { LatheError } from '../../../shared/errors.js';
import type { ColumnValues } from '../infer/scoring.js';

/** At most this many categories per column are one-hot encoded (the most frequent); rarer ones map to zeros. */
export const maxCategories = 100;

/** A fitted numeric column. */
export interface NumericStep {
  name: string;
  kind: 'numeric';
  median: number;
  mean: number;
  std: number;
}

/** A fitted categorical column. */
export interface CategoricalStep {
  name: string;
  kind: 'categorical';
  categories: string[];
  mostFrequent: string;
}

/** The fitted target: class labels, or the standardisation of a regression target. */
export type TargetSpec =
  | { name: string; task: 'classification'; classes: string[]; labelType: 'int64' | 'string' }
  | { name: string; task: 'regression'; mean: number; std: number };

/** Everything needed to turn raw columns into the network's input, saved as preprocessing.json. */
export interface Preprocessing {
  format: 'lathe-preprocessing/1';
  steps: (NumericStep | CategoricalStep)[];
  target: TargetSpec;
  width: number;
}

const f32 = Math.fround;

/** True when a column holds numbers. */
export function isNumericColumn(values: ColumnValues): values is Float64Array {
  return values instanceof Float64Array;
}

/** A categorical cell: null and '' are missing. */
function cellText(values: (string | null)[], i: number): string | null {
  const v = values[i];
  return v === null || v === undefined || v === '' ? null : v;
}

/** Fits the feature steps on the given (training) rows. */
export function fitSteps(
  columns: Map<string, ColumnValues>,
  features: string[],
  rows: Int32Array,
): (NumericStep | CategoricalStep)[] {
  return features.map((name) => {
    const values = columns.get(name);
    if (!values) throw new LatheError('BAD_INPUT', `Feature column "${name}" is not in the data`, { column: name });
    if (isNumericColumn(values)) {
      const present: number[] = [];
      for (const i of rows) if (!Number.isNaN(values[i]!)) present.push(values[i]!);
      present.sort((a, b) => a - b);
      const mid = present.length >> 1;
      const median =
        present.length === 0 ? 0 : present.length % 2 ? present[mid]! : (present[mid - 1]! + present[mid]!) / 2;
      let sum = 0;
      for (const i of rows) sum += Number.isNaN(values[i]!) ? median : values[i]!;
      const mean = sum / rows.length;
      let squares = 0;
      for (const i of rows) squares += ((Number.isNaN(values[i]!) ? median : values[i]!) - mean) ** 2;
      const std = Math.sqrt(squares / rows.length);
      return { name, kind: 'numeric', median: f32(median), mean: f32(mean), std: f32(std > 1e-12 ? std : 1) };
    }
    const counts = new Map<string, number>();
    for (const i of rows) {
      const v = cellText(values, i);
      if (v !== null) counts.set(v, (counts.get(v) ?? 0) + 1);
    }
    const byCount = [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    const categories = byCount
      .slice(0, maxCategories)
      .map(([c]) => c)
      .sort();
    return { name, kind: 'categorical', categories, mostFrequent: byCount[0]?.[0] ?? '' };
  });
}

/** The number of network inputs the steps produce. */
export function widthOf(steps: (NumericStep | CategoricalStep)[]): number {
  return steps.reduce((w, s) => w + (s.kind === 'numeric' ? 1 : s.categories.length), 0);
}

/** Column offsets of each step in the matrix: numerics first (in order), then each categorical's block. */
export function stepOffsets(steps: (NumericStep | CategoricalStep)[]): { start: number; width: number }[] {
  const numericCount = steps.filter((s) => s.kind === 'numeric').length;
  let numeric = 0;
  let categorical = numericCount;
  return steps.map((s) => {
    if (s.kind === 'numeric') return { start: numeric++, width: 1 };
    const start = categorical;
    categorical += s.categories.length;
    return { start, width: s.categories.length };
  });
}

/** Turns raw columns into the float32 matrix (rows × width) for the given row indices. */
export function transform(
  steps: (NumericStep | CategoricalStep)[],
  columns: Map<string, ColumnValues>,
  rows: Int32Array | null,
  rowCount?: number,
): Float32Array {
  const n = rows ? rows.length : (rowCount ?? 0);
  const width = widthOf(steps);
  const out = new Float32Array(n * width);
  const offsets = stepOffsets(steps);
  steps.forEach((step, s) => {
    const values = columns.get(step.name);
    if (!values)
      throw new LatheError('BAD_INPUT', `Feature column "${step.name}" is not in the data`, { column: step.name });
    const { start } = offsets[s]!;
    if (step.kind === 'numeric') {
      if (!isNumericColumn(values))
        throw new LatheError('BAD_INPUT', `Feature column "${step.name}" must be numeric`, { column: step.name });
      for (let r = 0; r < n; r++) {
        let v = f32(values[rows ? rows[r]! : r]!);
        if (Number.isNaN(v)) v = step.median;
        out[r * width + start] = f32(f32(v - step.mean) / step.std);
      }
    } else {
      const index = new Map(step.categories.map((c, k) => [c, k]));
      for (let r = 0; r < n; r++) {
        const i = rows ? rows[r]! : r;
        const raw = isNumericColumn(values)
          ? Number.isNaN(values[i]!)
            ? null
            : String(values[i])
          : cellText(values, i);
        const k = index.get(raw ?? step.mostFrequent);
        if (k !== undefined) out[r * width + start + k] = 1;
      }
    }
  });
  return out;
}
