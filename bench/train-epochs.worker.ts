/**
 * The compute bench's training figure for one TensorFlow.js backend, run in a worker thread with the
 * train worker's own V8 limits (core/train/train-protocol.ts), as `lathe train` runs. Gets `{ backend,
 * epochs, batchSize, dawn }` as workerData and posts back each epoch's seconds.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { DawnAttempt } from '../electron/core/compute/webgpu.js';
import { trainMlp, useBackend } from '../electron/core/train/worker/mlp.js';
import { seededRandom } from '../electron/core/train/random.js';

/** The bench's data: 50,000 × 20 uniform features, a linear rule for the label. */
const benchRows = 50_000;
const benchWidth = 20;
const trainFraction = 0.9;

function syntheticMatrix(n: number, seed: number): { x: Float32Array; y: Int32Array } {
  const random = seededRandom(seed);
  const x = new Float32Array(n * benchWidth);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let score = 0;
    for (let j = 0; j < benchWidth; j++) {
      const v = random() * 2 - 1;
      x[i * benchWidth + j] = v;
      score += v * (j % 3 === 0 ? 1 : -0.5);
    }
    y[i] = score > 0 ? 1 : 0;
  }
  return { x, y };
}

const { backend, epochs, batchSize, dawn } = workerData as {
  backend: string;
  epochs: number;
  batchSize: number;
  dawn?: DawnAttempt;
};
const data = syntheticMatrix(benchRows, 7);
await useBackend(backend, dawn);
const split = Math.floor(benchRows * trainFraction);
const result = await trainMlp(
  {
    task: 'classification',
    classes: 2,
    width: benchWidth,
    trainX: data.x.subarray(0, split * benchWidth),
    trainY: data.y.subarray(0, split),
    validationX: data.x.subarray(split * benchWidth),
    validationY: data.y.subarray(split),
  },
  { hidden: [64, 64], epochs, batchSize, learningRate: 0.001, seed: 1, patience: epochs + 1 },
);
// Scaled to the full 50,000 rows: training uses 90% (the rest validates, as in Lathe).
parentPort!.postMessage(result.history.map((epoch) => (epoch.seconds * benchRows) / split));
