/**
 * The maths of one training step, written out: all weights in one flat vector, biases folded into the
 * weights (each layer's input carries a trailing 1), the loss, and its gradient by hand-written backprop.
 *
 * Why not TensorFlow.js's autodiff (each figure measured on tfjs-backend-wasm, batch 256, MLP 20-64-64-2):
 *  - its MatMul gradient multiplies by transposed operands, and wasm runs a product with a transposed
 *    operand ~10× slower than a plain one (256×64 · 64×64: ~930 µs against ~100 µs). Here every product
 *    is plain, after an explicit transpose (~40 µs);
 *  - with the bias folded in, a layer's weight and bias gradients are one product, not a product and a
 *    column sum (~40–60 µs each), and the forward pass has no bias add;
 *  - the gradient of the input batch is never computed (autodiff computes it and throws it away);
 *  - one flat vector means Adam updates one variable (~13 kernels a step) rather than six (~80).
 * At these sizes wasm time is mostly per-kernel overhead, so fewer kernels is most of the gain: an epoch
 * of the compute bench went from ~0.65 s to ~0.2 s. mlp-backprop.test.ts checks the gradient against
 * TensorFlow.js's own autodiff of the plain network.
 */
import * as tf from '@tensorflow/tfjs';
import type { DenseLayer } from '../onnx-writer.js';

/** What the network predicts: class logits (softmax cross-entropy) or one standardised value (squared error). */
export type MlpTask = 'classification' | 'regression';

/** Each layer's augmented weight matrix, [inputs + 1, outputs] row-major (the weights, then the bias row), in order. */
export interface FlatLayout {
  shapes: [number, number][];
  sizes: number[];
}

/** The layout of these layers in the flat vector. */
export function layoutOf(layers: DenseLayer[]): FlatLayout {
  const shapes = layers.map((l): [number, number] => [l.inputs + 1, l.outputs]);
  return { shapes, sizes: shapes.map(([rows, columns]) => rows * columns) };
}

/** The layers as one flat vector (row-major weights then biases, layer after layer: exactly the augmented matrices). */
export function flatten(layers: DenseLayer[]): Float32Array {
  const out = new Float32Array(layers.reduce((n, l) => n + l.weights.length + l.biases.length, 0));
  let at = 0;
  for (const l of layers) {
    out.set(l.weights, at);
    out.set(l.biases, (at += l.weights.length));
    at += l.biases.length;
  }
  return out;
}

/** The layers back from a flat vector, shaped like `template`. */
export function unflatten(values: Float32Array, template: DenseLayer[]): DenseLayer[] {
  let at = 0;
  return template.map((l) => {
    const weights = values.slice(at, (at += l.weights.length));
    const biases = values.slice(at, (at += l.biases.length));
    return { inputs: l.inputs, outputs: l.outputs, weights, biases };
  });
}

/** Row-major rows × width values with a column of ones appended (the 1 that multiplies the bias row). */
export function withOnesColumn(values: Float32Array, rows: number, width: number): Float32Array {
  const out = new Float32Array(rows * (width + 1));
  for (let r = 0; r < rows; r++) {
    out.set(values.subarray(r * width, (r + 1) * width), r * (width + 1));
    out[r * (width + 1) + width] = 1;
  }
  return out;
}

/** The augmented weight matrices cut from the flat vector. */
function layerWeights(theta: tf.Tensor, layout: FlatLayout): tf.Tensor2D[] {
  return tf.split(theta, layout.sizes).map((part, i) => tf.reshape(part, layout.shapes[i]!));
}

interface ForwardPass {
  /** The augmented input of each layer (layer 0's is the batch itself). */
  inputs: tf.Tensor2D[];
  /** The ReLU output of each hidden layer (before its ones column), for the ReLU gradient. */
  activations: tf.Tensor2D[];
  /** The last layer's output: logits or standardised values. */
  output: tf.Tensor2D;
}

