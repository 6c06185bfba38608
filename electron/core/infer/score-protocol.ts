/**
 * Messages between the predict worker and the score worker (electron/workers/score.worker.ts), which holds
 * one ONNX Runtime session: tensors cross as plain parts with their buffers transferred, not copied.
 */
import type * as ort from 'onnxruntime-node';
import type { ErrorShape } from '../../../shared/errors.js';

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
  | { type: 'error'; id: number | null; error: ErrorShape };

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
