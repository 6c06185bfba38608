/**
 * The one way core runs a job in a worker thread: start it, hear its progress, cancel it, and get its
 * reply or its error (rebuilt from the LatheError shape) as a promise. Ingest, train and predict all go
 * through here, so a worker that dies, hangs after cancel or throws is handled once.
 */
import { errorFromShape, LatheError, type ErrorShape } from '../../../shared/errors.js';
import { cleanOrtMessage } from '../infer/ort-message.js';
import type { JobMessage, JobRequest, JobWorkerName } from './job-protocol.js';
import { startWorker } from './worker-host.js';
import type { ResourceLimits } from 'node:worker_threads';

/**
 * Rebuilds an error a worker thread sent as its shape (a LatheError keeps its code and details).
 * ONNX Runtime's source locations and C++ signatures never reach a message (see infer/ort-message.ts).
 */
export function errorFromWorker(shape: ErrorShape): Error {
  return errorFromShape({ ...shape, message: cleanOrtMessage(shape.message) });
}

/** How long a cancelled worker may take to stop by itself before it is terminated. */
export const cancelGraceMs = 5000;

/** Options of {@link runWorker}. */
export interface RunWorkerOptions<Progress> {
  /** Called for each progress message, in order. */
  onProgress?: (progress: Progress) => void;
  /** V8 limits of the worker thread. */
  resourceLimits?: ResourceLimits;
}

/** A running job. `result` resolves with the reply, or with `'cancelled'` once {@link cancel} took effect. */
export interface WorkerJob<Reply> {
  result: Promise<Reply | 'cancelled'>;
  /** Asks the job to stop; a job that does not stop within {@link cancelGraceMs} is terminated. */
  cancel(): void;
}

/** Runs one job in `electron/workers/<name>.worker.ts`; the worker thread ends when the job does. */
export function runWorker<Request, Reply, Progress = never>(
  name: JobWorkerName,
  request: Request,
  options: RunWorkerOptions<Progress> = {},
): WorkerJob<Reply> {
  const worker = startWorker(name, options.resourceLimits ? { resourceLimits: options.resourceLimits } : {});
  let settled = false;
  let cancelTimer: NodeJS.Timeout | undefined;
  const result = new Promise<Reply | 'cancelled'>((resolve, reject) => {
    const finish = (action: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(cancelTimer);
      action();
      void worker.terminate();
    };
    worker.on('message', (message: JobMessage<Reply, Progress>) => {
      if (settled) return;
      if (message.kind === 'progress') options.onProgress?.(message.progress);
      else if (message.kind === 'done') finish(() => resolve(message.reply));
      else if (message.kind === 'cancelled') finish(() => resolve('cancelled'));
      else finish(() => reject(errorFromWorker(message.error)));
    });
    worker.on('error', (error) => finish(() => reject(error)));
    worker.on('exit', (code) =>
      finish(() =>
        cancelTimer
          ? resolve('cancelled')
          : reject(new Error(`The ${name} worker stopped unexpectedly (exit code ${code})`)),
      ),
    );
  });
  worker.postMessage({ kind: 'start', request } satisfies JobRequest<Request>);
  return {
    result,
    cancel() {
      if (settled || cancelTimer) return;
      worker.postMessage({ kind: 'cancel' } satisfies JobRequest<Request>);
      // A worker busy inside one long step still stops: terminate it after a grace period.
      cancelTimer = setTimeout(() => void worker.terminate(), cancelGraceMs);
    },
  };
}

/** The error of work stopped on request: CONFLICT (what was asked did not happen), `details.cancelled`. */
export function cancelledError(what: string): LatheError {
  return new LatheError('CONFLICT', `${what} was cancelled`, { cancelled: true });
}

/**
 * Runs a job to its end and returns its reply. With `signal`, aborting it cancels the job (the worker stops
 * at its next step, or is terminated after the grace period) and the promise rejects with
 * {@link cancelledError}.
 */
export async function runWorkerToEnd<Request, Reply, Progress = never>(
  name: JobWorkerName,
  request: Request,
  options: RunWorkerOptions<Progress> & { signal?: AbortSignal; what?: string } = {},
): Promise<Reply> {
  const what = options.what ?? `the ${name} job`;
  if (options.signal?.aborted) throw cancelledError(what);
  const job = runWorker<Request, Reply, Progress>(name, request, options);
  const abort = () => job.cancel();
  options.signal?.addEventListener('abort', abort, { once: true });
  try {
    const reply = await job.result;
    if (reply === 'cancelled') {
      if (options.signal?.aborted) throw cancelledError(what);
      throw new Error(`The ${name} worker stopped without answering`);
    }
    return reply;
  } finally {
    options.signal?.removeEventListener('abort', abort);
  }
}
