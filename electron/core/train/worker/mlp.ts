/**
 * A multi-layer perceptron trained with TensorFlow.js: ReLU hidden layers, Adam, softmax cross-entropy
 * or mean squared error, seeded Glorot initialisation and shuffling, early stopping on validation loss
 * (the best epoch's weights are kept). Written as a plain loop rather than `model.fit` so that progress,
 * cancel and determinism are in our hands; each step's loss and gradient come from mlp-backprop.ts and
 * the update from flat-adam.ts (why: speed on the wasm backend, see there).
 */
import * as tf from '@tensorflow/tfjs';
import type { DenseLayer } from '../onnx-writer.js';
import type { DawnAttempt } from '../../compute/webgpu.js';
import { FlatAdam } from './flat-adam.js';
import { installWebGpu } from './webgpu-backend.js';
import {
  evaluate,
  flatten,
  lossAndGradient,
  layoutOf,
  predictionsOf,
  unflatten,
  withOnesColumn,
} from './mlp-backprop.js';
import { seededRandom, shuffleInPlace } from '../random.js';
import { trainingEta } from '../eta.js';

/** Network and optimiser settings. */
export interface MlpOptions {
  hidden: number[];
  epochs: number;
  batchSize: number;
  learningRate: number;
  seed: number;
  patience: number;
}

/** Callbacks of one training. */
export interface MlpHooks {
  onProgress?: (p: MlpProgress) => void;
  onEpoch?: (e: EpochSummary) => void;
  checkCancel?: () => Promise<void>;
  /** Scores the validation outputs (probabilities or standardised values). */
  validationMetric?: (outputs: Float32Array) => number;
}

/** The matrices one training uses. `y` is class indices (classification) or standardised targets. */
export interface MlpData {
  task: 'classification' | 'regression';
  classes: number;
  width: number;
  trainX: Float32Array;
  trainY: Int32Array | Float32Array;
  validationX: Float32Array;
  validationY: Int32Array | Float32Array;
}

/** One tick of progress from inside the loop. */
export interface MlpProgress {
  epoch: number;
  batch: number;
  batches: number;
  loss: number | null;
  valLoss: number | null;
  valMetric: number | null;
  /** Seconds to the last epoch: an upper bound, since early stopping may end training sooner. */
  etaSeconds: number | null;
  /** Seconds until the patience window closes if validation loss does not improve again. */
  etaEarlyStopSeconds: number | null;
  /** Finished epochs since the best validation loss, and the patience they are counted against. */
  epochsWithoutImprovement: number;
  patience: number;
}

/** One epoch's summary. */
export interface EpochSummary {
  epoch: number;
  loss: number;
  valLoss: number;
  /** Validation accuracy (classification) or RMSE (regression), from the hook that computes it. */
  valMetric: number | null;
  seconds: number;
}

/** What training gives back: the kept weights and the history. */
export interface MlpResult {
  layers: DenseLayer[];
  history: EpochSummary[];
  bestEpoch: number;
  stoppedEarly: boolean;
}

/** Glorot-uniform weights from the seeded generator, zero biases. */
export function initialLayers(width: number, hidden: number[], outputs: number, seed: number): DenseLayer[] {
  const random = seededRandom(seed);
  const sizes = [width, ...hidden, outputs];
  return sizes.slice(1).map((out, i) => {
    const inputs = sizes[i]!;
    const limit = Math.sqrt(6 / (inputs + out));
    const weights = new Float32Array(inputs * out);
    for (let k = 0; k < weights.length; k++) weights[k] = (random() * 2 - 1) * limit;
    return { inputs, outputs: out, weights, biases: new Float32Array(out) };
  });
}

/**
 * Predicts in chunks: class probabilities (rows × classes) or standardised values (rows). Reads back with
 * `data()`, not `dataSync()`: the WebGPU backend cannot read a GPU buffer synchronously in Node.
 */
