/** The predict worker: batch scoring of one table off the main thread, with progress messages. */
import { parentPort } from 'node:worker_threads';
import { toErrorShape } from '../../shared/errors.js';
import { runBatchPredict } from '../core/infer/batch-predict.js';
import type { PredictReply, PredictRequest } from '../core/infer/predict-protocol.js';

const port = parentPort!;
const send = (reply: PredictReply) => port.postMessage(reply);

port.once('message', (request: PredictRequest) => {
  runBatchPredict(request, {
    onStart: (totalRows) => send({ type: 'started', totalRows }),
    onProgress: (rows) => send({ type: 'progress', rows }),
  })
    .then((done) => send({ type: 'done', ...done }))
    .catch((error: unknown) => send({ type: 'error', error: toErrorShape(error) }));
});
