/**
 * Walks an ONNX file's protobuf without loading its weights. A model of several hundred MB is almost all
 * initializer bytes (`raw_data`, or packed `float_data`/`double_data`); everything else (nodes, header,
 * tensor names and shapes) is small. The walker copies the small fields, decodes them with onnx-proto
 * (ONNX's own schema) as usual, and keeps only the file offset and length of each initializer's numbers, so
 * a weights diff reads them later in fixed-size chunks: memory stays bounded whatever the model's size.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import onnxProto from 'onnx-proto';
import { LatheError } from '../../../shared/errors.js';

const { onnx } = onnxProto;

/** Random access to a model's bytes: a file read by position, or bytes already in memory. */
export interface ByteSource {
  readonly size: number;
  /** `length` bytes from `offset` (fewer only past the end). */
  read(offset: number, length: number): Uint8Array;
  close(): void;
}

/** A source over bytes in memory (tests, small models). */
export function memorySource(bytes: Uint8Array): ByteSource {
  return { size: bytes.length, read: (offset, length) => bytes.subarray(offset, offset + length), close: () => {} };
}

/** A source over a file, read by position with one descriptor; `close` releases it. */
export function fileSource(path: string): ByteSource {
  const fd = openSync(path, 'r');
  const size = fstatSync(fd).size;
  return {
    size,
    read(offset, length) {
      const wanted = Math.max(0, Math.min(length, size - offset));
      const out = new Uint8Array(wanted);
      let filled = 0;
      while (filled < wanted) {
        const got = readSync(fd, out, filled, wanted - filled, offset + filled);
        if (got === 0) break;
        filled += got;
      }
      return filled === wanted ? out : out.subarray(0, filled);
    },
    close: () => closeSync(fd),
  };
}

/** An initializer's numbers, read on demand: `slice(start, count)` returns elements [start, start + count). */
export interface WeightValues {
  readonly length: number;
  slice(start: number, count: number): Float32Array | Float64Array;
}

/** Numbers already in memory. */
export function memoryValues(values: Float32Array | Float64Array): WeightValues {
  return { length: values.length, slice: (start, count) => values.subarray(start, start + count) };
}

/** Numbers stored little-endian at `offset` of `source` (raw_data and packed float/double fields alike). */
function storedValues(source: ByteSource, offset: number, length: number, width: 4 | 8): WeightValues {
  const make = (buffer: ArrayBufferLike, byteOffset: number, count: number) =>
    width === 4 ? new Float32Array(buffer, byteOffset, count) : new Float64Array(buffer, byteOffset, count);
  return {
    length,
    slice(start, count) {
      const bytes = source.read(offset + start * width, count * width);
      if (bytes.length !== count * width) throw new Error('the file ends inside a tensor');
      if (bytes.byteOffset % width === 0) return make(bytes.buffer, bytes.byteOffset, count);
      return make(Uint8Array.from(bytes).buffer, 0, count);
    },
  };
}

/** The model without its initializers' numbers, and each initializer with a reader for them. */
export interface ScannedModel {
  model: InstanceType<typeof onnx.ModelProto>;
  /** The model's graph (null when the file has none), without `initializer`. */
  graph: InstanceType<typeof onnx.GraphProto> | null;
  initializers: { tensor: InstanceType<typeof onnx.TensorProto>; values: WeightValues | null }[];
}

const windowSize = 1 << 16;

/** A forward reader over a byte range of a source, buffered by a 64 KB window. */
class Cursor {
  private window: Uint8Array = new Uint8Array(0);
  private windowStart = 0;
  constructor(
    private readonly source: ByteSource,
    public position: number,
  ) {}

  private byte(): number {
    const at = this.position - this.windowStart;
    if (at < 0 || at >= this.window.length) {
      this.windowStart = this.position;
      this.window = this.source.read(this.position, windowSize);
      if (this.window.length === 0) throw new Error('unexpected end of file');
    }
    const value = this.window[this.position - this.windowStart]!;
    this.position += 1;
    return value;
  }

  varint(): number {
    let value = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      const b = this.byte();
      value += (b & 0x7f) * scale;
      if ((b & 0x80) === 0) return value;
      scale *= 128;
    }
    throw new Error('varint longer than 10 bytes');
  }

  /** A copy of the bytes [from, to) (small fields only). */
  bytes(from: number, to: number): Uint8Array {
    const at = from - this.windowStart;
    if (at >= 0 && to - this.windowStart <= this.window.length) return this.window.slice(at, to - this.windowStart);
    const out = this.source.read(from, to - from);
    if (out.length !== to - from) throw new Error('unexpected end of file');
    return out.slice();
  }
}

interface Field {
  number: number;
  wireType: number;
  /** Where the field's tag starts (so the whole field can be copied). */
  start: number;
  /** Where its value starts (after the length prefix for length-delimited fields). */
  valueStart: number;
  end: number;
}

