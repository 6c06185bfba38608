/** Entry point of the ingest worker: serves one ingest job (core/data/worker/ingest.ts). */
import { ingest } from '../core/data/worker/ingest.js';
import type { IngestRequest, IngestResponse } from '../core/data/ingest-protocol.js';
import { serveJob } from '../core/workers/worker/serve-job.js';

serveJob<IngestRequest, IngestResponse>(ingest);
