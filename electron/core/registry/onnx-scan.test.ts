/**
 * The streamed weights diff: a model whose tensors are larger than the read chunk is compared with reads no
 * bigger than the chunk (or the walker's 64 KB window), and gives exactly the numbers of a plain in-memory
 * computation, for raw_data, packed float_data and packed double_data alike.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import onnxProto from 'onnx-proto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { seededRandom } from '../train/random.js';
import { diffGraphs, weightChunkElements } from './model-diff.js';
import { readOnnxGraph, readOnnxGraphFrom } from './onnx-graph.js';
import { fileSource, memorySource, scanOnnx, type ByteSource } from './onnx-scan.js';

const { onnx } = onnxProto;
let scratch: string;
beforeEach(() => {
  scratch = mkdtempSync(join(tmpdir(), 'lathe-scan-'));
});
afterEach(() => rmSync(scratch, { recursive: true, force: true }));

const bigCount = weightChunkElements * 2 + 12_345;

/** Three tensors: a big float32 in raw_data, a packed float_data and a packed double_data one. */
function tensors(shift: number) {
  const random = seededRandom(3);
  const big = new Float32Array(bigCount).map(() => random() - 0.5 + shift * random());
  const floats = Array.from({ length: 300 }, (_, i) => Math.fround(i / 7 + shift));
  const doubles = Array.from({ length: 200 }, (_, i) => i / 3 - shift * i);
  return { big, floats, doubles };
}

function writeModel(name: string, shift: number): string {
  const { big, floats, doubles } = tensors(shift);
  const bytes = onnx.ModelProto.encode({
    irVersion: 8,
    producerName: 'scan-test',
    opsetImport: [{ domain: '', version: 17 }],
    graph: {
      name: 'g',
      node: [{ name: 'add', opType: 'Add', input: ['x', 'big'], output: ['y'] }],
      initializer: [
        { name: 'big', dims: [bigCount], dataType: 1, rawData: new Uint8Array(big.buffer) },
        { name: 'floats', dims: [300], dataType: 1, floatData: floats },
        { name: 'doubles', dims: [10, 20], dataType: 11, doubleData: doubles },
      ],
      input: [{ name: 'x' }],
      output: [{ name: 'y' }],
    },
  }).finish();
  const path = join(scratch, name);
  writeFileSync(path, bytes);
  return path;
}

/** Wraps a source to record the size of every read. */
function counted(source: ByteSource, reads: number[]): ByteSource {
  return { size: source.size, read: (o, l) => (reads.push(l), source.read(o, l)), close: () => source.close() };
}

/** The L2 of a − b, the plain way, over whole arrays. */
function plainL2(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let squared = 0;
  for (let i = 0; i < a.length; i++) squared += (b[i]! - a[i]!) ** 2;
  return Math.sqrt(squared);
}

describe('streamed weights diff', () => {
  it('reads tensors larger than the chunk in chunk-sized pieces and matches the in-memory numbers exactly', () => {
    const pathA = writeModel('a.onnx', 0);
    const pathB = writeModel('b.onnx', 0.01);
    const reads: number[] = [];
    const sourceA = counted(fileSource(pathA), reads);
    const sourceB = counted(fileSource(pathB), reads);
    try {
      const streamed = diffGraphs(readOnnxGraphFrom(sourceA, 'a'), readOnnxGraphFrom(sourceB, 'b'));
      const inMemory = diffGraphs(readOnnxGraph(readFileSync(pathA), 'a'), readOnnxGraph(readFileSync(pathB), 'b'));
      expect(streamed).toEqual(inMemory);
      const a = tensors(0);
      const b = tensors(0.01);
      const byName = new Map(streamed.initializers.map((i) => [i.name, i]));
      expect(byName.get('big')!.l2).toBeCloseTo(plainL2(a.big, b.big), 9);
      expect(byName.get('big')!.l2).toBeGreaterThan(0);
      expect(byName.get('floats')!.l2).toBeCloseTo(plainL2(a.floats, b.floats), 9);
      expect(byName.get('doubles')!.l2).toBeCloseTo(plainL2(a.doubles, b.doubles), 9);
      expect(streamed.parameterCount).toEqual([bigCount + 500, bigCount + 500]);
      const fileBytes = sourceA.size + sourceB.size;
      expect(fileBytes).toBeGreaterThan(4 * weightChunkElements * 4);
      expect(Math.max(...reads)).toBeLessThanOrEqual(weightChunkElements * 8);
      // the big tensor alone took three chunk reads from each file
      expect(reads.filter((r) => r === weightChunkElements * 4).length).toBeGreaterThanOrEqual(4);
    } finally {
      sourceA.close();
      sourceB.close();
    }
  });

  it('names the file when the bytes end inside a field, and keeps everything but the numbers decoded', () => {
    const path = writeModel('c.onnx', 0);
    const bytes = readFileSync(path);
    expect(() => scanOnnx(memorySource(bytes.subarray(0, bytes.length - 10)), 'cut.onnx')).toThrow(
      /cut\.onnx is not a valid ONNX model \(corrupt or truncated\)/,
    );
    const source = fileSource(path);
    try {
      const scanned = scanOnnx(source, 'c.onnx');
      expect(scanned.model.producerName).toBe('scan-test');
      expect(scanned.graph!.node![0]!.opType).toBe('Add');
      expect(scanned.graph!.initializer).toEqual([]);
      expect(scanned.initializers.map((i) => [i.tensor.name, i.tensor.rawData?.length ?? 0, i.values!.length])).toEqual(
        [
          ['big', 0, bigCount],
          ['floats', 0, 300],
          ['doubles', 0, 200],
        ],
      );
    } finally {
      source.close();
    }
  });
});
