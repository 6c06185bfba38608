import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { FlatAdam } from './flat-adam.js';
import { seededRandom } from '../random.js';

describe('FlatAdam', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('takes the steps tf.train.adam takes', () => {
    const random = seededRandom(4);
    const start = Float32Array.from({ length: 12 }, () => random() * 2 - 1);
    const target = tf.tensor1d(Float32Array.from({ length: 12 }, () => random() * 2 - 1));
    // A loss whose gradient changes with θ, so the moments matter: Σ (θ − target)⁴ + Σ θ².
    const loss = (theta: tf.Tensor1D) =>
      tf.add(tf.sum(tf.pow(tf.sub(theta, target), 4)), tf.sum(tf.square(theta))) as tf.Scalar;
    const ours = tf.variable(tf.tensor1d(start));
    const theirs = tf.variable(tf.tensor1d(start));
    const flat = new FlatAdam(ours, 0.05);
    const reference = tf.train.adam(0.05);
    for (let step = 1; step <= 25; step++) {
      const ourLoss = tf.tidy(() => {
        const { value, grad } = tf.valueAndGrad(loss)(ours as tf.Tensor1D);
        flat.apply(grad);
        return value;
      });
      const theirLoss = reference.minimize(() => loss(theirs), true, [theirs])!;
      // Same maths, different float32 rounding order (which the quartic amplifies a little): agreement to 1e-4 (relative for the loss). A 1% larger step is off by 5e-4 after 25 steps.
      const [o, t] = [ourLoss.dataSync()[0]!, theirLoss.dataSync()[0]!];
      expect(Math.abs(o - t) / Math.max(1, Math.abs(t))).toBeLessThan(1e-4);
      ourLoss.dispose();
      theirLoss.dispose();
      const a = ours.dataSync();
      const b = theirs.dataSync();
      expect(Math.max(...a.map((x, k) => Math.abs(x - b[k]!)))).toBeLessThan(1e-4);
    }
    // It moved: 25 steps of 0.05 take θ well away from where it started.
    expect(Math.max(...ours.dataSync().map((x, k) => Math.abs(x - start[k]!)))).toBeGreaterThan(0.3);
    flat.dispose();
    reference.dispose();
  });
});
