/**
 * What every part of tracking agrees on: the shapes of logged data, MLflow's limits and key rule, and how
 * metric values are spelled in JSON. Runs, the metric store and the MLflow shell all check against these.
 */
import { LatheError } from '../../../shared/errors.js';

/** One metric point as logged. */
export interface MetricInput {
  key: string;
  value: number;
  step: number;
  timestamp: number;
  /** MLflow 3: the logged model the point measures, and the dataset it was computed on (all optional). */
  modelId?: string;
  datasetName?: string;
  datasetDigest?: string;
}

/** A dataset a run used (MLflow's log-inputs). */
export interface DatasetInput {
  name: string;
  digest: string;
  sourceType: string;
  source: string;
  schema?: string;
  profile?: string;
  tags?: { key: string; value: string }[];
}

/** MLflow's limits (https://mlflow.org/docs/latest/rest-api.html#log-batch). */
export const trackingLimits = {
  keyLength: 250,
  paramValueLength: 6000,
  tagValueLength: 8000,
  batchMetrics: 1000,
  batchParams: 100,
  batchTags: 100,
  batchItems: 1000,
  historyPageSize: 25_000,
  /** Experiments one run search may name (each is a bound SQL value). */
  searchExperimentIds: 1000,
  /** order_by entries one run search may have (each param, tag or metric one joins a table; SQLite joins 64 at most). */
  searchOrderBy: 20,
  /** Values one run search may bind in all (SQLite refuses more than 32,766). */
  searchBoundValues: 30_000,
} as const;

// MLflow's rule for param, metric and tag names: alphanumerics, underscores, periods, dashes, spaces, slashes, colons.
const validKey = /^[/\w.\- :]+$/;

/** Checks a param, metric or tag key the way MLflow does; BAD_INPUT naming the key otherwise. */
export function checkKey(key: unknown, what: string): string {
  if (typeof key !== 'string' || key.length === 0)
    throw new LatheError('BAD_INPUT', `${what} key must be a non-empty string`, { field: 'key' });
  if (key.length > trackingLimits.keyLength)
    throw new LatheError(
      'BAD_INPUT',
      `${what} key "${key.slice(0, 40)}…" is longer than ${trackingLimits.keyLength} characters`,
      { field: 'key' },
    );
  if (!validKey.test(key))
    throw new LatheError(
      'BAD_INPUT',
      `Invalid ${what} key "${key}": only letters, digits, _ - . space / and : are allowed`,
      { field: 'key' },
    );
  if (key.startsWith('/') || key.split('/').some((s) => s === '..' || s === '.'))
    throw new LatheError(
      'BAD_INPUT',
      `Invalid ${what} key "${key}": it must not be an absolute path or contain . or .. segments`,
      { field: 'key' },
    );
  return key;
}

/** A metric value for JSON: NaN and ±Infinity become null (the text field keeps them). */
export function jsonValue(value: number | null): number | null {
  return value === null || !Number.isFinite(value) ? null : value;
}

/** A metric value as text: NaN, Infinity and -Infinity spelled out. */
export function valueText(value: number | null, nan: boolean): string {
  if (nan || value === null) return 'NaN';
  if (value === Infinity) return 'Infinity';
  if (value === -Infinity) return '-Infinity';
  return String(value);
}

/** A param or tag value as a string (numbers and booleans as their text); BAD_INPUT otherwise. */
export function stringValue(value: unknown, what: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new LatheError('BAD_INPUT', `The value of ${what} must be a string`, { field: 'value' });
}