function run(weights: tf.Tensor2D[], xWithOnes: tf.Tensor2D): ForwardPass {
  const inputs = [xWithOnes];
  const activations: tf.Tensor2D[] = [];
  let h = xWithOnes;
  for (let i = 0; i < weights.length - 1; i++) {
    const activation = tf.relu(tf.matMul(h, weights[i]!)) as tf.Tensor2D;
    activations.push(activation);
    // The ones column by padding with 1: a native kernel, about twice as fast on wasm as concatenating a column of ones.
    h = tf.pad(
      activation,
      [
        [0, 0],
        [0, 1],
      ],
      1,
    );
    inputs.push(h);
  }
  return { inputs, activations, output: tf.matMul(h, weights[weights.length - 1]!) };
}

/**
 * Mean loss of a batch: mean squared error, or softmax cross-entropy against one-hot `y` computed from
 * the probabilities (−log p of the true class), which the gradient reuses. A probability is floored at
 * 1e-30 before its log, so a row's loss is at most ~69 rather than infinite (Keras floors at 1e-7).
 */
function lossOf(task: MlpTask, output: tf.Tensor2D, y: tf.Tensor2D): { loss: tf.Scalar; probabilities?: tf.Tensor2D } {
  if (task === 'regression') return { loss: tf.mean(tf.squaredDifference(output, y)) };
  const probabilities = tf.softmax(output);
  return {
    loss: tf.neg(tf.mean(tf.log(tf.maximum(tf.sum(tf.mul(y, probabilities), 1), 1e-30)))) as tf.Scalar,
    probabilities,
  };
}

/** The network's predictions for a batch whose rows end in a 1: class probabilities, or standardised values. */
export function predictionsOf(
  task: MlpTask,
  theta: tf.Tensor,
  layout: FlatLayout,
  xWithOnes: tf.Tensor2D,
): tf.Tensor2D {
  const { output } = run(layerWeights(theta, layout), xWithOnes);
  return task === 'classification' ? tf.softmax(output) : output;
}

/** Loss and predictions of a batch (validation); the probabilities are the ones the loss was computed from. */
export function evaluate(
  task: MlpTask,
  theta: tf.Tensor,
  layout: FlatLayout,
  xWithOnes: tf.Tensor2D,
  y: tf.Tensor2D,
): { loss: tf.Scalar; predictions: tf.Tensor2D } {
  const { output } = run(layerWeights(theta, layout), xWithOnes);
  const { loss, probabilities } = lossOf(task, output, y);
  return { loss, predictions: probabilities ?? output };
}

/**
 * The mean loss of a batch and its gradient with respect to the flat parameter vector, by hand-written
 * backprop (no autodiff tape: nothing is recorded or cloned for a backward pass, the pass below is it).
 */
export function lossAndGradient(
  task: MlpTask,
  layout: FlatLayout,
  theta: tf.Tensor,
  xWithOnes: tf.Tensor2D,
  y: tf.Tensor2D,
): { loss: tf.Scalar; gradient: tf.Tensor1D } {
  const depth = layout.shapes.length;
  const weights = layerWeights(theta, layout);
  const { inputs, activations, output } = run(weights, xWithOnes);
  const { loss, probabilities } = lossOf(task, output, y);
  // d(mean loss)/d(output): softmax − y for cross-entropy, 2(output − y) for squared error; then / rows.
  const fromLoss = task === 'regression' ? tf.mul(tf.sub(output, y), 2) : tf.sub(probabilities!, y);
  let delta = tf.mul(fromLoss, 1 / output.shape[0]) as tf.Tensor2D;
  const grads = new Array<tf.Tensor>(depth);
  for (let i = depth - 1; i >= 0; i--) {
    grads[i] = tf.reshape(tf.matMul(tf.transpose(inputs[i]!), delta), [-1]);
    if (i === 0) break;
    // Back through layer i (its bias row does not reach the previous layer), then through the ReLU.
    const [rows, columns] = layout.shapes[i]!;
    const withoutBias = tf.slice(weights[i]!, [0, 0], [rows - 1, columns]);
    delta = tf.mul(tf.matMul(delta, tf.transpose(withoutBias)), tf.step(activations[i - 1]!));
  }
  return { loss, gradient: tf.concat(grads) as tf.Tensor1D };
}
