/**
 * Pure wording for pipeline pages: durations, whether a run or step is still moving, how a step's input
 * or output value reads and which page it names. Kept free of React so it is unit-tested directly.
 */
import type { PipelineRunStatus, PipelineStepStatus } from '../../../../shared/contract/index';

/** True while a run can still change (and can be cancelled). */
export function runIsActive(status: PipelineRunStatus): boolean {
  return status === 'queued' || status === 'running';
}

/** True while a step can still log lines. */
export function stepIsActive(status: PipelineStepStatus): boolean {
  return status === 'running' || status === 'retrying';
}

/** A span of time as people read it: "850 ms", "12s", "4m05s", "2h07m"; a running one counts up to `now`. */
export function durationText(startedAt: number | null, endedAt: number | null, now = Date.now()): string {
  if (startedAt === null) return '–';
  const milliseconds = Math.max(0, (endedAt ?? now) - startedAt);
  if (milliseconds < 1000) return `${Math.round(milliseconds)} ms`;
  const seconds = Math.round(milliseconds / 1000);
  if (seconds < 60) return `${seconds}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, '0')}s`;
  return `${Math.floor(seconds / 3600)}h${String(Math.floor((seconds % 3600) / 60)).padStart(2, '0')}m`;
}

/** A moment as a short local date and time; null reads as a dash. */
export function timeText(at: number | null): string {
  if (at === null) return '–';
  return new Date(at).toLocaleString(undefined, {
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
}

/** The first characters of a run id, enough to tell runs apart on a page. */
export function shortId(id: string): string {
  return id.length > 8 ? id.slice(0, 8) : id;
}

/** One input or output of a step as a row: its key, its text, and the text a link may be made from. */
export interface ValueRow {
  key: string;
  text: string;
  /** A plain string value (what `routeOfValue` may turn into a link), else null. */
  reference: string | null;
}

/**
 * The rows of a step's inputs or outputs: scalars as they are, strings bare (so `customers@2` can become a
 * link), lists of scalars joined, and anything nested as compact JSON. Keys keep the order they came in.
 */
export function valueRows(values: Record<string, unknown> | null): ValueRow[] {
  if (!values) return [];
  return Object.entries(values).map(([key, value]) => {
    if (typeof value === 'string') return { key, text: value, reference: value };
    if (value === null || value === undefined) return { key, text: '–', reference: null };
    if (typeof value === 'number' || typeof value === 'boolean') return { key, text: String(value), reference: null };
    if (Array.isArray(value) && value.every((item) => ['string', 'number', 'boolean'].includes(typeof item)))
      return { key, text: value.map(String).join(', '), reference: null };
    return { key, text: JSON.stringify(value), reference: null };
  });
}

/** How many of a run's steps are in each state, as "3 succeeded · 1 running" (states with none left out). */
export function stepCountsText(counts: Record<string, number>): string {
  return Object.entries(counts)
    .filter(([, count]) => count > 0)
    .map(([status, count]) => `${count} ${status}`)
    .join(' · ');
}
