/** Typed messages between the training service and the train worker (electron/workers/train.worker.ts). */
import type { ColumnValues } from '../infer/scoring.js';
import type { EpochSummary, MlpProgress } from './mlp.js';
import type { TrainJobOptions, TrainJobResult } from './train-job.js';

/** Host → worker. */
export type TrainRequest = { type: 'start'; columns: [string, ColumnValues][]; options: TrainJobOptions } | { type: 'cancel' };

/** Worker → host. */
export type TrainReply =
  | { type: 'phase'; phase: 'preprocessing' | 'training' | 'evaluating' }
  | { type: 'progress'; progress: MlpProgress }
  | { type: 'epoch'; epoch: EpochSummary }
  | { type: 'done'; result: TrainJobResult }
  | { type: 'cancelled' }
  | { type: 'error'; error: { code: string; message: string } };
