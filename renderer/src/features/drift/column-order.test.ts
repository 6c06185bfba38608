import { describe, expect, it } from 'vitest';
import type { ColumnDrift } from '../../../../shared/contract/index';
import { looksLikeFreeText, orderDriftColumns } from './column-order';

function column(name: string, verdict: ColumnDrift['verdict'], severity: number, extra: Partial<ColumnDrift> = {}) {
  return {
    column: name,
    kind: 'numeric',
    referenceType: 'DOUBLE',
    currentType: 'DOUBLE',
    test: 'ks',
    thresholdKind: 'pvalue',
    statistic: 0.1,
    pvalue: 0.2,
    threshold: 0.05,
    verdict,
    severity,
    note: null,
    referenceMissing: 0,
    currentMissing: 0,
    newCategories: [],
    distribution: null,
    ...extra,
  } satisfies ColumnDrift;
}

const notes = column('notes', 'drift', 1000, {
  kind: 'categorical',
  test: 'chisquare',
  statistic: 'inf',
  distribution: {
    kind: 'categories',
    categories: ['Customer 1 asked about billing', 'Customer 2 asked about a refund', '(410 more)'],
    reference: [0.0025, 0.0025, 0.95],
    current: [0, 0, 1],
  },
});
const plan = column('plan', 'drift', 6.3, {
  kind: 'categorical',
  test: 'chisquare',
  distribution: {
    kind: 'categories',
    categories: ['basic', 'plus', 'pro'],
    reference: [0.5, 0.3, 0.2],
    current: [0.4, 0.3, 0.3],
  },
});

describe('looksLikeFreeText', () => {
  it('reads a categorical column with most rows beyond its top categories as free text', () => {
    expect(looksLikeFreeText(notes)).toBe(true);
  });
  it('keeps a real categorical column and numeric columns', () => {
    expect(looksLikeFreeText(plan)).toBe(false);
    expect(looksLikeFreeText(column('age', 'drift', 3))).toBe(false);
    const fewRare = { ...notes, distribution: { ...notes.distribution!, reference: [0.5, 0.3, 0.2] } };
    expect(looksLikeFreeText(fewRare as ColumnDrift)).toBe(false);
  });
});

describe('orderDriftColumns', () => {
  it('puts drifting columns first by severity, free text after the tested ones, untested last', () => {
    const ordered = orderDriftColumns([
      notes,
      column('signup_date', 'not_tested', 0, { kind: null, test: null }),
      column('income', 'no_drift', 0.9),
      plan,
      column('age', 'drift', 2),
      column('zip', 'no_drift', 0.1),
    ]);
    expect(ordered.map((c) => c.column)).toEqual(['plan', 'age', 'income', 'zip', 'notes', 'signup_date']);
  });
});