export async function predict(
  layers: DenseLayer[],
  x: Float32Array,
  rows: number,
  task: MlpData['task'],
): Promise<Float32Array> {
  // The same forward pass as training (mlp-backprop.ts), on the layers' flat vector.
  const layout = layoutOf(layers);
  const theta = tf.tensor1d(flatten(layers));
  const width = layers[0]!.inputs;
  const outputs = layers[layers.length - 1]!.outputs;
  const out = new Float32Array(rows * outputs);
  const chunk = 8192;
  for (let start = 0; start < rows; start += chunk) {
    const n = Math.min(rows, start + chunk) - start;
    const predictions = tf.tidy(() => {
      const batch = tf.tensor2d(withOnesColumn(x.subarray(start * width, (start + n) * width), n, width), [
        n,
        width + 1,
      ]);
      return predictionsOf(task, theta, layout, batch);
    });
    out.set((await predictions.data()) as Float32Array, start * outputs);
    predictions.dispose();
  }
  theta.dispose();
  return out;
}

/**
 * Trains. `onProgress` is called a few times per epoch; `checkCancel` is awaited between batches so a
 * cancel message can arrive (the event loop turns there) and throw (the worker launcher's JobCancelled).
 */
export async function trainMlp(data: MlpData, options: MlpOptions, hooks: MlpHooks = {}): Promise<MlpResult> {
  const outputs = data.task === 'classification' ? data.classes : 1;
  const initial = initialLayers(data.width, options.hidden, outputs, options.seed);
  const layout = layoutOf(initial);
  // Unnamed: TF.js variable names are process-wide, and two trainings may overlap in one process (tests).
  const theta = tf.variable(tf.tensor1d(flatten(initial)));
  const optimizer = new FlatAdam(theta, options.learningRate);
  const rows = data.trainY.length;
  const batches = Math.ceil(rows / options.batchSize);
  const order = Int32Array.from({ length: rows }, (_, i) => i);
  const random = seededRandom(options.seed ^ 0x5a17);
  // Rows go in with a trailing 1, the input of the bias row (see mlp-backprop.ts).
  const stride = data.width + 1;
  const trainX = withOnesColumn(data.trainX, rows, data.width);
  const xBuffer = new Float32Array(options.batchSize * stride);
  // Labels go in one-hot from JS: one op less per batch than tf.oneHot (training speed is per-op overhead here).
  const yWidth = data.task === 'classification' ? data.classes : 1;
  const yBuffer = new Float32Array(options.batchSize * yWidth);
  const validationX = tf.tensor2d(withOnesColumn(data.validationX, data.validationY.length, data.width), [
    data.validationY.length,
    stride,
  ]);
  const validationY =
    data.task === 'classification'
      ? tf.tidy(() => tf.oneHot(tf.tensor1d(data.validationY as Int32Array, 'int32'), data.classes).toFloat())
      : tf.tensor2d(data.validationY as Float32Array, [data.validationY.length, 1]);
  const history: EpochSummary[] = [];
  let best = { loss: Infinity, epoch: 0, weights: initial };
  let sinceBest = 0;
  let stoppedEarly = false;
  const started = performance.now();
  const progressEvery = Math.max(1, Math.floor(batches / 20));
  try {
    for (let epoch = 1; epoch <= options.epochs; epoch++) {
      const epochStart = performance.now();
      shuffleInPlace(order, random);
      let lossSum = 0;
      let lossCount = 0;
      for (let b = 0; b < batches; b++) {
        const start = b * options.batchSize;
        const end = Math.min(rows, start + options.batchSize);
        const n = end - start;
        for (let r = 0; r < n; r++) {
          const row = order[start + r]!;
          xBuffer.set(trainX.subarray(row * stride, (row + 1) * stride), r * stride);
          if (yWidth === 1) yBuffer[r] = data.trainY[row]!;
          else {
            yBuffer.fill(0, r * yWidth, (r + 1) * yWidth);
            yBuffer[r * yWidth + data.trainY[row]!] = 1;
          }
        }
        const cost = tf.tidy(() => {
          const x = tf.tensor2d(xBuffer.subarray(0, n * stride), [n, stride]);
          const y = tf.tensor2d(yBuffer.subarray(0, n * yWidth), [n, yWidth]);
          const { loss, gradient } = lossAndGradient(data.task, layout, theta, x, y);
          optimizer.apply(gradient);
          return loss;
        });
        const costValue = (await cost.data())[0]!;
        cost.dispose();
        lossSum += costValue * n;
        lossCount += n;
        if (b % progressEvery === 0 || b === batches - 1) {
          const done = (epoch - 1) * batches + b + 1;
          const eta = trainingEta({
            elapsedSeconds: (performance.now() - started) / 1000,
            batchesDone: done,
            batchesPerEpoch: batches,
            epoch,
            epochs: options.epochs,
            patience: options.patience,
            epochsWithoutImprovement: sinceBest,
          });
          hooks.onProgress?.({
            epoch,
            batch: b + 1,
            batches,
            loss: lossSum / lossCount,
            valLoss: history.at(-1)?.valLoss ?? null,
            valMetric: history.at(-1)?.valMetric ?? null,
            etaSeconds: eta.maxSeconds,
            etaEarlyStopSeconds: eta.earlyStopSeconds,
            epochsWithoutImprovement: sinceBest,
            patience: options.patience,
          });
        }
        await hooks.checkCancel?.();
      }
      const evaluated = tf.tidy(() => evaluate(data.task, theta, layout, validationX, validationY as tf.Tensor2D));
      const valLoss = (await evaluated.loss.data())[0]!;
      const valOutputs = (await evaluated.predictions.data()) as Float32Array;
      evaluated.loss.dispose();
      evaluated.predictions.dispose();
      const valMetric = hooks.validationMetric ? hooks.validationMetric(valOutputs) : null;
      const summary = {
        epoch,
        loss: lossSum / lossCount,
        valLoss,
        valMetric,
        seconds: (performance.now() - epochStart) / 1000,
      };
      history.push(summary);
      hooks.onEpoch?.(summary);
      if (valLoss < best.loss - 1e-7) {
        best = { loss: valLoss, epoch, weights: unflatten((await theta.data()) as Float32Array, initial) };
        sinceBest = 0;
      } else if (++sinceBest >= options.patience) {
        stoppedEarly = epoch < options.epochs;
        break;
      }
    }
  } finally {
    theta.dispose();
    validationX.dispose();
    validationY.dispose();
    optimizer.dispose();
  }
  return { layers: best.weights, history, bestEpoch: best.epoch, stoppedEarly };
}

/**
 * Selects the TensorFlow.js backend by its recorded name (loading tfjs-node, wasm or WebGPU as needed).
 * `webgpu` needs the Dawn backend the probe found (core/compute/webgpu.ts).
 */
export async function useBackend(name: string, dawn?: DawnAttempt): Promise<void> {
  if (name === 'wasm') await import('@tensorflow/tfjs-backend-wasm');
  if (name === 'webgpu') {
    if (!dawn) throw new Error('The webgpu backend needs the Dawn backend found by the WebGPU probe');
    await installWebGpu(dawn);
  }
  if (name === 'tensorflow' || name === 'tensorflow-gpu') {
    const pkg = name === 'tensorflow' ? '@tensorflow/tfjs-node' : '@tensorflow/tfjs-node-gpu';
    await import(/* @vite-ignore */ pkg);
  }
  // tfjs-node-gpu registers itself as "tensorflow", like tfjs-node.
  const registered = name === 'tensorflow-gpu' ? 'tensorflow' : name;
  const ok = await tf.setBackend(registered);
  await tf.ready();
  if (!ok || tf.getBackend() !== registered) throw new Error(`TensorFlow.js backend "${name}" failed to initialise`);
}
