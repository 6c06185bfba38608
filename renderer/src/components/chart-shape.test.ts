import { describe, expect, it } from 'vitest';
import { axisNumber, lonePointSeries, valueRange } from './chart-shape';

describe('lonePointSeries', () => {
  it('names line series with a single drawable point, in every data shape', () => {
    expect(
      lonePointSeries({
        series: [
          { type: 'line', name: 'loss', data: [[0, 0.5]] },
          {
            type: 'line',
            name: 'val_loss',
            data: [
              [0, 0.6],
              [1, 0.5],
            ],
          },
          { type: 'line', name: 'accuracy', data: [null, 0.9, null] },
          { type: 'line', name: 'f1', data: [{ value: [3, 0.7] }] },
          { type: 'bar', name: 'counts', data: [4] },
        ],
      }),
    ).toEqual(['loss', 'accuracy', 'f1']);
  });

  it('finds nothing when every line has two points or none', () => {
    expect(lonePointSeries({ series: [{ type: 'line', name: 'loss', data: [1, 2] }] })).toEqual([]);
    expect(lonePointSeries({ series: [{ type: 'line', name: 'loss', data: [] }] })).toEqual([]);
    expect(lonePointSeries({})).toEqual([]);
  });
});

describe('valueRange', () => {
  it('covers every series, so a validation curve above the training curve stays in view', () => {
    const range = valueRange([
      {
        data: [
          [1, 0.72],
          [2, 0.718],
        ],
      },
      {
        data: [
          [1, 0.93],
          [2, 0.69],
        ],
      },
    ])!;
    expect(range.min).toBeLessThan(0.69);
    expect(range.max).toBeGreaterThan(0.93);
  });

  it('widens to round steps', () => {
    expect(
      valueRange([
        {
          data: [
            [1, 0.6866],
            [2, 0.7441],
          ],
        },
      ]),
    ).toEqual({ min: 0.68, max: 0.76 });
    expect(
      valueRange([
        {
          data: [
            [1, 3],
            [2, 97],
          ],
        },
      ]),
    ).toEqual({ min: 0, max: 100 });
  });

  it('pads a flat line and ignores gaps', () => {
    const range = valueRange([
      {
        data: [
          [1, 2],
          [2, null],
          [3, 2],
        ],
      },
    ])!;
    expect(range.min).toBeLessThan(2);
    expect(range.max).toBeGreaterThan(2);
    expect(valueRange([{ data: [[1, null]] }])).toBeNull();
  });
});

describe('axisNumber', () => {
  it('keeps labels short: exponents for tiny and huge values, 4 significant digits otherwise', () => {
    expect(axisNumber(1.2e-7)).toBe('1.2e-7');
    expect(axisNumber(1.13249e-7)).toBe('1.13e-7');
    expect(axisNumber(0.000001)).toBe('1e-6');
    expect(axisNumber(0.852915)).toBe('0.8529');
    expect(axisNumber(1323.6524)).toBe('1324');
    expect(axisNumber(25_000_000)).toBe('2.5e+7');
    expect(axisNumber(0)).toBe('0');
    expect(axisNumber(-0.0000596)).toBe('-5.96e-5');
  });
});
