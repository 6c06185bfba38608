/**
 * Tracking: runs of experiments with params (set once), tags, metrics (appended points) and artifacts
 * (objects in the content-addressed store under run-relative paths). The MLflow REST API, the contract
 * handlers, the CLI and training all go through this one service.
 */
import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import type {
  ArtifactEntry,
  LatestMetric,
  MetricPoint,
  Run,
  RunDetail,
  RunStatus,
} from '../../../shared/contract/index.js';
import { LatheError } from '../../../shared/errors.js';
import type { EventBus } from '../events.js';
import type { ExperimentService } from '../experiments/experiment-service.js';
import type { ObjectStore } from '../objects/object-store.js';
import type { Db } from '../store/database.js';
import { checkArtifactPath } from './artifact-path.js';
import { lttbIndices } from './lttb.js';
import { unreferencedObjects } from '../objects/object-references.js';
import { decodePageToken, encodePageToken, filterToSql, orderToSql } from './run-search.js';

/** One metric point as logged. */
export interface MetricInput {
  key: string;
  value: number;
  step: number;
  timestamp: number;
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

/** Options of {@link TrackingService.searchRuns}. */
export interface SearchOptions {
  experimentIds: string[];
  filter?: string;
  orderBy?: readonly string[];
  maxResults?: number;
  pageToken?: string;
  /** Skip this many matches; pageToken wins when both are given. */
  offset?: number;
  lifecycle?: 'active' | 'deleted' | 'all';
  withTotal?: boolean;
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
} as const;

/** Metric rows per multi-row INSERT. */
const metricRowsPerInsert = 100;

/** Points per metric tile, one level each, finest first (see migration 002). */
const tileSizes = [64, 256, 2048] as const;

interface RunRow {
  key: number;
  id: string;
  experiment_id: number;
  name: string;
  status: RunStatus;
  start_time: number;
  end_time: number | null;
  user_id: string;
  lifecycle_stage: 'active' | 'deleted';
}

interface SeriesRow {
  count: number;
  latest_step: number;
  latest_timestamp: number;
  latest_value: number | null;
  latest_nan: number;
}

interface TileRow {
  n: number;
  first_step: number | null;
  first_timestamp: number | null;
  first_value: number | null;
  last_step: number | null;
  last_timestamp: number | null;
  last_value: number | null;
  min_step: number | null;
  min_timestamp: number | null;
  min_value: number | null;
  max_step: number | null;
  max_timestamp: number | null;
  max_value: number | null;
}

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

const adjectives = [
  'amber',
  'bold',
  'brisk',
  'calm',
  'clever',
  'crisp',
  'dapper',
  'eager',
  'fleet',
  'gentle',
  'keen',
  'lucid',
  'merry',
  'nimble',
  'quiet',
  'rapid',
  'sly',
  'steady',
  'sunny',
  'witty',
];
const animals = [
  'ant',
  'bass',
  'crane',
  'doe',
  'eel',
  'finch',
  'gull',
  'hare',
  'ibis',
  'jay',
  'koi',
  'lark',
  'mole',
  'newt',
  'owl',
  'panda',
  'quail',
  'robin',
  'seal',
  'wren',
];

function randomRunName(): string {
  const pick = <T>(list: T[]) => list[Math.floor(Math.random() * list.length)]!;
  return `${pick(adjectives)}-${pick(animals)}-${Math.floor(Math.random() * 1000)}`;
}

/** A metric value for JSON: NaN and ±Infinity become null (the text field keeps them). */
export function jsonValue(value: number | null): number | null {
  return value === null || !Number.isFinite(value) ? null : value;
}

function valueText(value: number | null, nan: boolean): string {
  if (nan || value === null) return 'NaN';
  if (value === Infinity) return 'Infinity';
  if (value === -Infinity) return '-Infinity';
  return String(value);
}

/** Runs, their data and their artifacts. */
export class TrackingService {
  private pendingMetricRuns = new Map<string, string>();
  private metricTimer: NodeJS.Timeout | undefined;
  private readonly insertMetric;
  private readonly insertMetrics;
  private readonly selectSeries;
  private readonly upsertSeries;
  private readonly selectTile;
  private readonly upsertTile;
  private readonly runByIdStatement;

