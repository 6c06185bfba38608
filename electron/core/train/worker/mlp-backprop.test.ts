import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initialLayers } from './mlp.js';
import { flatten, lossAndGradient, layoutOf, unflatten, withOnesColumn, type MlpTask } from './mlp-backprop.js';
import { seededRandom } from '../random.js';

/** The same loss built from plain TF.js ops (bias added, library losses), for TF.js's own autodiff to differentiate. */
function referenceLoss(task: MlpTask, sizes: number[], x: tf.Tensor2D, y: tf.Tensor2D) {
  return (theta: tf.Tensor1D): tf.Scalar => {
    const parts = tf.split(
      theta,
      sizes.slice(1).flatMap((out, i) => [sizes[i]! * out, out]),
    );
    let h: tf.Tensor2D = x;
    for (let i = 0; i < parts.length; i += 2) {
      const weights = tf.reshape(parts[i]!, [sizes[i / 2]!, sizes[i / 2 + 1]!]) as tf.Tensor2D;
      h = tf.add(tf.matMul(h, weights), parts[i + 1]!) as tf.Tensor2D;
      if (i + 2 < parts.length) h = tf.relu(h) as tf.Tensor2D;
    }
    return (
      task === 'classification' ? tf.losses.softmaxCrossEntropy(y, h) : tf.losses.meanSquaredError(y, h)
    ) as tf.Scalar;
  };
}

const cases: { name: string; task: MlpTask; hidden: number[]; outputs: number }[] = [
  { name: 'classification, two hidden layers', task: 'classification', hidden: [6, 4], outputs: 3 },
  { name: 'regression, one hidden layer', task: 'regression', hidden: [5], outputs: 1 },
  { name: 'classification, no hidden layer', task: 'classification', hidden: [], outputs: 2 },
];

describe('hand-written backprop', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  for (const c of cases) {
    it(`gives TF.js autodiff's loss and gradient: ${c.name}`, () => {
      const width = 5;
      const rows = 9;
      const random = seededRandom(11);
      const layers = initialLayers(width, c.hidden, c.outputs, 3);
      // Non-zero biases, so a wrong bias row would show.
      for (const layer of layers) layer.biases.forEach((_, k) => (layer.biases[k] = random() - 0.5));
      const xValues = Float32Array.from({ length: rows * width }, () => random() * 4 - 2);
      const yValues =
        c.task === 'classification'
          ? Float32Array.from({ length: rows * c.outputs }, (_, k) =>
              k % c.outputs === Math.floor(k / c.outputs) % c.outputs ? 1 : 0,
            )
          : Float32Array.from({ length: rows }, () => random() * 2 - 1);
      tf.tidy(() => {
        const y = tf.tensor2d(yValues, [rows, c.task === 'classification' ? c.outputs : 1]);
        const theta = tf.tensor1d(flatten(layers));
        const ours = lossAndGradient(
          c.task,
          layoutOf(layers),
          theta,
          tf.tensor2d(withOnesColumn(xValues, rows, width), [rows, width + 1]),
          y,
        );
        const sizes = [width, ...c.hidden, c.outputs];
        const reference = tf.valueAndGrad(referenceLoss(c.task, sizes, tf.tensor2d(xValues, [rows, width]), y))(theta);
        expect(ours.loss.dataSync()[0]).toBeCloseTo(reference.value.dataSync()[0]!, 5);
        const ourGrad = ours.gradient.dataSync();
        const referenceGrad = reference.grad.dataSync();
        expect(ourGrad.length).toBe(referenceGrad.length);
        const worst = Math.max(...ourGrad.map((g, k) => Math.abs(g - referenceGrad[k]!)));
        expect(worst).toBeLessThan(1e-5);
        // The gradient is not trivially zero (every layer's weights and biases get some).
        expect(Math.max(...referenceGrad.map(Math.abs))).toBeGreaterThan(1e-3);
      });
    });
  }

  it('lays the layers out as augmented matrices and back', () => {
    const layers = initialLayers(3, [2], 2, 5);
    layers[0]!.biases.set([0.5, -0.5]);
    const flat = flatten(layers);
    // Layer 0: 3×2 weights row-major, then its bias row: a 4×2 matrix.
    expect([...flat.subarray(6, 8)]).toEqual([0.5, -0.5]);
    expect(layoutOf(layers)).toEqual({
      shapes: [
        [4, 2],
        [3, 2],
      ],
      sizes: [8, 6],
    });
    expect(unflatten(flat, layers)).toEqual(layers);
    expect([...withOnesColumn(Float32Array.from([1, 2, 3, 4]), 2, 2)]).toEqual([1, 2, 1, 3, 4, 1]);
  });
});
