/**
 * Adam (Kingma & Ba, 2015) for the one flat parameter vector of mlp-backprop.ts, computing what
 * `tf.train.adam` computes (same defaults: β1 0.9, β2 0.999, ε 1e-7 added to the bias-corrected √v̂) in
 * fewer kernels. Why: at batch 256 a wasm training step is ~40% per-kernel overhead, and tf.train.adam
 * spends ~18 kernels a step plus six scalar uploads; here the bias corrections are JS numbers, the
 * constant scalars are made once, and a step is 13 kernels. flat-adam.test.ts checks it against
 * tf.train.adam step by step.
 */
import * as tf from '@tensorflow/tfjs';

/** Adam state for one variable. */
export class FlatAdam {
  private readonly firstMoment: tf.Variable;
  private readonly secondMoment: tf.Variable;
  private readonly constants: {
    beta1: tf.Scalar;
    oneMinusBeta1: tf.Scalar;
    beta2: tf.Scalar;
    oneMinusBeta2: tf.Scalar;
    epsilon: tf.Scalar;
  };
  private step = 0;

  constructor(
    private readonly theta: tf.Variable,
    private readonly learningRate: number,
    private readonly beta1 = 0.9,
    private readonly beta2 = 0.999,
    epsilon = 1e-7,
  ) {
    this.firstMoment = tf.variable(tf.zerosLike(theta), false);
    this.secondMoment = tf.variable(tf.zerosLike(theta), false);
    this.constants = {
      beta1: tf.scalar(beta1),
      oneMinusBeta1: tf.scalar(1 - beta1),
      beta2: tf.scalar(beta2),
      oneMinusBeta2: tf.scalar(1 - beta2),
      epsilon: tf.scalar(epsilon),
    };
  }

  /** One Adam update with this gradient. */
  apply(gradient: tf.Tensor): void {
    tf.tidy(() => {
      this.step++;
      const c = this.constants;
      const m = tf.add(tf.mul(this.firstMoment, c.beta1), tf.mul(gradient, c.oneMinusBeta1));
      const v = tf.add(tf.mul(this.secondMoment, c.beta2), tf.mul(tf.square(gradient), c.oneMinusBeta2));
      const firstCorrection = 1 - this.beta1 ** this.step;
      const secondCorrection = 1 - this.beta2 ** this.step;
      // θ − lr · (m / c1) / (√(v / c2) + ε), with lr / c1 folded into one scalar.
      const denominator = tf.add(tf.sqrt(tf.div(v, tf.scalar(secondCorrection))), c.epsilon);
      const update = tf.mul(tf.div(m, denominator), tf.scalar(this.learningRate / firstCorrection));
      this.firstMoment.assign(m);
      this.secondMoment.assign(v);
      this.theta.assign(tf.sub(this.theta, update));
    });
  }

  /** Frees the moments and constants (the variable itself belongs to the caller). */
  dispose(): void {
    this.firstMoment.dispose();
    this.secondMoment.dispose();
    Object.values(this.constants).forEach((t) => t.dispose());
  }
}