  constructor(
    private readonly db: Db,
    private readonly objects: ObjectStore,
    private readonly events: EventBus,
    private readonly experiments: ExperimentService,
  ) {
    this.insertMetric = db.prepare('INSERT INTO metrics (run_key, key, step, timestamp, value) VALUES (?, ?, ?, ?, ?)');
    this.insertMetrics = db.prepare(
      `INSERT INTO metrics (run_key, key, step, timestamp, value) VALUES ${Array(metricRowsPerInsert).fill('(?, ?, ?, ?, ?)').join(', ')}`,
    );
    this.selectSeries = db.prepare<[number, string], SeriesRow>(
      'SELECT count, latest_step, latest_timestamp, latest_value, latest_nan FROM metric_series WHERE run_key = ? AND key = ?',
    );
    this.upsertSeries = db.prepare(
      `INSERT INTO metric_series (run_key, key, count, latest_step, latest_timestamp, latest_value, latest_nan) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (run_key, key) DO UPDATE SET count = excluded.count, latest_step = excluded.latest_step,
         latest_timestamp = excluded.latest_timestamp, latest_value = excluded.latest_value, latest_nan = excluded.latest_nan`,
    );
    this.selectTile = db.prepare<[number, string, number, number], TileRow>(
      'SELECT * FROM metric_tiles WHERE run_key = ? AND key = ? AND size = ? AND tile = ?',
    );
    this.upsertTile = db.prepare(
      `INSERT OR REPLACE INTO metric_tiles (run_key, key, size, tile, n, first_step, first_timestamp, first_value, last_step, last_timestamp, last_value,
         min_step, min_timestamp, min_value, max_step, max_timestamp, max_value) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.runByIdStatement = db.prepare<[string], RunRow>('SELECT * FROM runs WHERE id = ?');
  }

  // ---- runs -------------------------------------------------------------------------------------

  /** Starts a run in an active experiment. A run without a name gets a random one (and the mlflow.runName tag). */
  createRun(input: {
    experimentId: string;
    name?: string;
    tags?: Record<string, string>;
    startTime?: number;
    userId?: string;
  }): Run {
    // A plain lookup: ExperimentService.get also counts the experiment's runs, which grows with every run.
    const experiment = this.db
      .prepare<[string], { id: number; name: string; lifecycle_stage: string }>(
        'SELECT id, name, lifecycle_stage FROM experiments WHERE id = ?',
      )
      .get(input.experimentId);
    if (!experiment)
      throw new LatheError('NOT_FOUND', `No experiment with id ${input.experimentId}`, {
        field: 'experiment_id',
        id: input.experimentId,
      });
    if (experiment.lifecycle_stage !== 'active') {
      throw new LatheError(
        'BAD_INPUT',
        `Experiment ${experiment.id} "${experiment.name}" is deleted; restore it before starting runs in it`,
        { field: 'experiment_id' },
      );
    }
    const tags = { ...(input.tags ?? {}) };
    const name = (input.name?.trim() || tags['mlflow.runName']?.trim() || randomRunName()).slice(0, 250);
    tags['mlflow.runName'] = name;
    const id = randomUUID().replace(/-/g, '');
    const startTime = input.startTime ?? Date.now();
    if (!Number.isSafeInteger(startTime) || startTime < 0)
      throw new LatheError('BAD_INPUT', 'start_time must be a non-negative integer (milliseconds)', {
        field: 'start_time',
      });
    this.db.transaction(() => {
      this.db
        .prepare(
          "INSERT INTO runs (id, experiment_id, name, status, start_time, user_id) VALUES (?, ?, ?, 'RUNNING', ?, ?)",
        )
        .run(id, experiment.id, name, startTime, input.userId ?? '');
      this.writeTags(this.runRow(id), tags);
    })();
    this.events.emit('runs.changed', { experimentId: String(experiment.id), runIds: [id], change: 'created' });
    return this.getRun(id);
  }

  /** One run; NOT_FOUND when there is none. */
  getRun(runId: string): Run {
    return toRun(this.runRow(runId));
  }

  /** One run with its params, tags and latest metrics. */
  getRunDetail(runId: string): RunDetail {
    const row = this.runRow(runId);
    return this.details([row])[0]!;
  }

  /** Sets status, end time or name (MLflow's runs/update). */
  updateRun(runId: string, changes: { status?: RunStatus; endTime?: number | null; name?: string }): Run {
    const row = this.runRow(runId);
    this.db.transaction(() => {
      if (changes.status !== undefined)
        this.db.prepare('UPDATE runs SET status = ? WHERE key = ?').run(changes.status, row.key);
      if (changes.endTime !== undefined)
        this.db.prepare('UPDATE runs SET end_time = ? WHERE key = ?').run(changes.endTime, row.key);
      // writeTags keeps the run's name in step with its mlflow.runName tag.
      if (changes.name !== undefined && changes.name.trim() !== '')
        this.writeTags(row, { 'mlflow.runName': changes.name.trim() });
    })();
    this.changed(row, 'updated');
    return this.getRun(runId);
  }

  /** Ends a run with a terminal status and the current time. */
  endRun(runId: string, status: 'FINISHED' | 'FAILED' | 'KILLED'): Run {
    return this.updateRun(runId, { status, endTime: Date.now() });
  }

  /** Marks runs deleted (MLflow's soft delete; restorable). */
  deleteRun(runId: string): Run {
    const row = this.runRow(runId);
    this.db
      .prepare("UPDATE runs SET lifecycle_stage = 'deleted', deleted_time = ? WHERE key = ?")
      .run(Date.now(), row.key);
    this.changed(row, 'deleted');
    return this.getRun(runId);
  }

  /** Brings a soft-deleted run back. */
  restoreRun(runId: string): Run {
    const row = this.runRow(runId);
    this.db.prepare("UPDATE runs SET lifecycle_stage = 'active', deleted_time = NULL WHERE key = ?").run(row.key);
    this.changed(row, 'restored');
    return this.getRun(runId);
  }

  /** Deletes runs for good: their rows, metrics and artifacts, then the objects nothing references any more. */
  purgeRuns(runIds: readonly string[]): { runs: number; objectsRemoved: number; bytesFreed: number } {
    const rows = runIds.map((id) => this.runRow(id));
    const hashes: string[] = [];
    this.db.transaction(() => {
      for (const row of rows) {
        for (const { object_hash } of this.db
          .prepare<[number], { object_hash: string }>('SELECT object_hash FROM run_artifacts WHERE run_key = ?')
          .all(row.key)) {
          hashes.push(object_hash);
        }
        this.db.prepare('DELETE FROM metrics WHERE run_key = ?').run(row.key);
        this.db.prepare('DELETE FROM metric_tiles WHERE run_key = ?').run(row.key);
        this.db.prepare('DELETE FROM runs WHERE key = ?').run(row.key);
      }
    })();
    const { removed, bytes } = this.removeUnreferenced(hashes);
    const byExperiment = new Map<number, string[]>();
    for (const row of rows)
      byExperiment.set(row.experiment_id, [...(byExperiment.get(row.experiment_id) ?? []), row.id]);
    for (const [experimentId, ids] of byExperiment)
      this.events.emit('runs.changed', { experimentId: String(experimentId), runIds: ids, change: 'purged' });
    return { runs: rows.length, objectsRemoved: removed, bytesFreed: bytes };
  }

  // ---- params, tags, metrics ---------------------------------------------------------------------

  /** Logs params; a key logged again with a different value is BAD_INPUT (params never change once set). */
  logParams(runId: string, params: Record<string, string>): void {
    this.logBatch(runId, { params: Object.entries(params).map(([key, value]) => ({ key, value })) });
  }

  /** Sets (or overwrites) tags. */
  setTags(runId: string, tags: Record<string, string>): void {
    this.logBatch(runId, { tags: Object.entries(tags).map(([key, value]) => ({ key, value })) });
  }

  /** Removes a tag; NOT_FOUND when the run has no such tag. */
  deleteTag(runId: string, key: string): void {
    const row = this.activeRunRow(runId);
    const info = this.db.prepare('DELETE FROM run_tags WHERE run_key = ? AND key = ?').run(row.key, key);
    if (info.changes === 0) throw new LatheError('NOT_FOUND', `Run ${runId} has no tag "${key}"`, { field: 'key' });
    this.changed(row, 'updated');
  }

  /** Appends metric points (one transaction). NaN and ±Infinity are stored as such. */
  logMetrics(runId: string, points: readonly MetricInput[]): void {
    this.logBatch(runId, { metrics: points });
  }

  /** Logs metrics, params and tags in one transaction: all of it is stored, or none. */
  logBatch(
    runId: string,
    batch: {
      metrics?: readonly MetricInput[];
      params?: readonly { key: string; value: string }[];
      tags?: readonly { key: string; value: string }[];
    },
  ): void {
    const row = this.activeRunRow(runId);
    const metrics = batch.metrics ?? [];
    const params = batch.params ?? [];
    const tags = batch.tags ?? [];
    checkMetrics(metrics);
    const paramMap = new Map<string, string>();
    for (const { key, value } of params) {
      checkKey(key, 'Param');
      const text = stringValue(value, `param "${key}"`);
      if (text.length > trackingLimits.paramValueLength)
        throw new LatheError(
          'BAD_INPUT',
          `Param "${key}" value is longer than ${trackingLimits.paramValueLength} characters`,
          { field: 'value' },
        );
      const earlier = paramMap.get(key);
      if (earlier !== undefined && earlier !== text)
        throw new LatheError('BAD_INPUT', `Param "${key}" appears twice in one batch with different values`, {
          field: 'params',
        });
      paramMap.set(key, text);
    }
    const tagMap: Record<string, string> = {};
    for (const { key, value } of tags) {
      checkKey(key, 'Tag');
      const text = stringValue(value, `tag "${key}"`);
      if (text.length > trackingLimits.tagValueLength)
        throw new LatheError(
          'BAD_INPUT',
          `Tag "${key}" value is longer than ${trackingLimits.tagValueLength} characters`,
          { field: 'value' },
        );
      tagMap[key] = text;
    }
    this.db.transaction(() => {
      if (paramMap.size) this.writeParams(row, paramMap);
      if (tags.length) this.writeTags(row, tagMap);
      if (metrics.length) this.writeMetrics(row.key, metrics);
    })();
    if (metrics.length) this.metricsLogged(row);
    if (params.length || tags.length) this.changed(row, 'updated');
  }

  /** Records datasets a run used (MLflow's log-inputs); the same name and digest are recorded once. */
  logInputs(runId: string, datasets: readonly DatasetInput[]): void {
    const row = this.activeRunRow(runId);
    const insert = this.db.prepare(
      `INSERT INTO run_inputs (run_key, name, digest, source_type, source, schema, profile, tags) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (run_key, name, digest) DO UPDATE SET tags = excluded.tags`,
    );
    this.db.transaction(() => {
      for (const d of datasets)
        insert.run(
          row.key,
          d.name,
          d.digest,
          d.sourceType,
          d.source,
          d.schema ?? null,
          d.profile ?? null,
          JSON.stringify(d.tags ?? []),
        );
    })();
    this.changed(row, 'updated');
  }

  /** Datasets a run used. */
  inputs(runId: string): DatasetInput[] {
    const row = this.runRow(runId);
    return this.db
      .prepare<
        [number],
        {
          name: string;
          digest: string;
          source_type: string;
          source: string;
          schema: string | null;
          profile: string | null;
          tags: string;
        }
      >('SELECT name, digest, source_type, source, schema, profile, tags FROM run_inputs WHERE run_key = ? ORDER BY id')
      .all(row.key)
      .map((d) => ({
        name: d.name,
        digest: d.digest,
        sourceType: d.source_type,
        source: d.source,
        ...(d.schema !== null ? { schema: d.schema } : {}),
        ...(d.profile !== null ? { profile: d.profile } : {}),
        tags: JSON.parse(d.tags) as { key: string; value: string }[],
      }));
  }

  private writeParams(row: RunRow, params: Map<string, string>): void {
    const existing = this.db.prepare<[number, string], { value: string }>(
      'SELECT value FROM run_params WHERE run_key = ? AND key = ?',
    );
    const insert = this.db.prepare('INSERT INTO run_params (run_key, key, value) VALUES (?, ?, ?)');
    for (const [key, value] of params) {
      const old = existing.get(row.key, key);
      if (old === undefined) insert.run(row.key, key, value);
      else if (old.value !== value) {
        throw new LatheError(
          'BAD_INPUT',
          `Changing param values is not allowed. Param with key='${key}' was already logged with value='${old.value}' for run ID='${row.id}'. Attempted logging new value '${value}'.`,
          {
            field: 'params',
            key,
          },
        );
      }
    }
  }

  private writeTags(row: RunRow, tags: Record<string, string>): void {
    const upsert = this.db.prepare(
      'INSERT INTO run_tags (run_key, key, value) VALUES (?, ?, ?) ON CONFLICT (run_key, key) DO UPDATE SET value = excluded.value',
    );
    for (const [key, value] of Object.entries(tags)) {
      upsert.run(row.key, key, value);
      // MLflow keeps the run's name and its mlflow.runName tag in step.
      if (key === 'mlflow.runName' && value.trim() !== '')
        this.db.prepare('UPDATE runs SET name = ? WHERE key = ?').run(value.trim().slice(0, 250), row.key);
    }
  }

  private writeMetrics(runKey: number, points: readonly MetricInput[]): void {
    const insert = this.insertMetric;
    let single: string | undefined = points[0]?.key;
    // Rows go in 100 at a time through one multi-row statement (one call into SQLite instead of 100), the rest one by one.
    const many = this.insertMetrics;
    const args: unknown[] = new Array(metricRowsPerInsert * 5);
    let i = 0;
    for (; i + metricRowsPerInsert <= points.length; i += metricRowsPerInsert) {
      for (let j = 0; j < metricRowsPerInsert; j += 1) {
        const p = points[i + j]!;
        const at = j * 5;
        args[at] = runKey;
        args[at + 1] = p.key;
        args[at + 2] = p.step;
        args[at + 3] = p.timestamp;
        args[at + 4] = Number.isNaN(p.value) ? null : p.value;
        if (p.key !== single) single = undefined;
      }
      many.run(args);
    }
    for (; i < points.length; i += 1) {
      const p = points[i]!;
      insert.run(runKey, p.key, p.step, p.timestamp, Number.isNaN(p.value) ? null : p.value);
      if (p.key !== single) single = undefined;
    }
    // Most batches carry one key (a training loop's loss); others are grouped by key, keeping arrival order.
    if (single !== undefined) {
      this.updateSeries(runKey, single, points as MetricInput[]);
      return;
    }
    const byKey = new Map<string, MetricInput[]>();
    for (const p of points) {
      const list = byKey.get(p.key);
      if (list) list.push(p);
      else byKey.set(p.key, [p]);
    }
    for (const [key, list] of byKey) this.updateSeries(runKey, key, list);
  }

  /** Keeps the latest point, the count and the MinMax tiles (every level) of one series up to date, in one pass. */
  private updateSeries(runKey: number, key: string, points: MetricInput[]): void {
    const series = this.selectSeries.get(runKey, key);
    const start = series?.count ?? 0;
    let latestStep = series ? series.latest_step : -Infinity;
    let latestTimestamp = series ? series.latest_timestamp : -Infinity;
    let latestValue = series ? series.latest_value : null;
    let latestNan = series ? series.latest_nan === 1 : false;
    const levels = tileSizes.map((size) => {
      const index = Math.floor(start / size);
      return { size, index, tile: start % size === 0 ? undefined : this.selectTile.get(runKey, key, size, index) };
    });
    const flush = (level: { size: number; index: number; tile: TileRow | undefined }) => {
      const t = level.tile;
      if (!t) return;
      this.upsertTile.run(
        runKey,
        key,
        level.size,
        level.index,
        t.n,
        t.first_step,
        t.first_timestamp,
        t.first_value,
        t.last_step,
        t.last_timestamp,
        t.last_value,
        t.min_step,
        t.min_timestamp,
        t.min_value,
        t.max_step,
        t.max_timestamp,
        t.max_value,
      );
    };
    let count = start;
    for (let i = 0; i < points.length; i += 1) {
      const p = points[i]!;
      const { step, timestamp, value } = p;
      // Only finite values can be drawn; NaN and ±Infinity stay in the rows but not in the tiles.
      const finite = Number.isFinite(value);
      for (const level of levels) {
        const index = Math.floor(count / level.size);
        if (index !== level.index) {
          flush(level);
          level.index = index;
          level.tile = undefined;
        }
        let t = level.tile;
        if (!t) {
          t = {
            n: 0,
            first_step: null,
            first_timestamp: null,
            first_value: null,
            last_step: null,
            last_timestamp: null,
            last_value: null,
            min_step: null,
            min_timestamp: null,
            min_value: null,
            max_step: null,
            max_timestamp: null,
            max_value: null,
          };
          level.tile = t;
        }
        t.n += 1;
        if (finite) {
          if (t.first_step === null) {
            t.first_step = step;
            t.first_timestamp = timestamp;
            t.first_value = value;
          }
          t.last_step = step;
          t.last_timestamp = timestamp;
          t.last_value = value;
          if (t.min_value === null || value < t.min_value) {
            t.min_step = step;
            t.min_timestamp = timestamp;
            t.min_value = value;
          }
          if (t.max_value === null || value > t.max_value) {
            t.max_step = step;
            t.max_timestamp = timestamp;
            t.max_value = value;
          }
        }
      }
      count += 1;
      if (step > latestStep || (step === latestStep && timestamp >= latestTimestamp)) {
        latestStep = step;
        latestTimestamp = timestamp;
        latestNan = Number.isNaN(value);
        latestValue = latestNan ? null : value;
      }
    }
    for (const level of levels) flush(level);
    this.upsertSeries.run(runKey, key, count, latestStep, latestTimestamp, latestValue, latestNan ? 1 : 0);
  }

  // ---- reading metrics ---------------------------------------------------------------------------

  /** Every point of a series in step order, a page at a time (MLflow's get-history). */
  metricPage(
    runId: string,
    key: string,
    options: { pageToken?: string; maxResults?: number } = {},
  ): {
    points: MetricPoint[];
    raw: { step: number; timestamp: number; value: number | null }[];
    nextPageToken?: string;
  } {
    const row = this.runRow(runId);
    const offset = decodePageToken(options.pageToken);
    const limit = Math.min(options.maxResults ?? trackingLimits.historyPageSize, trackingLimits.historyPageSize);
    const raw = this.db
      .prepare<[number, string, number, number], { step: number; timestamp: number; value: number | null }>(
        'SELECT step, timestamp, value FROM metrics WHERE run_key = ? AND key = ? ORDER BY step, timestamp LIMIT ? OFFSET ?',
      )
      .all(row.key, key, limit + 1, offset);
    const more = raw.length > limit;
    if (more) raw.pop();
    return {
      raw,
      points: raw.map((p) => ({ step: p.step, timestamp: p.timestamp, value: jsonValue(p.value) })),
      ...(more ? { nextPageToken: encodePageToken(offset + limit) } : {}),
    };
  }

  /**
   * A series ready to draw: every point when it is short, otherwise at most `maxPoints` chosen by LTTB.
   * Long series are preselected from the MinMax tiles (MinMaxLTTB, Van Der Donckt et al. 2023,
   * https://arxiv.org/abs/2305.00332) so a million points are never all read.
   */
  metricHistory(
    runId: string,
    key: string,
    options: { maxPoints?: number; xAxis?: 'step' | 'time' } = {},
  ): { key: string; total: number; downsampled: boolean; points: MetricPoint[] } {
    const row = this.runRow(runId);
    const maxPoints = options.maxPoints ?? 2000;
    const series = this.selectSeries.get(row.key, key);
    if (!series) return { key, total: 0, downsampled: false, points: [] };
    const total = series.count;
    const byTime = options.xAxis === 'time';
    // The coarsest tile level that still gives about 4 candidates per output point; the finest level down
    // to 2 per point; below that, the rows themselves.
    const level = [...tileSizes]
      .reverse()
      .find((size) => total / size >= (size === tileSizes[0] ? maxPoints / 2 : maxPoints));
    let steps: Float64Array;
    let times: Float64Array;
    let values: Float64Array;
    let n = 0;
    if (level !== undefined) {
      const tiles = this.db
        .prepare<[number, string, number], unknown[]>(
          `SELECT first_step, first_timestamp, first_value, min_step, min_timestamp, min_value, max_step, max_timestamp, max_value, last_step, last_timestamp, last_value
           FROM metric_tiles WHERE run_key = ? AND key = ? AND size = ? AND first_step IS NOT NULL ORDER BY tile`,
        )
        .raw()
        .all(row.key, key, level) as number[][];
      steps = new Float64Array(tiles.length * 4);
      times = new Float64Array(tiles.length * 4);
      values = new Float64Array(tiles.length * 4);
      for (const t of tiles) {
        for (let c = 0; c < 12; c += 3) {
          // Skip a repeat of the previous candidate (the min is often the first or last point).
          if (n > 0 && t[c] === steps[n - 1] && t[c + 1] === times[n - 1]) continue;
          steps[n] = t[c]!;
          times[n] = t[c + 1]!;
          values[n] = t[c + 2]!;
          n += 1;
        }
      }
    } else {
      const rows = this.db
        .prepare<[number, string], unknown[]>(
          'SELECT step, timestamp, value FROM metrics WHERE run_key = ? AND key = ? ORDER BY step, timestamp',
        )
        .raw()
        .all(row.key, key) as [number, number, number | null][];
      if (rows.length <= maxPoints && !byTime) {
        return {
          key,
          total,
          downsampled: false,
          points: rows.map(([step, timestamp, value]) => ({ step, timestamp, value: jsonValue(value) })),
        };
      }
      steps = new Float64Array(rows.length);
      times = new Float64Array(rows.length);
      values = new Float64Array(rows.length);
      for (const [step, timestamp, value] of rows) {
        if (value === null || !Number.isFinite(value)) continue; // NaN and ±Infinity cannot be drawn
        steps[n] = step;
        times[n] = timestamp;
        values[n] = value;
        n += 1;
      }
    }
    // Candidates arrive in logging order; sort by x only when that order is not already x order.
    const xs = byTime ? times : steps;
    let order: number[] | undefined;
    for (let i = 1; i < n; i += 1) {
      if (xs[i]! < xs[i - 1]!) {
        order = Array.from({ length: n }, (_, j) => j).sort(
          (a, b) => xs[a]! - xs[b]! || (byTime ? steps[a]! - steps[b]! : times[a]! - times[b]!),
        );
        break;
      }
    }
    const sortedX = order ? Float64Array.from(order, (j) => xs[j]!) : xs.subarray(0, n);
    const sortedY = order ? Float64Array.from(order, (j) => values[j]!) : values.subarray(0, n);
    const kept = n <= maxPoints ? Array.from({ length: n }, (_, i) => i) : lttbIndices(sortedX, sortedY, maxPoints);
    const points = kept.map((i) => {
      const j = order ? order[i]! : i;
      return { step: steps[j]!, timestamp: times[j]!, value: values[j]! };
    });
    return { key, total, downsampled: level !== undefined || n > maxPoints || n < total, points };
  }

  /** Mean ± std of a metric per step across runs grouped by a param's value (the compare view's bands). */
  groupedHistory(
    runIds: readonly string[],
    key: string,
    groupBy: string,
    maxPoints = 1000,
  ): {
    group: string | null;
    runIds: string[];
    points: { step: number; mean: number; std: number; count: number }[];
  }[] {
    const rows = runIds.map((id) => this.runRow(id));
    const groups = new Map<string | null, RunRow[]>();
    const paramOf = this.db.prepare<[number, string], { value: string }>(
      'SELECT value FROM run_params WHERE run_key = ? AND key = ?',
    );
    for (const row of rows) {
      const value = paramOf.get(row.key, groupBy)?.value ?? null;
      groups.set(value, [...(groups.get(value) ?? []), row]);
    }
    const result = [];
    for (const [group, members] of groups) {
      // Align runs on step: every run contributes its (downsampled) series; steps seen by any run count.
      const sums = new Map<number, { sum: number; squares: number; count: number }>();
      for (const member of members) {
        const { points } = this.metricHistory(member.id, key, { maxPoints });
        for (const p of points) {
          if (p.value === null) continue;
          const s = sums.get(p.step) ?? { sum: 0, squares: 0, count: 0 };
          s.sum += p.value;
          s.squares += p.value * p.value;
          s.count += 1;
          sums.set(p.step, s);
        }
      }
      const points = [...sums.entries()]
        .sort((a, b) => a[0] - b[0])
        .map(([step, s]) => {
          const mean = s.sum / s.count;
          const variance = s.count > 1 ? Math.max(0, (s.squares - s.count * mean * mean) / (s.count - 1)) : 0;
          return { step, mean, std: Math.sqrt(variance), count: s.count };
        });
      result.push({ group, runIds: members.map((m) => m.id), points });
    }
    return result.sort((a, b) => String(a.group).localeCompare(String(b.group), undefined, { numeric: true }));
  }

  // ---- search ------------------------------------------------------------------------------------

  /** Searches runs with MLflow's filter syntax, order_by, max_results and page_token. */
  searchRuns(options: SearchOptions): { runs: RunDetail[]; nextPageToken?: string; total?: number } {
    const where = filterToSql(options.filter);
    const order = orderToSql(options.orderBy);
    const offset = options.pageToken ? decodePageToken(options.pageToken) : (options.offset ?? 0);
    const limit = options.maxResults ?? 1000;
    const experimentIds = options.experimentIds.map((id) => Number(id));
    const stage = options.lifecycle ?? 'active';
    const stageSql = stage === 'all' ? '1' : 'r.lifecycle_stage = ?';
    const stageParams = stage === 'all' ? [] : [stage];
    // The same conditions select the page and count the matches (the count needs no order joins).
    const conditions = `r.experiment_id IN (${experimentIds.map(() => '?').join(', ')}) AND ${stageSql} AND (${where.sql})`;
    const conditionParams = [...experimentIds, ...stageParams, ...where.params];
    const rows = this.db
      .prepare<unknown[], RunRow>(
        `SELECT r.* FROM runs r ${order.joins} WHERE ${conditions} ORDER BY ${order.sql} LIMIT ? OFFSET ?`,
      )
      .all(...order.params, ...conditionParams, limit + 1, offset);
    const more = rows.length > limit;
    if (more) rows.pop();
    let total: number | undefined;
    if (options.withTotal) {
      total = this.db
        .prepare<unknown[], { n: number }>(`SELECT COUNT(*) AS n FROM runs r WHERE ${conditions}`)
        .get(...conditionParams)!.n;
    }
    return {
      runs: this.details(rows),
      ...(more ? { nextPageToken: encodePageToken(offset + limit) } : {}),
      ...(total !== undefined ? { total } : {}),
    };
  }

  /** Every param, metric and tag key used by runs of these experiments. */
  keys(experimentIds: readonly string[]): { params: string[]; metrics: string[]; tags: string[] } {
    const ids = experimentIds.map(Number);
    const inList = ids.map(() => '?').join(', ');
    const distinct = (table: string) =>
      this.db
        .prepare<number[], { key: string }>(
          `SELECT DISTINCT x.key FROM ${table} x JOIN runs r ON r.key = x.run_key WHERE r.experiment_id IN (${inList}) ORDER BY x.key`,
        )
        .all(...ids)
        .map((k) => k.key);
    return { params: distinct('run_params'), metrics: distinct('metric_series'), tags: distinct('run_tags') };
  }

  private details(rows: RunRow[]): RunDetail[] {
    if (rows.length === 0) return [];
    const byKey = new Map<number, RunDetail>();
    const out = rows.map((row) => {
      const detail: RunDetail = { ...toRun(row), params: {}, tags: {}, metrics: {} };
      byKey.set(row.key, detail);
      return detail;
    });
    // Chunks keep the bound-parameter count far below SQLite's limit.
    const keys = rows.map((r) => r.key);
    for (let i = 0; i < keys.length; i += 500) {
      const chunk = keys.slice(i, i + 500);
      const inList = chunk.map(() => '?').join(', ');
      for (const p of this.db
        .prepare<number[], { run_key: number; key: string; value: string }>(
          `SELECT run_key, key, value FROM run_params WHERE run_key IN (${inList})`,
        )
        .all(...chunk)) {
        byKey.get(p.run_key)!.params[p.key] = p.value;
      }
      for (const t of this.db
        .prepare<number[], { run_key: number; key: string; value: string }>(
          `SELECT run_key, key, value FROM run_tags WHERE run_key IN (${inList})`,
        )
        .all(...chunk)) {
        byKey.get(t.run_key)!.tags[t.key] = t.value;
      }
      for (const m of this.db
        .prepare<number[], SeriesRow & { run_key: number; key: string }>(
          `SELECT run_key, key, count, latest_step, latest_timestamp, latest_value, latest_nan FROM metric_series WHERE run_key IN (${inList})`,
        )
        .all(...chunk)) {
        byKey.get(m.run_key)!.metrics[m.key] = toLatest(m.key, m);
      }
    }
    return out;
  }

  // ---- artifacts ---------------------------------------------------------------------------------

  /** Stores bytes as an artifact of a run at a run-relative path (replacing what was there). */
  async logArtifactBytes(runId: string, relativePath: string, bytes: Uint8Array): Promise<void> {
    await this.logArtifactStream(runId, relativePath, Readable.from([Buffer.from(bytes)]));
  }

  /** Copies a local file into the store as an artifact of a run. Only the core calls this (never a client). */
  async logArtifactFile(runId: string, relativePath: string, filePath: string): Promise<void> {
    await this.logArtifactStream(runId, relativePath, createReadStream(filePath));
  }

  /** Stores a stream as an artifact: the object is written first, then the database row; a failed row leaves no orphan. */
  async logArtifactStream(
    runId: string,
    relativePath: string,
    source: Readable,
  ): Promise<{ path: string; size: number }> {
    const path = checkArtifactPath(relativePath);
    const row = this.activeRunRow(runId);
    this.assertNoPathClash(row, path);
    const stored = await this.objects.putStream(source);
    let replaced: string | undefined;
    try {
      this.db.transaction(() => {
        this.assertNoPathClash(row, path);
        replaced = this.db
          .prepare<[number, string], { object_hash: string }>(
            'SELECT object_hash FROM run_artifacts WHERE run_key = ? AND path = ?',
          )
          .get(row.key, path)?.object_hash;
        this.db
          .prepare(
            'INSERT OR REPLACE INTO run_artifacts (run_key, path, object_hash, size, created_at) VALUES (?, ?, ?, ?, ?)',
          )
          .run(row.key, path, stored.hash, stored.size, Date.now());
      })();
    } catch (error) {
      if (stored.created) this.removeUnreferenced([stored.hash]);
      throw error;
    }
    if (replaced && replaced !== stored.hash) this.removeUnreferenced([replaced]);
    this.changed(row, 'updated');
    return { path, size: stored.size };
  }

  /** The entries directly under a run-relative directory ('' for the root). */
  listArtifacts(runId: string, directory = ''): ArtifactEntry[] {
    const dir = checkArtifactPath(directory.replace(/\/+$/, ''), { allowEmpty: true });
    const row = this.runRow(runId);
    const prefix = dir === '' ? '' : dir + '/';
    const files = this.db
      .prepare<[number, number, string], { path: string; size: number }>(
        'SELECT path, size FROM run_artifacts WHERE run_key = ? AND substr(path, 1, ?) = ? ORDER BY path',
      )
      .all(row.key, prefix.length, prefix);
    const entries = new Map<string, ArtifactEntry>();
    for (const file of files) {
      const rest = file.path.slice(prefix.length);
      const slash = rest.indexOf('/');
      if (slash < 0) entries.set(file.path, { path: file.path, isDir: false, size: file.size });
      else {
        const sub = prefix + rest.slice(0, slash);
        if (!entries.has(sub)) entries.set(sub, { path: sub, isDir: true, size: null });
      }
    }
    return [...entries.values()].sort((a, b) => Number(b.isDir) - Number(a.isDir) || a.path.localeCompare(b.path));
  }

  /** The stored object behind an artifact file; NOT_FOUND when there is no such file. */
  artifact(runId: string, relativePath: string): { hash: string; size: number; path: string } {
    const path = checkArtifactPath(relativePath);
    const row = this.runRow(runId);
    const found = this.db
      .prepare<[number, string], { object_hash: string; size: number }>(
        'SELECT object_hash, size FROM run_artifacts WHERE run_key = ? AND path = ?',
      )
      .get(row.key, path);
    if (!found) throw new LatheError('NOT_FOUND', `Run ${runId} has no artifact "${path}"`, { field: 'path' });
    return { hash: found.object_hash, size: found.size, path };
  }

  /** True when `relativePath` is a directory of the run's artifacts. */
  isArtifactDirectory(runId: string, relativePath: string): boolean {
    const path = checkArtifactPath(relativePath.replace(/\/+$/, ''), { allowEmpty: true });
    if (path === '') return true;
    const row = this.runRow(runId);
    const prefix = path + '/';
    return (
      this.db
        .prepare('SELECT 1 FROM run_artifacts WHERE run_key = ? AND substr(path, 1, ?) = ? LIMIT 1')
        .get(row.key, prefix.length, prefix) !== undefined
    );
  }

  /** The head of an artifact for a preview, and what kind of preview fits it. */
  async artifactPreview(
    runId: string,
    relativePath: string,
    maxBytes = 256 * 1024,
  ): Promise<{
    path: string;
    size: number;
    truncated: boolean;
    kind: 'text' | 'json' | 'csv' | 'image' | 'binary';
    mime: string;
    encoding: 'utf8' | 'base64';
    content: string;
  }> {
    const file = this.artifact(runId, relativePath);
    const extension = /\.([a-z0-9]+)$/i.exec(file.path)?.[1]?.toLowerCase() ?? '';
    const images: Record<string, string> = {
      png: 'image/png',
      jpg: 'image/jpeg',
      jpeg: 'image/jpeg',
      gif: 'image/gif',
      webp: 'image/webp',
      bmp: 'image/bmp',
    };
    const limit = images[extension] ? Math.max(maxBytes, 8_000_000) : maxBytes;
    const head = await readHead(
      this.objects.openRead(file.hash, file.size > 0 ? { start: 0, end: Math.min(file.size, limit) - 1 } : undefined),
      limit,
    );
    const truncated = file.size > head.length;
    if (images[extension] && !truncated)
      return {
        path: file.path,
        size: file.size,
        truncated,
        kind: 'image',
        mime: images[extension],
        encoding: 'base64',
        content: head.toString('base64'),
      };
    const looksText = !head.subarray(0, 8000).includes(0);
    if (!looksText || images[extension])
      return {
        path: file.path,
        size: file.size,
        truncated,
        kind: 'binary',
        mime: 'application/octet-stream',
        encoding: 'base64',
        content: head.subarray(0, 4096).toString('base64'),
      };
    const text = head.toString('utf8');
    const kind = extension === 'json' ? 'json' : extension === 'csv' || extension === 'tsv' ? 'csv' : 'text';
    const mime = kind === 'json' ? 'application/json' : kind === 'csv' ? 'text/csv' : 'text/plain';
    return { path: file.path, size: file.size, truncated, kind, mime, encoding: 'utf8', content: text };
  }

  private assertNoPathClash(row: RunRow, path: string): void {
    const segments = path.split('/');
    for (let i = 1; i < segments.length; i += 1) {
      const parent = segments.slice(0, i).join('/');
      if (this.db.prepare('SELECT 1 FROM run_artifacts WHERE run_key = ? AND path = ?').get(row.key, parent)) {
        throw new LatheError('BAD_INPUT', `Artifact "${parent}" is a file, so "${path}" cannot be stored under it`, {
          field: 'path',
        });
      }
    }
    const prefix = path + '/';
    if (
      this.db
        .prepare('SELECT 1 FROM run_artifacts WHERE run_key = ? AND substr(path, 1, ?) = ? LIMIT 1')
        .get(row.key, prefix.length, prefix)
    ) {
      throw new LatheError('BAD_INPUT', `Artifact "${path}" is a directory; pick another name`, { field: 'path' });
    }
  }

  private removeUnreferenced(hashes: readonly string[]): { removed: number; bytes: number } {
    let removed = 0;
    let bytes = 0;
    for (const hash of unreferencedObjects(this.db, hashes)) {
      if (!this.objects.has(hash)) continue;
      bytes += this.objects.sizeOf(hash);
      this.objects.remove(hash);
      removed += 1;
    }
    return { removed, bytes };
  }

  // ---- helpers -----------------------------------------------------------------------------------

  private runRow(runId: string): RunRow {
    const row = typeof runId === 'string' ? this.runByIdStatement.get(runId) : undefined;
    if (!row)
      throw new LatheError('NOT_FOUND', `Run with id=${String(runId)} not found`, { field: 'run_id', id: runId });
    return row;
  }

  /** A run that can still be logged to: MLflow refuses logging to a deleted run. */
  private activeRunRow(runId: string): RunRow {
    const row = this.runRow(runId);
    if (row.lifecycle_stage !== 'active') {
      throw new LatheError(
        'BAD_INPUT',
        `The run ${runId} must be in the 'active' state. Current state is ${row.lifecycle_stage}.`,
        { field: 'run_id' },
      );
    }
    return row;
  }

  private changed(row: RunRow, change: 'updated' | 'deleted' | 'restored'): void {
    this.events.emit('runs.changed', { experimentId: String(row.experiment_id), runIds: [row.id], change });
  }

  /** Coalesces metric events: a script logging a point every millisecond makes a few events a second. */
  private metricsLogged(row: RunRow): void {
    this.pendingMetricRuns.set(row.id, String(row.experiment_id));
    if (this.metricTimer) return;
    this.metricTimer = setTimeout(() => {
      this.metricTimer = undefined;
      const pending = this.pendingMetricRuns;
      this.pendingMetricRuns = new Map();
      this.events.emit('runs.metrics', { runIds: [...pending.keys()], experimentIds: [...new Set(pending.values())] });
    }, 250);
    this.metricTimer.unref();
  }

  /** Stops the pending event timer. */
  dispose(): void {
    if (this.metricTimer) clearTimeout(this.metricTimer);
    this.metricTimer = undefined;
  }
}

function toRun(row: RunRow): Run {
  return {
    id: row.id,
    experimentId: String(row.experiment_id),
    name: row.name,
    status: row.status,
    startTime: row.start_time,
    endTime: row.end_time,
    userId: row.user_id,
    lifecycleStage: row.lifecycle_stage,
    artifactUri: `mlflow-artifacts:/${row.experiment_id}/${row.id}/artifacts`,
  };
}

function toLatest(key: string, s: SeriesRow): LatestMetric {
  const nan = s.latest_nan === 1;
  return {
    key,
    value: nan ? null : jsonValue(s.latest_value),
    text: valueText(s.latest_value, nan),
    step: s.latest_step,
    timestamp: s.latest_timestamp,
  };
}

function stringValue(value: unknown, what: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new LatheError('BAD_INPUT', `The value of ${what} must be a string`, { field: 'value' });
}

const validKeyCache = new Set<string>();

/** Validates metric points in one tight loop (the ingestion path is measured by the tracking bench). */
function checkMetrics(points: readonly MetricInput[]): void {
  for (let i = 0; i < points.length; i += 1) {
    const p = points[i]!;
    if (!validKeyCache.has(p.key)) {
      checkKey(p.key, 'Metric');
      if (validKeyCache.size < 10_000) validKeyCache.add(p.key);
    }
    if (typeof p.value !== 'number')
      throw new LatheError('BAD_INPUT', `Metric "${p.key}" value must be a number (point ${i})`, {
        field: 'value',
        index: i,
      });
    if (!Number.isSafeInteger(p.step))
      throw new LatheError('BAD_INPUT', `Metric "${p.key}" step must be an integer (point ${i})`, {
        field: 'step',
        index: i,
      });
    if (!Number.isSafeInteger(p.timestamp))
      throw new LatheError('BAD_INPUT', `Metric "${p.key}" timestamp must be an integer in milliseconds (point ${i})`, {
        field: 'timestamp',
        index: i,
      });
  }
}

async function readHead(stream: Readable, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    chunks.push(chunk as Buffer);
    size += (chunk as Buffer).length;
    if (size >= limit) break;
  }
  stream.destroy();
  return Buffer.concat(chunks).subarray(0, limit);
}
