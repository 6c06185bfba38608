/** Test selection per column (Evidently's defaults), overrides, verdicts for bad input, and the stored shares. */
import { describe, expect, it } from 'vitest';
import { bySeverity, columnDrift, defaultTest, histogramCounts, equalWidthEdges } from './column-drift.js';
import { ksTwoSample } from './stats/ks.js';
import { wasserstein } from './stats/distances.js';

function numbers(count: number, at: (index: number) => number): Float64Array {
  return Float64Array.from({ length: count }, (_, index) => at(index));
}
const spread = (count: number, shift = 0) => numbers(count, (index) => ((index * 37) % 101) / 10 + shift);

describe('test selection', () => {
  it('follows Evidently: p-value tests up to 1,000 reference rows, distances above', () => {
    expect(defaultTest('numeric', 1000)).toBe('ks');
    expect(defaultTest('categorical', 500)).toBe('chisquare');
    expect(defaultTest('binary', 10)).toBe('z');
    expect(defaultTest('numeric', 1001)).toBe('wasserstein');
    expect(defaultTest('categorical', 5000)).toBe('jensenshannon');
  });

  it("uses KS on a small numeric column and reports scipy's values", () => {
    const reference = spread(300);
    const current = spread(200, 1.5);
    const result = columnDrift({ column: 'x', referenceType: 'float', currentType: 'float', reference, current }, 300);
    const expected = ksTwoSample(reference, current);
    expect(result).toMatchObject({
      kind: 'numeric',
      test: 'ks',
      verdict: 'drift',
      thresholdKind: 'pvalue',
      threshold: 0.05,
    });
    expect(result.statistic).toBe(expected.statistic);
    expect(result.pvalue).toBe(expected.pvalue);
    expect(result.distribution?.kind).toBe('histogram');
  });

  it('uses Wasserstein over the reference std on a large numeric column', () => {
    const reference = spread(3000);
    const current = spread(3000, 0.2);
    const result = columnDrift({ column: 'x', referenceType: 'float', currentType: 'float', reference, current }, 3000);
    let mean = 0;
    reference.forEach((value) => (mean += value / reference.length));
    const std = Math.sqrt(reference.reduce((sum, value) => sum + (value - mean) ** 2, 0) / reference.length);
    expect(result.test).toBe('wasserstein');
    expect(result.statistic).toBeCloseTo(wasserstein(reference, current) / std, 12);
    expect(result.verdict).toBe((result.statistic as number) >= 0.1 ? 'drift' : 'no_drift');
  });

  it('treats numbers with at most 5 values as categories and 2 values as binary', () => {
    const fiveValues = numbers(100, (index) => index % 5);
    const categorical = columnDrift(
      { column: 'c', referenceType: 'integer', currentType: 'integer', reference: fiveValues, current: fiveValues },
      100,
    );
    expect(categorical).toMatchObject({ kind: 'categorical', test: 'chisquare', verdict: 'no_drift', pvalue: 1 });
    const twoValues = numbers(100, (index) => index % 2);
    const shifted = numbers(100, (index) => (index % 4 === 0 ? 0 : 1));
    const binary = columnDrift(
      { column: 'b', referenceType: 'boolean', currentType: 'boolean', reference: twoValues, current: shifted },
      100,
    );
    expect(binary).toMatchObject({ kind: 'binary', test: 'z', verdict: 'drift' });
  });

  it('honours a per-column test and threshold', () => {
    const reference = spread(300);
    const current = spread(300, 0.05);
    const result = columnDrift(
      { column: 'x', referenceType: 'float', currentType: 'float', reference, current, test: 'psi', threshold: 0.5 },
      300,
    );
    expect(result).toMatchObject({ test: 'psi', threshold: 0.5, thresholdKind: 'distance', verdict: 'no_drift' });
  });
});