/** Visits every field of the message in [start, end); the visitor sees each once, in file order. */
function walk(cursor: Cursor, start: number, end: number, visit: (field: Field) => void): void {
  cursor.position = start;
  while (cursor.position < end) {
    const fieldStart = cursor.position;
    const tag = cursor.varint();
    const number = Math.floor(tag / 8);
    const wireType = tag % 8;
    let valueStart = cursor.position;
    let fieldEnd: number;
    if (wireType === 0) {
      cursor.varint();
      fieldEnd = cursor.position;
    } else if (wireType === 1) fieldEnd = valueStart + 8;
    else if (wireType === 5) fieldEnd = valueStart + 4;
    else if (wireType === 2) {
      const length = cursor.varint();
      valueStart = cursor.position;
      fieldEnd = valueStart + length;
    } else throw new Error(`invalid wire type ${wireType} at offset ${fieldStart}`);
    if (number === 0 || fieldEnd > end) throw new Error(`field at offset ${fieldStart} runs past its message`);
    visit({ number, wireType, start: fieldStart, valueStart, end: fieldEnd });
    cursor.position = fieldEnd;
  }
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, p) => sum + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

// Field numbers from onnx.proto: ModelProto.graph, GraphProto.initializer, TensorProto.{float_data,raw_data,double_data}.
const modelGraph = 7;
const graphInitializer = 5;
const tensorFloatData = 4;
const tensorRawData = 9;
const tensorDoubleData = 10;

/** Where one initializer's numbers are, noted while walking it. */
interface NumberRanges {
  raw: { start: number; end: number } | null;
  packed: Map<number, { start: number; end: number }[]>;
}

function scanTensor(cursor: Cursor, source: ByteSource, field: Field): ScannedModel['initializers'][number] {
  const kept: Uint8Array[] = [];
  const ranges: NumberRanges = { raw: null, packed: new Map() };
  walk(cursor, field.valueStart, field.end, (inner) => {
    if (inner.number === tensorRawData && inner.wireType === 2)
      ranges.raw = { start: inner.valueStart, end: inner.end };
    else if ((inner.number === tensorFloatData || inner.number === tensorDoubleData) && inner.wireType === 2) {
      const list = ranges.packed.get(inner.number) ?? [];
      list.push({ start: inner.valueStart, end: inner.end });
      ranges.packed.set(inner.number, list);
    } else kept.push(cursor.bytes(inner.start, inner.end));
  });
  const tensor = onnx.TensorProto.decode(concat(kept));
  const size = (tensor.dims ?? []).map(Number).reduce((p, d) => p * d, 1);
  return { tensor, values: tensorNumbers(tensor, size, ranges, cursor, source) };
}

/** The same choice onnx-proto's decoded tensor allowed: raw_data when present, else float/double data of full size. */
function tensorNumbers(
  tensor: InstanceType<typeof onnx.TensorProto>,
  size: number,
  ranges: NumberRanges,
  cursor: Cursor,
  source: ByteSource,
): WeightValues | null {
  const width = tensor.dataType === 1 ? 4 : tensor.dataType === 11 ? 8 : null;
  if (width === null) return null;
  if (ranges.raw && ranges.raw.end > ranges.raw.start) {
    const count = Math.floor((ranges.raw.end - ranges.raw.start) / width);
    return storedValues(source, ranges.raw.start, count, width);
  }
  const packed = ranges.packed.get(width === 4 ? tensorFloatData : tensorDoubleData) ?? [];
  const unpacked = width === 4 ? tensor.floatData : tensor.doubleData;
  const packedCount = packed.reduce((sum, r) => sum + (r.end - r.start) / width, 0);
  if (packedCount + (unpacked?.length ?? 0) !== size) return null;
  if (packed.length === 1 && !unpacked?.length) return storedValues(source, packed[0]!.start, size, width);
  // Several pieces or element-by-element encoding: rare and small (writers pack big tensors), so gather them.
  const numbers: number[] = [];
  for (const range of packed) {
    const bytes = cursor.bytes(range.start, range.end);
    const view = width === 4 ? new Float32Array(bytes.buffer) : new Float64Array(bytes.buffer);
    numbers.push(...view);
  }
  numbers.push(...(unpacked ?? []));
  return memoryValues(width === 4 ? Float32Array.from(numbers) : Float64Array.from(numbers));
}

/**
 * Walks a model: header and graph fields are decoded from copies of their bytes, initializers' numbers are
 * left in the source. A malformed file is a BAD_INPUT naming `label`.
 */
export function scanOnnx(source: ByteSource, label: string): ScannedModel {
  if (source.size === 0) throw new LatheError('BAD_INPUT', `${label} is empty, not an ONNX model`, { file: label });
  const cursor = new Cursor(source, 0);
  const modelParts: Uint8Array[] = [];
  const graphParts: Uint8Array[] = [];
  const initializers: ScannedModel['initializers'] = [];
  let hasGraph = false;
  try {
    walk(cursor, 0, source.size, (field) => {
      if (field.number !== modelGraph || field.wireType !== 2) {
        modelParts.push(cursor.bytes(field.start, field.end));
        return;
      }
      hasGraph = true;
      walk(cursor, field.valueStart, field.end, (inner) => {
        if (inner.number === graphInitializer && inner.wireType === 2) {
          initializers.push(scanTensor(cursor, source, inner));
          cursor.position = inner.end;
        } else graphParts.push(cursor.bytes(inner.start, inner.end));
      });
      cursor.position = field.end;
    });
    const model = onnx.ModelProto.decode(concat(modelParts));
    const graph = hasGraph ? onnx.GraphProto.decode(concat(graphParts)) : null;
    return { model, graph, initializers };
  } catch (error) {
    if (error instanceof LatheError) throw error;
    throw new LatheError(
      'BAD_INPUT',
      `${label} is not a valid ONNX model (corrupt or truncated): ${(error as Error).message}`,
      { file: label },
    );
  }
}
