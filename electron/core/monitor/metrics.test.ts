/** The monitor's per-window metrics equal scikit-learn's on vectors it made once (fixtures/make-sklearn-metrics.py). */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { binaryRocAuc, classificationMetrics, regressionMetrics } from './metrics.js';

type Case =
  | {
      kind: 'classification';
      classes: number;
      probabilities: number[];
      labels: number[];
      accuracy: number;
      f1: number;
      rocAuc: number;
    }
  | { kind: 'regression'; predictions: number[]; labels: number[]; mae: number; rmse: number; r2: number };

const cases = JSON.parse(readFileSync(new URL('./fixtures/sklearn-metrics.json', import.meta.url), 'utf8')) as Case[];
const close = (actual: number | null | undefined, expected: number) =>
  expect(Math.abs(actual! - expected)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(expected)));

describe('monitor metrics equal scikit-learn', () => {
  for (const [index, item] of cases.entries()) {
    it(`case ${index}: ${item.kind}${item.kind === 'classification' ? `, ${item.classes} classes` : ''}`, () => {
      if (item.kind === 'classification') {
        const rows = Int32Array.from(item.labels, (_, row) => row);
        const metrics = classificationMetrics(
          { values: Float64Array.from(item.probabilities), classes: item.classes },
          Int32Array.from(item.labels),
          rows,
        );
        close(metrics?.accuracy, item.accuracy);
        close(metrics?.f1, item.f1);
        close(metrics?.rocAuc, item.rocAuc);
      } else {
        const metrics = regressionMetrics(
          Float64Array.from(item.predictions),
          Float64Array.from(item.labels),
          Int32Array.from(item.labels, (_, row) => row),
        );
        close(metrics?.mae, item.mae);
        close(metrics?.rmse, item.rmse);
        close(metrics?.r2, item.r2);
      }
    });
  }

  it('is null, never NaN, where a metric is undefined', () => {
    expect(binaryRocAuc([0.1, 0.9], [true, true])).toBeNull();
    const probabilities = { values: Float64Array.from([0.8, 0.2, 0.3, 0.7]), classes: 2 };
    expect(classificationMetrics(probabilities, Int32Array.from([-1, -1]), [0, 1])).toBeNull();
    expect(classificationMetrics(probabilities, Int32Array.from([0, 0]), [0, 1])).toMatchObject({
      accuracy: 0.5,
      rocAuc: null,
    });
    expect(regressionMetrics(Float64Array.from([1, 2]), Float64Array.from([3, 3]), [0, 1])).toMatchObject({
      mae: 1.5,
      r2: null,
    });
    expect(regressionMetrics(Float64Array.from([1]), Float64Array.from([Number.NaN]), [0])).toBeNull();
  });
});
