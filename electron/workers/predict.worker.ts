/** Entry point of the predict worker: batch scoring of one table off the main thread (core/infer/worker/batch-predict.ts). */
import type { PredictDone, PredictProgress, PredictRequest } from '../core/infer/predict-protocol.js';
import { runBatchPredict } from '../core/infer/worker/batch-predict.js';
import { serveJob } from '../core/workers/worker/serve-job.js';

serveJob<PredictRequest, PredictDone, PredictProgress>((request, { progress, checkCancel }) =>
  runBatchPredict(request, {
    onStart: (totalRows) => progress({ type: 'started', totalRows }),
    onProgress: (rows) => progress({ type: 'progress', rows }),
    checkCancel,
  }),
);
