import { describe, expect, it } from 'vitest';
import { splitRows } from './split.js';

describe('splitRows', () => {
  it('is seeded, disjoint, complete and stratified', () => {
    const labels = Int32Array.from({ length: 1000 }, (_, i) => (i % 10 === 0 ? 1 : 0));
    const a = splitRows(1000, 3, labels);
    expect(splitRows(1000, 3, labels)).toEqual(a);
    expect(splitRows(1000, 4, labels)).not.toEqual(a);
    const all = [...a.train, ...a.validation, ...a.test].sort((x, y) => x - y);
    expect(all).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    for (const part of [a.train, a.validation, a.test]) {
      const positives = Array.from(part).filter((i) => labels[i] === 1).length;
      expect(positives / part.length).toBeCloseTo(0.1, 2);
    }
  });

  it('refuses too few rows', () => {
    expect(() => splitRows(5, 1)).toThrow(/at least 10 rows/);
  });
});
