import { describe, expect, it } from 'vitest';
import { durationText, runIsActive, shortId, stepCountsText, stepIsActive, valueRows } from './run-format';

describe('pipeline page wording', () => {
  it('says how long a step took, and counts up while it runs', () => {
    expect(durationText(null, null)).toBe('–');
    expect(durationText(1000, 1850)).toBe('850 ms');
    expect(durationText(0, 12_400)).toBe('12s');
    expect(durationText(0, 245_000)).toBe('4m05s');
    expect(durationText(0, 7_620_000)).toBe('2h07m');
    expect(durationText(10_000, null, 70_000)).toBe('1m00s');
  });

  it('knows which runs and steps can still change', () => {
    expect(runIsActive('queued')).toBe(true);
    expect(runIsActive('running')).toBe(true);
    expect(runIsActive('cancelled')).toBe(false);
    expect(stepIsActive('retrying')).toBe(true);
    expect(stepIsActive('pending')).toBe(false);
    expect(stepIsActive('reused')).toBe(false);
  });

  it('shows inputs and outputs as rows, strings kept bare so they can become links', () => {
    expect(
      valueRows({
        dataset: 'customers@2',
        rows: 120,
        passed: true,
        missing: null,
        columns: ['a', 'b'],
        metrics: { accuracy: 0.9 },
      }),
    ).toEqual([
      { key: 'dataset', text: 'customers@2', reference: 'customers@2' },
      { key: 'rows', text: '120', reference: null },
      { key: 'passed', text: 'true', reference: null },
      { key: 'missing', text: '–', reference: null },
      { key: 'columns', text: 'a, b', reference: null },
      { key: 'metrics', text: '{"accuracy":0.9}', reference: null },
    ]);
    expect(valueRows(null)).toEqual([]);
  });

  it('shortens ids and sums up step counts, leaving out empty states', () => {
    expect(shortId('0123456789abcdef')).toBe('01234567');
    expect(shortId('abc')).toBe('abc');
    expect(stepCountsText({ succeeded: 3, running: 1, failed: 0 })).toBe('3 succeeded · 1 running');
  });
});
