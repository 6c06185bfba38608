/**
 * The worker-side half of core/workers/run-worker.ts: waits for the one `start` message, runs the handler,
 * and answers done, cancelled or error (as the LatheError shape). Runs only inside a worker thread.
 */
import { parentPort } from 'node:worker_threads';
import { toErrorShape } from '../../../../shared/errors.js';
import type { JobMessage, JobRequest } from '../job-protocol.js';

/** Thrown by {@link JobContext.checkCancel} once the host asked the job to stop. */
export class JobCancelled extends Error {
  constructor() {
    super('cancelled');
    this.name = 'JobCancelled';
  }
}

/** What a job handler gets besides its request. */
export interface JobContext<Progress> {
  /** Sends one progress message to the host. */
  progress(progress: Progress): void;
  /** Lets the event loop turn (so a cancel can arrive) and throws {@link JobCancelled} once one has. */
  checkCancel(): Promise<void>;
}

/** Serves one job in this worker thread with `handler`. */
export function serveJob<Request, Reply, Progress = never>(
  handler: (request: Request, context: JobContext<Progress>) => Promise<Reply> | Reply,
): void {
  const port = parentPort;
  if (!port) throw new Error('serveJob runs only inside a worker thread');
  let cancelled = false;
  const send = (message: JobMessage<Reply, Progress>) => port.postMessage(message);
  const context: JobContext<Progress> = {
    progress: (progress) => send({ kind: 'progress', progress }),
    async checkCancel() {
      await new Promise((resolve) => setImmediate(resolve));
      if (cancelled) throw new JobCancelled();
    },
  };
  port.on('message', (message: JobRequest<Request>) => {
    if (message.kind === 'cancel') {
      cancelled = true;
      return;
    }
    void (async () => {
      try {
        send({ kind: 'done', reply: await handler(message.request, context) });
      } catch (error) {
        if (error instanceof JobCancelled) send({ kind: 'cancelled' });
        else send({ kind: 'error', error: toErrorShape(error) });
      } finally {
        // The job is the worker's only work: let the thread end once the answer is out.
        port.close();
      }
    })();
  });
}
