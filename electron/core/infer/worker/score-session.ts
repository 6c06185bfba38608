/**
 * ONNX Runtime in its own thread for batch scoring, used from inside the predict worker. onnxruntime-node's
 * `session.run` runs on the calling JS thread (its promise wraps a synchronous call), so scoring in the
 * thread that reads and writes the table would stop both while each batch is scored. The predict worker
 * hands each batch's feeds to the score worker (buffers transferred, not copied) and reads the next batch
 * meanwhile. This is a session with many calls, not one job, so it speaks ../score-protocol.ts directly
 * rather than through runWorker.
 */
import type { Worker } from 'node:worker_threads';
import type * as ort from 'onnxruntime-node';
import { errorFromWorker } from '../../workers/run-worker.js';
import { startWorker } from '../../workers/worker-host.js';
import { toWire, transferables, type ScoreReply, type ScoreRequest, type WireTensor } from '../score-protocol.js';

/** A session living in the score worker. */
export class RemoteSession {
  private readonly waiting = new Map<
    number,
    { resolve: (outputs: Record<string, WireTensor>) => void; reject: (error: Error) => void }
  >();
  private next = 0;
  private closed = false;

  private constructor(
    private readonly worker: Worker,
    readonly outputNames: string[],
  ) {
    worker.on('message', (reply: ScoreReply) => {
      if (reply.type === 'ran') this.settle(reply.id, (w) => w.resolve(reply.outputs));
      else if (reply.type === 'error' && reply.id !== null)
        this.settle(reply.id, (w) => w.reject(errorFromWorker(reply.error)));
    });
    const failAll = (error: Error) => {
      for (const w of this.waiting.values()) w.reject(error);
      this.waiting.clear();
    };
    worker.on('error', failAll);
    worker.on('exit', (code) => {
      if (!this.closed) failAll(new Error(`The score worker stopped unexpectedly (exit code ${code})`));
    });
  }

  /** Starts the worker and loads the model there. */
  static async open(
    modelPath: string,
    providers: string[],
    options: { intraOpThreads?: number; spinning?: boolean } = {},
  ): Promise<RemoteSession> {
    const worker = startWorker('score');
    // Only our own listeners are removed afterwards (the Worker keeps internal ones for its message port).
    let onMessage: ((reply: ScoreReply) => void) | undefined;
    let onError: ((error: Error) => void) | undefined;
    let onExit: ((code: number) => void) | undefined;
    try {
      const outputNames = await new Promise<string[]>((resolve, reject) => {
        onMessage = (reply: ScoreReply) => {
          if (reply.type === 'opened') resolve(reply.outputNames);
          else if (reply.type === 'error') reject(errorFromWorker(reply.error));
        };
        onError = reject;
        onExit = (code) => reject(new Error(`The score worker stopped while loading the model (exit code ${code})`));
        worker.on('message', onMessage);
        worker.on('error', onError);
        worker.on('exit', onExit);
        worker.postMessage({ type: 'open', modelPath, providers, ...options } satisfies ScoreRequest);
      });
      return new RemoteSession(worker, outputNames);
    } catch (error) {
      await worker.terminate();
      throw error;
    } finally {
      worker.off('message', onMessage!);
      worker.off('error', onError!);
      worker.off('exit', onExit!);
    }
  }

  /** Scores one batch; the feeds' buffers move to the score worker. */
  run(feeds: Record<string, ort.Tensor>): Promise<Record<string, WireTensor>> {
    const id = this.next++;
    const wire = Object.fromEntries(Object.entries(feeds).map(([name, tensor]) => [name, toWire(tensor)]));
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.worker.postMessage({ type: 'run', id, feeds: wire } satisfies ScoreRequest, transferables(wire));
    });
  }

  /** Stops the worker (the session goes with it). */
  async release(): Promise<void> {
    this.closed = true;
    await this.worker.terminate();
  }

  private settle(
    id: number,
    action: (w: { resolve: (outputs: Record<string, WireTensor>) => void; reject: (error: Error) => void }) => void,
  ): void {
    const waiting = this.waiting.get(id);
    if (!waiting) return;
    this.waiting.delete(id);
    action(waiting);
  }
}
