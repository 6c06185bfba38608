import { describe, expect, it } from 'vitest';
import { binaryScores, confusionAt, importanceBars, precisionRecallCurve, rocCurve } from './evaluation';

// Four rows: scores 0.9 (pos), 0.8 (neg), 0.4 (pos), 0.1 (neg).
const data = binaryScores(
  {
    format: 'lathe-test-predictions/1',
    classes: ['benign', 'malignant'],
    testRows: 4,
    labels: [1, 0, 1, 0],
    probabilities: [
      [0.1, 0.9],
      [0.2, 0.8],
      [0.6, 0.4],
      [0.9, 0.1],
    ],
  },
  1,
);

describe('evaluation curves', () => {
  it('computes the ROC curve and its area (0.75, as scikit-learn gives for these scores)', () => {
    const { points, auc } = rocCurve(data);
    expect(points.map((p) => [p.x, p.y])).toEqual([
      [0, 0],
      [0, 0.5],
      [0.5, 0.5],
      [0.5, 1],
      [1, 1],
    ]);
    expect(auc).toBeCloseTo(0.75, 12);
  });
  it('computes precision–recall and average precision (0.8333, as scikit-learn)', () => {
    const { points, averagePrecision } = precisionRecallCurve(data);
    expect(points.map((p) => [p.x, p.y])).toEqual([
      [0, 1],
      [0.5, 1],
      [0.5, 0.5],
      [1, 2 / 3],
      [1, 0.5],
    ]);
    expect(averagePrecision).toBeCloseTo(5 / 6, 12);
  });
  it('counts the confusion matrix and rates at a threshold', () => {
    expect(confusionAt(data, 0.5)).toMatchObject({
      truePositives: 1,
      falsePositives: 1,
      trueNegatives: 1,
      falseNegatives: 1,
      truePositiveRate: 0.5,
      precision: 0.5,
    });
    expect(confusionAt(data, 0.3)).toMatchObject({ truePositives: 2, falsePositives: 1, falsePositiveRate: 0.5 });
  });
});

describe('importanceBars', () => {
  it('keeps negative values negative and shows float noise as 0', () => {
    const bars = importanceBars([
      { feature: 'a', importance: 0.2 },
      { feature: 'b', importance: -3.7e-17 },
      { feature: 'c', importance: -0.05 },
    ]);
    expect(bars).toEqual([
      { feature: 'a', value: 0.2, sign: 1, fraction: 1 },
      { feature: 'b', value: 0, sign: 0, fraction: 0 },
      { feature: 'c', value: -0.05, sign: -1, fraction: 0.25 },
    ]);
  });
});
