/**
 * Training on the WebGPU backend (Dawn; here Mesa's software OpenGL ES adapter) through the real train
 * worker: the hand-written backward pass and flat Adam run unchanged, the metrics agree with wasm's, the
 * same seed gives the same metrics again, and the ONNX export passes the ONNX Runtime agreement check.
 * Small data: the software adapter is slow (its first epoch compiles the shaders).
 *
 * Stated tolerance: every loss-like metric and epoch loss within 1e-3 × max(1, |wasm|) of wasm's; a metric
 * that counts labels (accuracy, f1) within one row of its split, since a row scored at 0.5 ± 1e-7 may flip.
 * The two backends run the same float32 maths but sum in different orders, so they differ in the last
 * bits (~1e-7 here).
 */
import { describe, expect, it } from 'vitest';
import { chooseTrainingBackendProbe } from '../compute/training-backends.js';
import { prepareDawnEnvironment, probeWebGpu } from '../compute/webgpu.js';
import { syntheticTable } from './testing/training-data.js';
import { agreementTolerance, type TrainJobOptions, type TrainOutcome } from './train-protocol.js';
import { startTraining } from './train-runner.js';

const here = await probeWebGpu();
if (!here.adapter) console.warn(`WebGPU training tests are skipped: ${here.line}`);

const tolerance = 1e-3;

async function train(backend: 'webgpu' | 'wasm'): Promise<TrainOutcome> {
  const chosen = await chooseTrainingBackendProbe(backend);
  const dawn = chosen.adapter && { backend: chosen.adapter.backend, featureLevel: chosen.adapter.featureLevel };
  if (dawn) prepareDawnEnvironment(dawn.backend);
  const options: TrainJobOptions = {
    target: 'target',
    task: 'auto',
    hidden: [16, 8],
    epochs: 3,
    batchSize: 64,
    learningRate: 0.01,
    seed: 5,
    patience: 10,
    backend,
    dawn,
    producerVersion: 'test',
  };
  const outcome = await startTraining(
    { kind: 'columns', columns: [...syntheticTable(600, 11, 'classification')] },
    options,
  ).result;
  if (outcome === 'cancelled') throw new Error('not cancelled by this test');
  return outcome;
}

function expectClose(actual: number, expected: number, what: string, oneRow = 0): void {
  const allowed = Math.max(tolerance * Math.max(1, Math.abs(expected)), oneRow);
  expect(Math.abs(actual - expected), what).toBeLessThanOrEqual(allowed);
}

/** How much one row moves a label-counting metric, else 0. */
function oneRowOf(metric: string, rows: { validation: number; test: number }): number {
  if (metric === 'val_accuracy') return 1 / rows.validation;
  return metric === 'accuracy' || metric === 'f1' ? 1 / rows.test : 0;
}

describe.skipIf(!here.adapter)('training on WebGPU', () => {
  it('agrees with wasm, repeats itself, and exports an ONNX graph ONNX Runtime agrees with', async () => {
    const gpu = await train('webgpu');
    const wasm = await train('wasm');
    expect(gpu.result.backend).toBe('webgpu');
    expect(Object.keys(gpu.result.metrics).sort()).toEqual(Object.keys(wasm.result.metrics).sort());
    for (const [name, value] of Object.entries(wasm.result.metrics))
      expectClose(gpu.result.metrics[name]!, value, name, oneRowOf(name, wasm.result.rows));
    expect(gpu.result.history).toHaveLength(wasm.result.history.length);
    gpu.result.history.forEach((epoch, i) => {
      expectClose(epoch.loss, wasm.result.history[i]!.loss, `loss of epoch ${i + 1}`);
      expectClose(epoch.valLoss, wasm.result.history[i]!.valLoss, `val_loss of epoch ${i + 1}`);
    });
    expect(gpu.agreement.maxDifference).toBeLessThanOrEqual(agreementTolerance);
    expect(gpu.agreement.labelMismatches).toBe(0);

    const again = await train('webgpu');
    expect(again.result.metrics).toEqual(gpu.result.metrics);
  }, 240_000);
});
