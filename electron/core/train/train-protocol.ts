/**
 * What the training service and the train worker (electron/workers/train.worker.ts, code in ./worker/) say
 * to each other, inside the job envelope of core/workers/run-worker.ts. The service reaches the worker's
 * code only through this file: the types below, never the worker's modules.
 */
import type { ColumnValues } from '../infer/scoring.js';
import type { Agreement } from './worker/agreement.js';
import type { EpochSummary, MlpProgress } from './worker/mlp.js';
import type { TrainJobOptions, TrainJobResult } from './worker/train-job.js';

export type { Agreement, EpochSummary, MlpProgress, TrainJobOptions, TrainJobResult };

/** The required agreement of ONNX Runtime with TensorFlow.js: |ort - tfjs| ≤ tolerance × max(1, |tfjs|). */
export const agreementTolerance = 1e-4;

/**
 * V8 limits of the train worker. TensorFlow.js makes several short-lived JS objects per kernel, tens of
 * thousands per epoch; with V8's default young generation the scavenger runs often and the first epochs
 * run ~25% slower than later ones (measured: epochs 3–6 of the compute bench 0.22 s → 0.17 s with 48 MB).
 */
export const trainWorkerLimits = { maxYoungGenerationSizeMb: 48 } as const;

/** Where the worker gets its rows: a table file it reads itself (the app's path), or columns in the message (tests, benches). */
export type TrainSource =
  | { kind: 'file'; path: string; format?: 'csv' | 'tsv' | 'parquet' | 'jsonl'; columns: string[] }
  | { kind: 'columns'; columns: [string, ColumnValues][] };

/** Host → worker: one training job. */
export interface TrainRequest {
  source: TrainSource;
  options: TrainJobOptions;
}

/** Worker → host, while the job runs. */
export type TrainProgress =
  | { type: 'phase'; phase: 'preprocessing' | 'training' | 'evaluating' }
  | { type: 'prepared'; task: 'classification' | 'regression'; rows: number }
  | { type: 'progress'; progress: MlpProgress }
  | { type: 'epoch'; epoch: EpochSummary };

/** Worker → host, at the end: the result and how ONNX Runtime agreed with TensorFlow.js. */
export interface TrainOutcome {
  result: TrainJobResult;
  agreement: Agreement;
}
