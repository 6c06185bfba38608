/**
 * What the model service and the predict worker (electron/workers/predict.worker.ts, code in ./worker/) say to
 * each other, inside the job envelope of core/workers/run-worker.ts.
 */
import type { TensorSpec } from '../../../shared/contract/index.js';

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
  format?: 'csv' | 'tsv' | 'parquet' | 'jsonl';
  out: string;
  batchRows: number;
  /** ONNX Runtime execution providers, best first. */
  providers: string[];
}

/** Worker → host, while the job runs: the table's size once known, then rows scored so far. */
export type PredictProgress = { type: 'started'; totalRows: number } | { type: 'progress'; rows: number };

/** Worker → host, at the end. */
export interface PredictDone {
  rows: number;
  columns: string[];
  scoreSeconds: number;
}
