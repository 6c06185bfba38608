/** Typed messages between the training service and the train worker (electron/workers/train.worker.ts). */
import type { ColumnValues } from '../infer/scoring.js';
import type { Agreement } from './agreement.js';
import type { EpochSummary, MlpProgress } from './mlp.js';
import type { TrainJobOptions, TrainJobResult } from './train-job.js';

/** Where the worker gets its rows: a table file it reads itself (the app's path), or columns in the message (tests, benches). */
export type TrainSource =
  | { kind: 'file'; path: string; format?: 'csv' | 'tsv' | 'parquet' | 'jsonl'; columns: string[] }
  | { kind: 'columns'; columns: [string, ColumnValues][] };

/** Host → worker. */
export type TrainRequest = { type: 'start'; source: TrainSource; options: TrainJobOptions } | { type: 'cancel' };

/** Worker → host. */
export type TrainReply =
  | { type: 'phase'; phase: 'preprocessing' | 'training' | 'evaluating' }
  | { type: 'prepared'; task: 'classification' | 'regression'; rows: number }
  | { type: 'progress'; progress: MlpProgress }
  | { type: 'epoch'; epoch: EpochSummary }
  | { type: 'done'; result: TrainJobResult; agreement: Agreement }
  | { type: 'cancelled' }
  | { type: 'error'; error: { code: string; message: string; details?: Record<string, unknown> } };
