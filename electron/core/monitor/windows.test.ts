/** Windows by calendar period, batch and row count. */
import { describe, expect, it } from 'vitest';
import { assignWindows, parseTime, periodKey } from './windows.js';

describe('windows', () => {
  it('parses dates and date-times as UTC and keys them by period', () => {
    const time = parseTime('2024-03-07 10:30:00');
    expect(new Date(time).toISOString()).toBe('2024-03-07T10:30:00.000Z');
    expect(periodKey(time, 'daily')).toBe('2024-03-07');
    expect(periodKey(time, 'weekly')).toBe('week of 2024-03-04');
    expect(periodKey(parseTime('2024-03-10'), 'weekly')).toBe('week of 2024-03-04');
    expect(periodKey(time, 'monthly')).toBe('2024-03');
    expect(parseTime('not a date')).toBeNaN();
  });
  it('groups rows by week in time order, by batch, and by row count', () => {
    const times = ['2024-01-15', '2024-01-01', '2024-01-16', null, '2024-01-02'];
    const weekly = assignWindows('weekly', 5, new Int32Array(5), ['b0'], times);
    expect(weekly.map((window) => [window.label, [...window.rows]])).toEqual([
      ['week of 2024-01-01', [1, 4]],
      ['week of 2024-01-15', [0, 2]],
    ]);
    const batches = assignWindows('batch', 4, Int32Array.from([0, 0, 1, 1]), ['a.csv', 'b.csv'], null);
    expect(batches.map((window) => window.label)).toEqual(['a.csv', 'b.csv']);
    const counted = assignWindows({ rows: 10 }, 25, new Int32Array(25), ['b'], null);
    expect(counted.map((window) => [window.label, window.rows.length])).toEqual([
      ['rows 1–10', 10],
      ['rows 11–20', 10],
      ['rows 21–25', 5],
    ]);
  });
});
