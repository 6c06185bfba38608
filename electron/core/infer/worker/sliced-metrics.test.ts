/** Per-slice metrics: each slice's numbers equal the whole-table accumulator run on that slice's rows alone. */
import { describe, expect, it } from 'vitest';
import { MetricsAccumulator } from './scoring-metrics.js';
import { maxSlices, missingSliceValue, SlicedMetrics } from './sliced-metrics.js';

const tensor = (type: 'float32' | 'string', data: Float32Array | string[], dims: number[]) =>
  ({ type, data, dims }) as never;

describe('SlicedMetrics', () => {
  it('splits rows by slice value across batches, as separate accumulators would', () => {
    const spec = { task: 'classification' as const, classes: ['no', 'yes'] };
    const sliced = new SlicedMetrics('region', spec);
    // Batch 1: rows a, b, a; batch 2: b, missing.
    sliced.add(
      ['a', 'b', 'a'],
      ['yes', 'no', 'no'],
      { probabilities: tensor('float32', Float32Array.of(0.2, 0.8, 0.3, 0.7, 0.6, 0.4), [3, 2]) },
      3,
    );
    sliced.add(
      ['b', null],
      ['yes', 'yes'],
      { probabilities: tensor('float32', Float32Array.of(0.1, 0.9, 0.9, 0.1), [2, 2]) },
      2,
    );
    const { slices, truncated } = sliced.result();
    expect(truncated).toBe(false);
    const byValue = Object.fromEntries(slices.map((slice) => [slice.value, slice]));
    expect(Object.keys(byValue).sort()).toEqual([missingSliceValue, 'a', 'b']);
    const alone = new MetricsAccumulator(spec);
    alone.add(['no', 'yes'], { probabilities: tensor('float32', Float32Array.of(0.3, 0.7, 0.1, 0.9), [2, 2]) }, 2);
    expect(byValue.b).toMatchObject({ rows: 2, ...alone.result() });
    expect(byValue.a!.metrics.accuracy).toBe(1);
    expect(byValue.b!.metrics.accuracy).toBe(0.5);
    expect(byValue[missingSliceValue]).toMatchObject({ rows: 1, metrics: { accuracy: 0 } });
  });

  it('slices a regressor by a numeric column and stops tracking past the slice limit', () => {
    const sliced = new SlicedMetrics('bucket', { task: 'regression', classes: null });
    sliced.add(
      Float64Array.of(1, 2, 1),
      Float64Array.of(1, 2, 3),
      { value: tensor('float32', Float32Array.of(2, 2, 3), [3, 1]) },
      3,
    );
    const byValue = Object.fromEntries(sliced.result().slices.map((slice) => [slice.value, slice]));
    expect(byValue['1']!.metrics).toMatchObject({ mae: 0.5, rmse: Math.sqrt(0.5) });
    expect(byValue['2']!.metrics).toMatchObject({ mae: 0, rmse: 0 });
    const many = new SlicedMetrics('id', { task: 'regression', classes: null });
    const rows = maxSlices + 5;
    many.add(
      Float64Array.from({ length: rows }, (_, i) => i),
      new Float64Array(rows),
      { value: tensor('float32', new Float32Array(rows), [rows, 1]) },
      rows,
    );
    expect(many.result()).toMatchObject({ truncated: true });
    expect(many.result().slices).toHaveLength(maxSlices);
  });
});
