/** Cutting a stream's rows into windows: calendar periods of a time column (UTC), batches, or every N rows. */
import type { MonitorWindowing } from '../../../shared/contract/index.js';

/** Parses a time cell (ISO date or date-time; no zone means UTC); NaN when it is not a time. */
export function parseTime(text: string | null): number {
  if (text === null) return Number.NaN;
  const trimmed = text.trim();
  if (/^\d{4}-\d{2}-\d{2}$/.test(trimmed)) return Date.parse(`${trimmed}T00:00:00Z`);
  const iso = trimmed.replace(' ', 'T');
  return Date.parse(/[zZ]|[+-]\d{2}:?\d{2}$/.test(iso) ? iso : `${iso}Z`);
}

/** The window key of a time: YYYY-MM-DD (daily), the Monday of its ISO week (weekly), YYYY-MM (monthly). */
export function periodKey(time: number, period: 'daily' | 'weekly' | 'monthly'): string {
  const date = new Date(time);
  if (period === 'monthly') return date.toISOString().slice(0, 7);
  if (period === 'daily') return date.toISOString().slice(0, 10);
  const day = (date.getUTCDay() + 6) % 7; // Monday = 0
  const monday = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate() - day));
  return `week of ${monday.toISOString().slice(0, 10)}`;
}

/** Row indices per window, windows in order. Rows without a readable time are left out. */
export function assignWindows(
  windowing: MonitorWindowing,
  rows: number,
  batchOfRow: Int32Array,
  batchNames: string[],
  times: (string | null)[] | null,
): { label: string; rows: Int32Array }[] {
  const groups = new Map<string, number[]>();
  const order: string[] = [];
  for (let row = 0; row < rows; row++) {
    let key: string;
    if (typeof windowing === 'object') key = `rows ${Math.floor(row / windowing.rows) * windowing.rows + 1}–`;
    else if (windowing === 'batch') key = batchNames[batchOfRow[row]!]!;
    else {
      const time = parseTime(times![row]!);
      if (Number.isNaN(time)) continue;
      key = periodKey(time, windowing);
    }
    let group = groups.get(key);
    if (!group) {
      group = [];
      groups.set(key, group);
      order.push(key);
    }
    group.push(row);
  }
  if (typeof windowing === 'string' && windowing !== 'batch') order.sort();
  return order.map((label) => {
    const members = groups.get(label)!;
    const name = typeof windowing === 'object' ? `${label}${members[members.length - 1]! + 1}` : label;
    return { label: name, rows: Int32Array.from(members) };
  });
}
