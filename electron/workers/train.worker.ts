/**
 * The train worker: runs one training job off the main thread. Progress, epochs and the result go back
 * as messages; a `cancel` message is seen between batches and ends the job with `cancelled`.
 */
import { parentPort } from 'node:worker_threads';
import { toErrorShape } from '../../shared/errors.js';
import { TrainingCancelled, useBackend } from '../core/train/mlp.js';
import { runTrainJob } from '../core/train/train-job.js';
import type { TrainReply, TrainRequest } from '../core/train/train-protocol.js';

const port = parentPort!;
let cancelled = false;
const send = (reply: TrainReply, transfer: ArrayBuffer[] = []) => port.postMessage(reply, transfer);

port.on('message', (request: TrainRequest) => {
  if (request.type === 'cancel') {
    cancelled = true;
    return;
  }
  void (async () => {
    try {
      await useBackend(request.options.backend);
      const result = await runTrainJob(new Map(request.columns), request.options, {
        onPhase: (phase) => send({ type: 'phase', phase }),
        onProgress: (progress) => send({ type: 'progress', progress }),
        onEpoch: (epoch) => send({ type: 'epoch', epoch }),
        checkCancel: async () => {
          // Let the event loop turn so a cancel message can arrive.
          await new Promise((resolve) => setImmediate(resolve));
          if (cancelled) throw new TrainingCancelled();
        },
      });
      send({ type: 'done', result });
    } catch (error) {
      if (error instanceof TrainingCancelled) send({ type: 'cancelled' });
      else {
        const shape = toErrorShape(error);
        send({ type: 'error', error: { code: shape.code, message: shape.message } });
      }
    }
  })();
});
