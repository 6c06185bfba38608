/**
 * ONNX Runtime in its own thread for batch scoring. onnxruntime-node's `session.run` runs on the calling
 * JS thread (its promise wraps a synchronous call), so scoring in the thread that reads and writes the
 * table would stop both while each batch is scored. The predict worker hands each batch's feeds to the
 * score worker (electron/workers/score.worker.ts; buffers transferred, not copied) and reads the next
 * batch meanwhile.
 */
import type { Worker } from 'node:worker_threads';
import type * as ort from 'onnxruntime-node';
import { isErrorShape, LatheError } from '../../../shared/errors.js';
import { cleanOrtMessage } from './ort-message.js';
import { startWorker } from '../workers/worker-host.js';

/** A tensor as it crosses threads. */
export interface WireTensor {
  type: ort.Tensor.Type;
  data: ort.Tensor.DataType;
  dims: readonly number[];
}

/** Predict worker → score worker. */
export type ScoreRequest =
  | { type: 'open'; modelPath: string; providers: string[]; intraOpThreads?: number; spinning?: boolean }
  | { type: 'run'; id: number; feeds: Record<string, WireTensor> };

/** Score worker → predict worker. */
export type ScoreReply =
  | { type: 'opened'; outputNames: string[] }
  | { type: 'ran'; id: number; outputs: Record<string, WireTensor> }
  | { type: 'error'; id: number | null; error: { code: string; message: string; details?: Record<string, unknown> } };

/** The tensor as plain parts (its data buffer is transferred when it can be). */
export function toWire(tensor: ort.Tensor): WireTensor {
  return { type: tensor.type, data: tensor.data, dims: [...tensor.dims] };
}

/** The buffers of these tensors that can be moved to another thread instead of copied. */
export function transferables(tensors: Record<string, WireTensor>): ArrayBuffer[] {
  const buffers = new Set<ArrayBuffer>();
  for (const tensor of Object.values(tensors)) {
    const data = tensor.data as { buffer?: unknown; byteOffset?: number; byteLength?: number };
    // Only a typed array that owns its whole buffer: moving a shared buffer would take other views with it.
    if (data.buffer instanceof ArrayBuffer && data.byteOffset === 0 && data.byteLength === data.buffer.byteLength)
      buffers.add(data.buffer);
  }
  return [...buffers];
}

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
        this.settle(reply.id, (w) => w.reject(errorFromShape(reply.error)));
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
          else if (reply.type === 'error') reject(errorFromShape(reply.error));
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

/** Rebuilds an error a worker thread sent as its shape (a LatheError keeps its code and details). */
export function errorFromShape(shape: { code: string; message: string; details?: Record<string, unknown> }): Error {
  // ONNX Runtime's source locations never reach a message (see ort-message.ts).
  const message = cleanOrtMessage(shape.message);
  return isErrorShape(shape) ? new LatheError(shape.code, message, shape.details) : new Error(message);
}
