/** CBPE: isotonic calibration equal to sklearn's, and accuracy estimates that follow the realised accuracy. */
import { describe, expect, it } from 'vitest';
import { applyIsotonic, estimateAccuracy, fitCbpe, fitIsotonic } from './cbpe.js';
import { seededRandom } from '../train/random.js';

describe('isotonic calibration', () => {
  it("equals sklearn's IsotonicRegression(out_of_bounds='clip') (values made with sklearn 1.2)", () => {
    const fit = fitIsotonic([0.1, 0.2, 0.2, 0.3, 0.5, 0.6, 0.8, 0.9], [0, 1, 0, 0, 1, 0, 1, 1]);
    const at = [0.05, 0.1, 0.2, 0.25, 0.3, 0.55, 0.6, 0.7, 0.9, 0.95].map((x) => applyIsotonic(fit, x));
    const sklearn = [0.0, 0.0, 0.3333333333333333, 0.3333333333333333, 0.3333333333333333, 0.5, 0.5, 0.75, 1.0, 1.0];
    at.forEach((value, index) => expect(value).toBeCloseTo(sklearn[index]!, 12));
  });
});

describe('CBPE accuracy', () => {
  // An over-confident binary model: it says 0.9 where the truth is 0.7, so raw confidence overstates accuracy.
  function simulate(rows: number, seed: number, truthWhenConfident: number) {
    const random = seededRandom(seed);
    const values = new Float64Array(rows * 2);
    const labels = new Int32Array(rows);
    for (let row = 0; row < rows; row++) {
      const confident = random() < 0.5;
      const p1 = confident ? 0.9 : 0.6;
      values[row * 2] = 1 - p1;
      values[row * 2 + 1] = p1;
      const truth = confident ? truthWhenConfident : 0.55;
      labels[row] = random() < truth ? 1 : 0;
    }
    return { probabilities: { values, classes: 2 }, labels };
  }

  it('calibrates on the reference and tracks the realised accuracy within its band', () => {
    const reference = simulate(5000, 1, 0.7);
    const model = fitCbpe(reference.probabilities, reference.labels);
    expect(model.referenceAccuracy).toBeCloseTo(0.625, 1);
    const current = simulate(2000, 2, 0.7);
    const rows = Int32Array.from({ length: 2000 }, (_, index) => index);
    const estimate = estimateAccuracy(model, current.probabilities, rows, current.labels);
    // Raw confidence would say 0.75; calibrated, the estimate is near the truth (0.5·0.7 + 0.5·0.55 = 0.625).
    expect(estimate.estimated).toBeCloseTo(0.625, 1);
    expect(estimate.realised).not.toBeNull();
    expect(estimate.realised!).toBeGreaterThanOrEqual(estimate.lower);
    expect(estimate.realised!).toBeLessThanOrEqual(estimate.upper);
    expect(estimate.upper - estimate.lower).toBeCloseTo((6 * Math.sqrt(0.625 * 0.375)) / Math.sqrt(2000), 2);
  });
});
