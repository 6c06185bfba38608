/** The score worker: one ONNX Runtime session, scoring the batches the predict worker sends (see core/infer/worker/score-session.ts). */
import { parentPort } from 'node:worker_threads';
import * as ort from 'onnxruntime-node';
import { toErrorShape } from '../../shared/errors.js';
import { openSession } from '../core/infer/scoring.js';
import { toWire, transferables, type ScoreReply, type ScoreRequest } from '../core/infer/score-protocol.js';

const port = parentPort!;
const send = (reply: ScoreReply, transfer: ArrayBuffer[] = []) => port.postMessage(reply, transfer);
let session: ort.InferenceSession | undefined;

port.on('message', (request: ScoreRequest) => {
  if (request.type === 'open') {
    openSession(request.modelPath, request.providers, {
      intraOpThreads: request.intraOpThreads,
      spinning: request.spinning,
    })
      .then((opened) => {
        session = opened;
        send({ type: 'opened', outputNames: [...opened.outputNames] });
      })
      .catch((error: unknown) => send({ type: 'error', id: null, error: toErrorShape(error) }));
    return;
  }
  const feeds = Object.fromEntries(
    Object.entries(request.feeds).map(([name, t]) => [name, new ort.Tensor(t.type, t.data as Float32Array, t.dims)]),
  );
  session!
    .run(feeds)
    .then((results) => {
      const outputs = Object.fromEntries(
        Object.entries(results).map(([name, tensor]) => [name, toWire(tensor as ort.Tensor)]),
      );
      send({ type: 'ran', id: request.id, outputs }, transferables(outputs));
    })
    .catch((error: unknown) => send({ type: 'error', id: request.id, error: toErrorShape(error) }));
});
