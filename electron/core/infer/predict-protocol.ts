/**
 * What the model service and the predict worker (electron/workers/predict.worker.ts, code in ./worker/) say to
 * each other, inside the job envelope of core/workers/run-worker.ts.
 */
import type { TensorSpec } from '../../../shared/contract/index.js';
import type { ScoringMetrics } from './worker/scoring-metrics.js';
import type { SliceMetrics } from './worker/sliced-metrics.js';

export type { ScoringMetrics, SliceMetrics };

/** Rows per ONNX Runtime call in `lathe predict` (the compute bench's bare loop uses the same). */
export const defaultPredictBatchRows = 65_536;

/** Host → worker: score one table with one model and write the outputs. */
export interface PredictRequest {
  modelPath: string;
  inputs: TensorSpec[];
  outputs: TensorSpec[];
  features: string[];
  featuresOverride?: string[];
  dataPath: string;
  /** How the user named the data (a dataset NAME@V, or the file), for messages. */
  dataLabel?: string;
  format?: 'csv' | 'tsv' | 'parquet' | 'jsonl';
  out: string;
  batchRows: number;
  /** ONNX Runtime execution providers, best first. */
  providers: string[];
  /** Class names of a classifier: vector outputs with one value per class are named by class. */
  classes?: string[] | null;
  /** Input columns copied through to the output, first, in this order (an id, say). */
  keep?: string[];
  /** The label column and the model's task: metrics are computed on the way through when the table has it. */
  label?: { column: string; task: 'classification' | 'regression' } | null;
  /** Categorical columns whose values each get their own metrics (validation suites' slice checks); needs `label`. */
  sliceBy?: string[];
}

/** Worker → host, while the job runs: the table's size once known, then rows scored so far. */
export type PredictProgress = { type: 'started'; totalRows: number } | { type: 'progress'; rows: number };

/** Worker → host, at the end. */
export interface PredictDone {
  rows: number;
  columns: string[];
  scoreSeconds: number;
  /** Metrics against the label column, when the table had it (see worker/scoring-metrics.ts). */
  evaluation: ScoringMetrics | null;
  /** Per-slice metrics for each `sliceBy` column (worker/sliced-metrics.ts), when the table had the label. */
  slices?: { column: string; slices: SliceMetrics[]; truncated: boolean }[];
}

/** The column name of element `index` of a vector output: named by class when the vector has one value per class. */
export function vectorColumnName(
  output: string,
  index: number,
  width: number,
  classes?: readonly string[] | null,
): string {
  if (classes && classes.length === width) {
    const prefix = output === 'probabilities' ? 'probability' : output;
    return `${prefix}_${classes[index]}`;
  }
  return `${output}_${index}`;
}
