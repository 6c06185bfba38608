/** The drift worker: reads both tables and tests every column off the main thread (see core/drift/worker/). */
import { computeDrift } from '../core/drift/worker/drift-compute.js';
import type { DriftWorkerReply, DriftWorkerRequest } from '../core/drift/drift-protocol.js';
import { serveJob } from '../core/workers/worker/serve-job.js';

serveJob<DriftWorkerRequest, DriftWorkerReply>((request) => computeDrift(request));
