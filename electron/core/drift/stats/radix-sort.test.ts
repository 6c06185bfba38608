/** The radix sort gives exactly what Float64Array.prototype.sort gives, signs, zeros and infinities included. */
import { describe, expect, it } from 'vitest';
import { radixSortFloat64, sortFloat64 } from './radix-sort.js';
import { seededRandom } from '../../train/random.js';

describe('sortFloat64', () => {
  it('matches the built-in sort on large arrays with special values and many ties', () => {
    const random = seededRandom(3);
    for (const scale of [1e-300, 1, 1e12]) {
      const values = new Float64Array(50_000).map(() => (random() - 0.4) * scale);
      values.set([-0, 0, Infinity, -Infinity, 5e-324, -5e-324, Number.MAX_VALUE, -Number.MAX_VALUE], 100);
      for (let index = 0; index < 5000; index++) values[1000 + index] = Math.round(random() * 10) - 5;
      const expected = values.slice().sort();
      const actual = sortFloat64(values.slice());
      expect(actual.every((value, index) => Object.is(value, expected[index]))).toBe(true);
    }
  });
  it('sorts small arrays and one-bucket data', () => {
    expect([...sortFloat64(Float64Array.from([3, -1, 2]))]).toEqual([-1, 2, 3]);
    const same = new Float64Array(10_000).fill(7);
    same[5000] = 6;
    expect(sortFloat64(same)[0]).toBe(6);
    expect(sortFloat64(same)[9999]).toBe(7);
  });

  it('matches the built-in sort on skewed, tied, signed-zero and outlier data, and so does the radix fallback', () => {
    const random = seededRandom(5);
    const gaussian = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
    const shapes: Record<string, () => number> = {
      normal: gaussian,
      lognormal: () => Math.exp(3 * gaussian()),
      integers: () => Math.round(random() * 10),
      zeros: () => (random() < 0.5 ? -0 : 0),
      outlier: () => (random() < 1e-4 ? 1e300 * random() : random()),
      nested: () => 10 ** Math.floor(random() * 300 - 150),
      // A range wider than the largest double (max − min overflows): straight to the radix sort.
      wide: () => (random() - 0.5) * 1.5 * Number.MAX_VALUE,
      infinities: () => (random() < 0.01 ? (random() < 0.5 ? -Infinity : Infinity) : gaussian()),
    };
    for (const [name, draw] of Object.entries(shapes)) {
      const values = new Float64Array(60_000).map(draw);
      // A few zeros of both signs (+0 first) inside spread values, so one small bucket must order them.
      if (name === 'normal') values.set([0, 0.5, -0, 0, -0], 30_000);
      const expected = values.slice().sort();
      for (const sort of [sortFloat64, radixSortFloat64]) {
        const actual = sort(values.slice());
        expect(
          actual.every((value, index) => Object.is(value, expected[index])),
          `${name} by ${sort.name}`,
        ).toBe(true);
      }
    }
  });
});
