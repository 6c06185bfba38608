/**
 * Entry point of the train worker: reads the table, runs one training job and checks the exported ONNX
 * graph against TensorFlow.js, all off the main thread (code in core/train/worker/, messages in
 * core/train/train-protocol.ts). A cancel is seen between batches and ends the job as cancelled.
 */
import { readColumns } from '../core/data/read-table.js';
import type { TrainOutcome, TrainProgress, TrainRequest } from '../core/train/train-protocol.js';
import { compareWithOnnxRuntime } from '../core/train/worker/agreement.js';
import { useBackend } from '../core/train/worker/mlp.js';
import { runTrainJob } from '../core/train/worker/train-job.js';
import { serveJob } from '../core/workers/worker/serve-job.js';

serveJob<TrainRequest, TrainOutcome, TrainProgress>(async ({ source, options }, { progress, checkCancel }) => {
  await useBackend(options.backend, options.dawn);
  const columns =
    source.kind === 'file'
      ? await readColumns(source.path, source.columns, { format: source.format })
      : new Map(source.columns);
  await checkCancel();
  const result = await runTrainJob(columns, options, {
    onPhase: (phase) => progress({ type: 'phase', phase }),
    onPrepared: (task, rows) => progress({ type: 'prepared', task, rows }),
    onProgress: (update) => progress({ type: 'progress', progress: update }),
    onEpoch: (epoch) => progress({ type: 'epoch', epoch }),
    checkCancel,
  });
  const agreement = await compareWithOnnxRuntime(
    result.onnx,
    columns,
    result.testRows,
    result.testPredictions,
    result.preprocessing.target,
  );
  return { result, agreement };
});
