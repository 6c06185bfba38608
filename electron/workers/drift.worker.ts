/** The drift worker: reads both tables and tests every column off the main thread (see core/drift/worker/). */
import { parentPort, workerData } from 'node:worker_threads';
import { toErrorShape } from '../../shared/errors.js';
import { computeDrift } from '../core/drift/worker/drift-compute.js';
import type { DriftWorkerRequest, DriftWorkerResponse } from '../core/drift/worker/drift-protocol.js';

const send = (response: DriftWorkerResponse) => parentPort!.postMessage(response);

computeDrift(workerData as DriftWorkerRequest)
  .then((result) => send({ type: 'done', ...result }))
  .catch((error: unknown) => send({ type: 'error', error: toErrorShape(error) }));
