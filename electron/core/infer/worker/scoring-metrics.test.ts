import { describe, expect, it } from 'vitest';
import { MetricsAccumulator } from './scoring-metrics.js';

const tensor = (type: 'float32' | 'string', data: Float32Array | string[], dims: number[]) =>
  ({ type, data, dims }) as never;

describe('MetricsAccumulator', () => {
  it('computes accuracy, precision, recall, F1 and log loss across batches, skipping missing labels', () => {
    const metrics = new MetricsAccumulator({ task: 'classification', classes: ['benign', 'malignant'] });
    // Batch 1: predicted benign, malignant, malignant; truth benign, benign, malignant.
    metrics.add(
      ['benign', 'benign', 'malignant'],
      { probabilities: tensor('float32', Float32Array.of(0.9, 0.1, 0.4, 0.6, 0.2, 0.8), [3, 2]) },
      3,
    );
    // Batch 2: a missing label (not counted) and a malignant predicted benign.
    metrics.add(
      [null, 'malignant'],
      { probabilities: tensor('float32', Float32Array.of(0.5, 0.5, 0.7, 0.3), [2, 2]) },
      2,
    );
    const result = metrics.result()!;
    expect(result.labeledRows).toBe(4);
    expect(result.metrics.accuracy).toBeCloseTo(2 / 4, 10);
    expect(result.metrics.precision).toBeCloseTo(1 / 2, 10);
    expect(result.metrics.recall).toBeCloseTo(1 / 2, 10);
    expect(result.metrics.f1).toBeCloseTo(1 / 2, 10);
    const logLoss = -(Math.log(0.9) + Math.log(0.4) + Math.log(0.8) + Math.log(0.3)) / 4;
    expect(result.metrics.log_loss).toBeCloseTo(logLoss, 5);
  });

  it('reads numeric labels as class names', () => {
    const metrics = new MetricsAccumulator({ task: 'classification', classes: ['0', '1'] });
    metrics.add(
      Float64Array.of(0, 1, NaN),
      { probabilities: tensor('float32', Float32Array.of(0.8, 0.2, 0.9, 0.1, 0, 1), [3, 2]) },
      3,
    );
    expect(metrics.result()).toMatchObject({ labeledRows: 2, metrics: { accuracy: 0.5 } });
  });

  it('reads a boolean label column (0/1) as the classes false/true', () => {
    const metrics = new MetricsAccumulator({ task: 'classification', classes: ['false', 'true'] });
    metrics.add(
      Float64Array.of(1, 0, 1),
      { probabilities: tensor('float32', Float32Array.of(0.2, 0.8, 0.6, 0.4, 0.7, 0.3), [3, 2]) },
      3,
    );
    expect(metrics.result()).toMatchObject({ labeledRows: 3, metrics: { accuracy: 2 / 3, recall: 0.5, precision: 1 } });
  });

  it('computes RMSE, MAE and R² for a regressor', () => {
    const metrics = new MetricsAccumulator({ task: 'regression', classes: null });
    metrics.add(Float64Array.of(1, 2, 3, NaN), { value: tensor('float32', Float32Array.of(1.5, 2, 2, 9), [4, 1]) }, 4);
    const result = metrics.result()!;
    expect(result.labeledRows).toBe(3);
    expect(result.metrics.rmse).toBeCloseTo(Math.sqrt((0.25 + 0 + 1) / 3), 6);
    expect(result.metrics.mae).toBeCloseTo(1.5 / 3, 6);
    expect(result.metrics.r2).toBeCloseTo(1 - 1.25 / 2, 6);
  });

  it('has no metrics when no row had a label', () => {
    const metrics = new MetricsAccumulator({ task: 'regression', classes: null });
    metrics.add(Float64Array.of(NaN), { value: tensor('float32', Float32Array.of(1), [1, 1]) }, 1);
    expect(metrics.result()).toBeNull();
  });
});
