import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-node';
import { fixtureGraphs } from './onnx-fixture.js';
import { inspectOnnx } from '../models/onnx-inspect.js';

const folder = new URL('../../../resources/fixtures/lathe-export/', import.meta.url).pathname;
const record = JSON.parse(readFileSync(`${folder}checker-result.json`, 'utf8')) as {
  checker: string;
  files: Record<string, { sha256: string; ok: boolean; error?: string }>;
};

describe('ONNX writer', () => {
  it('writes exactly the graphs that passed ONNX checker (full check)', () => {
    expect(record.checker).toMatch(/^onnx \d/);
    const graphs = fixtureGraphs();
    expect(Object.keys(graphs).sort()).toEqual(Object.keys(record.files).sort());
    for (const [name, bytes] of Object.entries(graphs)) {
      expect(record.files[name], name).toMatchObject({ ok: true });
      expect(
        createHash('sha256').update(bytes).digest('hex'),
        `${name} differs from the checked bytes: rerun scripts/fixtures/write-lathe-export.ts and check-lathe-export.py`,
      ).toBe(record.files[name]!.sha256);
    }
  });

  it('computes preprocessing and the network as specified', async () => {
    const graphs = fixtureGraphs();
    const session = await ort.InferenceSession.create(graphs['classifier.onnx']!);
    const out = await session.run({
      age: new ort.Tensor('float32', Float32Array.of(41.5, NaN), [2, 1]),
      plan: new ort.Tensor('string', ['pro', 'unknown'], [2, 1]),
      spend: new ort.Tensor('float32', Float32Array.of(25.75, 25.75), [2, 1]),
    });
    const probabilities = out.probabilities!.data as Float32Array;
    expect(out.probabilities!.dims).toEqual([2, 2]);
    expect(probabilities[0]! + probabilities[1]!).toBeCloseTo(1, 6);
    // Row 0 by hand: numerics first (age, spend: both at their mean, so 0), then the plan one-hot (pro).
    const w = (seed: number, i: number) => Math.fround(Math.sin(seed * 31 + i) * 0.5);
    const b = (seed: number, i: number) => Math.fround(Math.cos(seed * 17 + i) * 0.1);
    const x = [0, 0, 0, 1, 0];
    const hidden = [0, 1, 2, 3].map((j) => Math.max(0, x.reduce((s, v, i) => s + v * w(1, i * 4 + j), 0) + b(1, j)));
    const logits = [0, 1].map((j) => hidden.reduce((s, v, i) => s + v * w(2, i * 2 + j), 0) + b(2, j));
    const softmax = logits.map((l) => Math.exp(l) / logits.reduce((s, m) => s + Math.exp(m), 0));
    expect(probabilities[0]).toBeCloseTo(softmax[0]!, 5);
    expect(Array.from(out.label!.data as string[])[0]).toBe(softmax[0]! > softmax[1]! ? 'no' : 'yes');
    await session.release();

    const ints = await ort.InferenceSession.create(graphs['int-labels.onnx']!);
    const labels = await ints.run({ x: new ort.Tensor('float32', Float32Array.of(-1, 0, 1), [3, 1]) });
    expect(labels.label!.type).toBe('int64');
    for (const v of labels.label!.data as BigInt64Array) expect([3n, 5n, 7n]).toContain(v);
    await ints.release();

    const regressor = await ort.InferenceSession.create(graphs['regressor.onnx']!);
    const value = await regressor.run({
      rooms: new ort.Tensor('float32', Float32Array.of(3), [1, 1]),
      area: new ort.Tensor('float32', Float32Array.of(100), [1, 1]),
    });
    expect(value.value!.dims).toEqual([1, 1]);
    expect(Number.isFinite((value.value!.data as Float32Array)[0])).toBe(true);
    await regressor.release();
    expect(inspectOnnx(graphs['regressor.onnx']!, 'r')).toMatchObject({ opset: 17, producer: 'lathe fixture' });
  });
});
