/**
 * The envelope every job worker speaks, whatever its feature: the host starts one job, may cancel it, and
 * hears progress, then exactly one of done, cancelled or error (the LatheError shape). Features put their
 * own request, reply and progress types inside it (core/<feature>/*-protocol.ts).
 */
import type { ErrorShape } from '../../../shared/errors.js';

/** The worker entry points under electron/workers/ that run one job each. */
export type JobWorkerName = 'dataset-ingest' | 'train' | 'predict' | 'drift' | 'monitor';

/** Host → worker. */
export type JobRequest<Request> = { kind: 'start'; request: Request } | { kind: 'cancel' };

/** Worker → host. */
export type JobMessage<Reply, Progress> =
  | { kind: 'progress'; progress: Progress }
  | { kind: 'done'; reply: Reply }
  | { kind: 'cancelled' }
  | { kind: 'error'; error: ErrorShape };
