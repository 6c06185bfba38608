/**
 * The train worker: reads the table, runs one training job and checks the exported ONNX graph against
 * TensorFlow.js, all off the main thread. Progress, epochs and the result go back as messages; a
 * `cancel` message is seen between batches and ends the job with `cancelled`.
 */
import { parentPort } from 'node:worker_threads';
import { toErrorShape } from '../../shared/errors.js';
import { readColumns } from '../core/data/read-table.js';
import { compareWithOnnxRuntime } from '../core/train/agreement.js';
import { TrainingCancelled, useBackend } from '../core/train/mlp.js';
import { runTrainJob } from '../core/train/train-job.js';
import type { TrainReply, TrainRequest } from '../core/train/train-protocol.js';

const port = parentPort!;
let cancelled = false;
const send = (reply: TrainReply) => port.postMessage(reply);
const checkCancel = async () => {
  // Let the event loop turn so a cancel message can arrive.
  await new Promise((resolve) => setImmediate(resolve));
  if (cancelled) throw new TrainingCancelled();
};

port.on('message', (request: TrainRequest) => {
  if (request.type === 'cancel') {
    cancelled = true;
    return;
  }
  void (async () => {
    try {
      await useBackend(request.options.backend);
      const { source } = request;
      const columns =
        source.kind === 'file'
          ? await readColumns(source.path, source.columns, { format: source.format })
          : new Map(source.columns);
      await checkCancel();
      const result = await runTrainJob(columns, request.options, {
        onPhase: (phase) => send({ type: 'phase', phase }),
        onPrepared: (task, rows) => send({ type: 'prepared', task, rows }),
        onProgress: (progress) => send({ type: 'progress', progress }),
        onEpoch: (epoch) => send({ type: 'epoch', epoch }),
        checkCancel,
      });
      const agreement = await compareWithOnnxRuntime(
        result.onnx,
        columns,
        result.testRows,
        result.testPredictions,
        result.preprocessing.target,
      );
      send({ type: 'done', result, agreement });
    } catch (error) {
      if (error instanceof TrainingCancelled) send({ type: 'cancelled' });
      else send({ type: 'error', error: toErrorShape(error) });
    }
  })();
});