describe('bad input gives a verdict, never NaN', () => {
  const base = { column: 'x', referenceType: 'float', currentType: 'float' };
  it('differing types', () => {
    const result = columnDrift(
      { ...base, currentType: 'categorical', reference: spread(10), current: ['a', 'b', null] },
      10,
    );
    expect(result.verdict).toBe('type_mismatch');
    expect(result.note).toMatch(/float in the reference but categorical/);
    expect(result.statistic).toBeNull();
  });
  it('all-missing column', () => {
    const result = columnDrift({ ...base, reference: spread(10), current: numbers(5, () => Number.NaN) }, 10);
    expect(result).toMatchObject({ verdict: 'no_values', currentMissing: 5, statistic: null, pvalue: null });
    expect(result.note).toMatch(/missing in the current set/);
  });
  it('constant column, same value in both sets', () => {
    const constant = numbers(50, () => 3);
    const result = columnDrift({ ...base, reference: constant, current: constant }, 50);
    expect(result).toMatchObject({ verdict: 'no_drift', statistic: 0, pvalue: 1 });
  });
  it('constant reference, numeric current, large sets: distance still finite', () => {
    const result = columnDrift({ ...base, reference: numbers(2000, () => 1), current: spread(2000) }, 2000);
    expect(result.test).toBe('wasserstein');
    expect(Number.isFinite(result.statistic)).toBe(true);
    expect(result.note).toMatch(/constant/);
    expect(result.verdict).toBe('drift');
  });
  it('categories only in the current set: infinite chi-square, p = 0, named', () => {
    const reference = Array.from({ length: 60 }, (_, index) => ['red', 'green', 'blue'][index % 3]!);
    const current = [...reference.slice(0, 50), 'purple', 'purple', null];
    const result = columnDrift(
      { column: 'colour', referenceType: 'categorical', currentType: 'categorical', reference, current },
      60,
    );
    expect(result).toMatchObject({
      test: 'chisquare',
      statistic: 'inf',
      pvalue: 0,
      verdict: 'drift',
      currentMissing: 1,
    });
    expect(result.newCategories).toEqual(['purple']);
    expect(result.note).toMatch(/only in the current set: purple/);
    expect(JSON.stringify(result)).not.toMatch(/NaN|null,"pvalue":null/);
  });
  it('KS asked for on text', () => {
    const result = columnDrift(
      {
        column: 't',
        referenceType: 'text',
        currentType: 'text',
        reference: ['a', 'b', 'c'],
        current: ['a'],
        test: 'ks',
      },
      3,
    );
    expect(result).toMatchObject({ verdict: 'not_tested', test: 'ks' });
  });
});

describe('histogram counts and ordering', () => {
  it('counts like numpy.histogram, last bin closed', () => {
    const edges = equalWidthEdges(0, 4, 4);
    expect(edges).toEqual([0, 1, 2, 3, 4]);
    expect(histogramCounts(Float64Array.from([0, 0.5, 1, 2.5, 3, 4, 4]), edges)).toEqual([2, 1, 1, 3]);
  });
  it('sorts drifting columns first, by severity', () => {
    const make = (column: string, verdict: 'drift' | 'no_drift' | 'no_values', severity: number) =>
      ({ column, verdict, severity }) as Parameters<typeof bySeverity>[0];
    const sorted = [make('a', 'no_drift', 0.9), make('b', 'drift', 2), make('c', 'no_values', 0), make('d', 'drift', 9)]
      .sort(bySeverity)
      .map((column) => column.column);
    expect(sorted).toEqual(['d', 'b', 'a', 'c']);
  });
});

describe('free text and a reference sorted once', () => {
  it('a text column of nearly all distinct values is not chi-square tested, with the reason; a chosen test still runs', () => {
    const notes = Array.from({ length: 200 }, (_, index) => `note ${index}`);
    const current = Array.from({ length: 100 }, (_, index) => `other note ${index}`);
    const input = {
      column: 'notes',
      referenceType: 'categorical',
      currentType: 'categorical',
      reference: notes,
      current,
    };
    const result = columnDrift(input, 200);
    expect(result).toMatchObject({ verdict: 'not_tested', test: null, statistic: null });
    expect(result.note).toBe(
      'free text: 200 of 200 reference values are distinct, so it is not tested as categories (choose a test to force one)',
    );
    expect(columnDrift({ ...input, test: 'chisquare' }, 200)).toMatchObject({ test: 'chisquare', verdict: 'drift' });
    // Repeating categories stay categorical, and so does a tiny all-distinct sample.
    const colours = Array.from({ length: 200 }, (_, index) => `colour ${index % 30}`);
    expect(columnDrift({ ...input, reference: colours, current: colours }, 200).test).toBe('chisquare');
    expect(columnDrift({ ...input, reference: ['a', 'b', 'c'], current: ['a', 'b', 'd'] }, 3).test).toBe('chisquare');
  });

  it('a presorted reference gives the same result as sorting it here', () => {
    const reference = spread(500);
    const current = spread(300, 0.4);
    const input = { column: 'x', referenceType: 'float', currentType: 'float', reference, current };
    const sorted = Float64Array.from(reference).sort();
    expect(columnDrift({ ...input, referenceSorted: sorted }, 500)).toEqual(columnDrift(input, 500));
  });
});
