/** Starts a training job in the train worker (through the one worker launcher) and maps its progress to hooks. */
import { runWorker, type WorkerJob } from '../workers/run-worker.js';
import {
  trainWorkerLimits,
  type TrainOutcome,
  type TrainProgress,
  type TrainRequest,
  type TrainSource,
  type TrainJobOptions,
  type EpochSummary,
  type MlpProgress,
} from './train-protocol.js';

export type { TrainOutcome };

/** What the service hears while a job runs. */
export interface TrainHooks {
  onPhase?: (phase: 'preprocessing' | 'training' | 'evaluating') => void;
  onPrepared?: (task: 'classification' | 'regression', rows: number) => void;
  onProgress?: (progress: MlpProgress) => void;
  onEpoch?: (epoch: EpochSummary) => void;
}

/** A running job. `result` resolves with the outcome, or with `'cancelled'`. */
export type TrainHandle = WorkerJob<TrainOutcome>;

/** Runs the training job in a worker thread (which also reads the table and checks the ONNX export). */
export function startTraining(source: TrainSource, options: TrainJobOptions, hooks: TrainHooks = {}): TrainHandle {
  return runWorker<TrainRequest, TrainOutcome, TrainProgress>(
    'train',
    { source, options },
    {
      resourceLimits: trainWorkerLimits,
      onProgress(message) {
        if (message.type === 'phase') hooks.onPhase?.(message.phase);
        else if (message.type === 'prepared') hooks.onPrepared?.(message.task, message.rows);
        else if (message.type === 'progress') hooks.onProgress?.(message.progress);
        else hooks.onEpoch?.(message.epoch);
      },
    },
  );
}
