import { describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-node';
import { runTrainJob, type TrainJobOptions } from './train-job.js';
import { useBackend } from './mlp.js';
import { compareWithOnnxRuntime } from './agreement.js';
import { syntheticTable } from '../testing/training-data.js';
import { transform } from '../preprocess.js';
import { inspectOnnx } from '../../models/onnx-inspect.js';

const options = (patch: Partial<TrainJobOptions> = {}): TrainJobOptions => ({
  target: 'target',
  task: 'auto',
  hidden: [16, 16],
  epochs: 12,
  batchSize: 64,
  learningRate: 0.01,
  seed: 7,
  patience: 4,
  backend: 'wasm',
  producerVersion: 'test',
  ...patch,
});

describe('training on the wasm backend', () => {
  it('learns a classification, and ONNX Runtime agrees with TensorFlow.js to 1e-4 on the test split', async () => {
    await useBackend('wasm');
    const columns = syntheticTable(900, 1, 'classification');
    const result = await runTrainJob(columns, options());
    expect(result.task).toBe('classification');
    expect(result.preprocessing.target).toMatchObject({ classes: ['high', 'low', 'mid'], labelType: 'string' });
    // Stratified: each class is split 70/15/15 on its own, so the totals differ from 630/135/135 by rounding only.
    expect(result.rows.train + result.rows.validation + result.rows.test).toBe(900);
    expect(Math.abs(result.rows.test - 135)).toBeLessThanOrEqual(2);
    expect(result.metrics.accuracy).toBeGreaterThan(0.8);
    expect(result.metrics.roc_auc).toBeGreaterThan(0.9);
    expect(result.metrics.log_loss).toBeLessThan(0.6);
    expect(result.metrics.f1).toBeGreaterThan(0.7);
    // The features that carry the signal matter more than pure noise.
    const importance = Object.fromEntries(result.importance.map((i) => [i.feature, i.importance]));
    expect(importance.x1!).toBeGreaterThan(importance.noise!);
    expect(importance.color!).toBeGreaterThan(importance.noise!);
    expect(result.confusion!.counts.flat().reduce((a, b) => a + b, 0)).toBe(result.rows.test);

    const agreement = await compareWithOnnxRuntime(
      result.onnx,
      columns,
      result.testRows,
      result.testPredictions,
      result.preprocessing.target,
    );
    expect(agreement.rows).toBe(result.rows.test);
    expect(agreement.maxDifference).toBeLessThanOrEqual(1e-4);
    expect(agreement.labelMismatches).toBe(0);

    const summary = inspectOnnx(result.onnx, 'trained');
    expect(summary.inputs).toEqual([
      { name: 'x1', type: 'float32', shape: ['N', 1] },
      { name: 'x2', type: 'float32', shape: ['N', 1] },
      { name: 'noise', type: 'float32', shape: ['N', 1] },
      { name: 'color', type: 'string', shape: ['N', 1] },
    ]);
    expect(summary.outputs).toEqual([
      { name: 'label', type: 'string', shape: ['N'] },
      { name: 'probabilities', type: 'float32', shape: ['N', 3] },
    ]);
  }, 60_000);

  it('maps an unseen category to zeros and a missing one to the most frequent, in the graph as in TensorFlow.js', async () => {
    await useBackend('wasm');
    const columns = syntheticTable(300, 2, 'classification');
    const result = await runTrainJob(columns, options({ epochs: 2 }));
    const session = await ort.InferenceSession.create(result.onnx);
    const rows = new Map<string, Float64Array | (string | null)[]>([
      ['x1', Float64Array.of(NaN, 10, 10)],
      ['x2', Float64Array.of(0, 0, 0)],
      ['noise', Float64Array.of(0, 0, 0)],
      ['color', ['purple', null, 'red']],
    ]);
    const expected = transform(result.preprocessing.steps, rows, null, 3);
    const colorStep = result.preprocessing.steps.find((s) => s.name === 'color')!;
    expect(colorStep.kind === 'categorical' && colorStep.categories).toEqual(['blue', 'green', 'red']);
    // purple → all zeros; null → the most frequent colour's position.
    expect(Array.from(expected.subarray(3, 6))).toEqual([0, 0, 0]);
    expect(Array.from(expected.subarray(9, 12)).reduce((a, b) => a + b, 0)).toBe(1);
    const feeds = {
      x1: new ort.Tensor('float32', Float32Array.of(NaN, 10, 10), [3, 1]),
      x2: new ort.Tensor('float32', Float32Array.of(0, 0, 0), [3, 1]),
      noise: new ort.Tensor('float32', Float32Array.of(0, 0, 0), [3, 1]),
      color: new ort.Tensor('string', ['purple', '', 'red'], [3, 1]),
    };
    const out = await session.run(feeds);
    const { predict } = await import('./mlp.js');
    const tfjs = await predict(result.layers, expected, 3, 'classification');
    const onnx = out.probabilities!.data as Float32Array;
    for (let i = 0; i < tfjs.length; i++) expect(Math.abs(onnx[i]! - tfjs[i]!)).toBeLessThan(1e-5);
    await session.release();
  }, 30_000);

  it('gives identical metrics and bytes for the same seed, data and backend', async () => {
    await useBackend('wasm');
    const columns = syntheticTable(500, 3, 'classification');
    const first = await runTrainJob(columns, options({ epochs: 4 }));
    const second = await runTrainJob(columns, options({ epochs: 4 }));
    expect(second.metrics).toEqual(first.metrics);
    expect(Buffer.from(second.onnx).equals(Buffer.from(first.onnx))).toBe(true);
    const other = await runTrainJob(columns, options({ epochs: 4, seed: 8 }));
    expect(Buffer.from(other.onnx).equals(Buffer.from(first.onnx))).toBe(false);
  }, 60_000);

  it('learns a regression, and the graph agrees to 1e-4 (relative to the value) with TensorFlow.js', async () => {
    await useBackend('wasm');
    const columns = syntheticTable(900, 4, 'regression');
    const result = await runTrainJob(columns, options({ epochs: 30, patience: 5 }));
    expect(result.task).toBe('regression');
    expect(result.metrics.r2).toBeGreaterThan(0.9);
    expect(result.metrics.rmse).toBeLessThan(3);
    expect(result.metrics.mae).toBeLessThan(result.metrics.rmse! + 1e-9);
    expect(result.residuals).toHaveLength(135);
    const agreement = await compareWithOnnxRuntime(
      result.onnx,
      columns,
      result.testRows,
      result.testPredictions,
      result.preprocessing.target,
    );
    expect(agreement.maxDifference).toBeLessThanOrEqual(1e-4);
    expect(inspectOnnx(result.onnx, 'trained').outputs).toEqual([{ name: 'value', type: 'float32', shape: ['N', 1] }]);
  }, 60_000);

  it('stops early when validation loss stops improving', async () => {
    await useBackend('wasm');
    const columns = syntheticTable(400, 5, 'classification');
    const result = await runTrainJob(columns, options({ epochs: 200, patience: 2, learningRate: 0.05 }));
    expect(result.stoppedEarly).toBe(true);
    expect(result.history.length).toBeLessThan(200);
    expect(result.history.length - result.bestEpoch).toBe(2);
  }, 60_000);

  it('explains bad input', async () => {
    const columns = syntheticTable(100, 6, 'classification');
    await expect(runTrainJob(columns, options({ target: 'nope' }))).rejects.toThrow(
      /Target column "nope" is not in the data/,
    );
    await expect(runTrainJob(columns, options({ features: ['x1', 'ghost'] }))).rejects.toThrow(
      /not in the data: ghost/,
    );
    await expect(runTrainJob(columns, options({ task: 'regression' }))).rejects.toThrow(
      /regression needs a numeric target/,
    );
  });
});
