/** Starts a training job in the train worker and turns its messages into a promise, hooks and a cancel. */
import { errorFromShape } from '../infer/score-client.js';
import { startWorker } from '../workers/worker-host.js';
import type { TrainJobHooks, TrainJobOptions, TrainJobResult } from './train-job.js';
import type { Agreement } from './agreement.js';
import type { TrainReply, TrainRequest, TrainSource } from './train-protocol.js';

/**
 * V8 limits of the train worker. TensorFlow.js makes several short-lived JS objects per kernel, tens of
 * thousands per epoch; with V8's default young generation the scavenger runs often and the first epochs
 * run ~25% slower than later ones (measured: epochs 3–6 of the compute bench 0.22 s → 0.17 s with 48 MB).
 */
export const trainWorkerLimits = { maxYoungGenerationSizeMb: 48 } as const;

/** How long a cancelled worker may take to stop by itself before it is terminated. */
export const cancelGraceMs = 5000;

/** What a finished job gives back: its result and how ONNX Runtime agreed with TensorFlow.js. */
export interface TrainOutcome {
  result: TrainJobResult;
  agreement: Agreement;
}

/** A running job. `result` resolves with the outcome, or with `'cancelled'`. */
export interface TrainHandle {
  result: Promise<TrainOutcome | 'cancelled'>;
  cancel(): void;
}

/** Runs {@link runTrainJob} in a worker thread (which also reads the table and checks the ONNX export). */
export function startTraining(
  source: TrainSource,
  options: TrainJobOptions,
  hooks: Omit<TrainJobHooks, 'checkCancel'> = {},
): TrainHandle {
  const worker = startWorker('train', { resourceLimits: trainWorkerLimits });
  let settled = false;
  let cancelTimer: NodeJS.Timeout | undefined;
  const result = new Promise<TrainOutcome | 'cancelled'>((resolve, reject) => {
    const finish = (action: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(cancelTimer);
      action();
      void worker.terminate();
    };
    worker.on('message', (reply: TrainReply) => {
      switch (reply.type) {
        case 'phase':
          hooks.onPhase?.(reply.phase);
          break;
        case 'prepared':
          hooks.onPrepared?.(reply.task, reply.rows);
          break;
        case 'progress':
          hooks.onProgress?.(reply.progress);
          break;
        case 'epoch':
          hooks.onEpoch?.(reply.epoch);
          break;
        case 'done':
          finish(() => resolve({ result: reply.result, agreement: reply.agreement }));
          break;
        case 'cancelled':
          finish(() => resolve('cancelled'));
          break;
        case 'error':
          finish(() => reject(errorFromShape(reply.error)));
          break;
      }
    });
    worker.on('error', (error) => finish(() => reject(error)));
    worker.on('exit', (code) =>
      finish(() =>
        cancelTimer
          ? resolve('cancelled')
          : reject(new Error(`The train worker stopped unexpectedly (exit code ${code})`)),
      ),
    );
  });
  worker.postMessage({ type: 'start', source, options } satisfies TrainRequest);
  return {
    result,
    cancel() {
      if (settled || cancelTimer) return;
      worker.postMessage({ type: 'cancel' } satisfies TrainRequest);
      // A worker busy inside one long batch still stops: terminate it after a grace period.
      cancelTimer = setTimeout(() => void worker.terminate(), cancelGraceMs);
    },
  };
}
