/**
 * Runs: their lifecycle (create, update, end, delete, restore, purge of the rows), params (set once), tags,
 * the datasets they used, and run search. The metric store and the artifacts resolve runs through here.
 */
import { randomUUID } from 'node:crypto';
import type { LatestMetric, Run, RunDetail, RunStatus } from '../../../shared/contract/index.js';
import { LatheError } from '../../../shared/errors.js';
import type { EventBus } from '../events.js';
import type { Db } from '../store/database.js';
import { decodePageToken, encodePageToken, filterToSql, orderToSql } from './run-search.js';
import { checkKey, jsonValue, stringValue, trackingLimits, valueText, type DatasetInput } from './tracking-rules.js';

/** Options of {@link RunStore.searchRuns}. */
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

/** A row of `runs`. */
export interface RunRow {
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

/** The latest point and count of one series (`metric_series`). */
export interface SeriesRow {
  count: number;
  latest_step: number;
  latest_timestamp: number;
  latest_value: number | null;
  latest_nan: number;
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

/** Runs, their params, tags and inputs, and run search. */
export class RunStore {
  private readonly runByIdStatement;

  constructor(
    private readonly db: Db,
    private readonly events: EventBus,
  ) {
    this.runByIdStatement = db.prepare<[string], RunRow>('SELECT * FROM runs WHERE id = ?');
  }

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
      this.writeTags(this.row(id), tags);
    })();
    this.events.emit('runs.changed', { experimentId: String(experiment.id), runIds: [id], change: 'created' });
    return this.getRun(id);
  }

  /** One run; NOT_FOUND when there is none. */
  getRun(runId: string): Run {
    return toRun(this.row(runId));
  }

  /** One run with its params, tags and latest metrics. */
  getRunDetail(runId: string): RunDetail {
    const row = this.row(runId);
    return this.details([row])[0]!;
  }

  /** Sets status, end time or name (MLflow's runs/update). */
  updateRun(runId: string, changes: { status?: RunStatus; endTime?: number | null; name?: string }): Run {
    const row = this.row(runId);
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

  /** Ids of the runs still RUNNING that carry every one of these tags (what a program started under them). */
  runningRunsTagged(tags: Record<string, string>): string[] {
    const entries = Object.entries(tags);
    if (entries.length === 0) return [];
    const clauses = entries.map(
      () => 'EXISTS (SELECT 1 FROM run_tags t WHERE t.run_key = runs.key AND t.key = ? AND t.value = ?)',
    );
    const rows = this.db
      .prepare(`SELECT id FROM runs WHERE status = 'RUNNING' AND ${clauses.join(' AND ')} ORDER BY start_time`)
      .all(...entries.flat()) as { id: string }[];
    return rows.map((row) => row.id);
  }

  /** Marks runs deleted (MLflow's soft delete; restorable). */
  deleteRun(runId: string): Run {
    const row = this.row(runId);
    this.db
      .prepare("UPDATE runs SET lifecycle_stage = 'deleted', deleted_time = ? WHERE key = ?")
      .run(Date.now(), row.key);
    this.changed(row, 'deleted');
    return this.getRun(runId);
  }

  /** Brings a soft-deleted run back. */
  restoreRun(runId: string): Run {
    const row = this.row(runId);
    this.db.prepare("UPDATE runs SET lifecycle_stage = 'active', deleted_time = NULL WHERE key = ?").run(row.key);
    this.changed(row, 'restored');
    return this.getRun(runId);
  }

  /** Checks params and tags as logged in one batch; BAD_INPUT naming the first bad one. */
  checkData(
    params: readonly { key: string; value: string }[],
    tags: readonly { key: string; value: string }[],
  ): { params: Map<string, string>; tags: Record<string, string> } {
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
    return { params: paramMap, tags: tagMap };
  }

  /** Writes checked params and tags (inside the caller's transaction). */
  writeData(row: RunRow, params: Map<string, string>, tags: Record<string, string>): void {
    if (params.size) this.writeParams(row, params);
    if (Object.keys(tags).length) this.writeTags(row, tags);
  }

  /** Removes a tag; NOT_FOUND when the run has no such tag. */
  deleteTag(runId: string, key: string): void {
    const row = this.activeRow(runId);
    const info = this.db.prepare('DELETE FROM run_tags WHERE run_key = ? AND key = ?').run(row.key, key);
    if (info.changes === 0) throw new LatheError('NOT_FOUND', `Run ${runId} has no tag "${key}"`, { field: 'key' });
    this.changed(row, 'updated');
  }

  /** Records datasets a run used (MLflow's log-inputs); the same name and digest are recorded once. */
  logInputs(runId: string, datasets: readonly DatasetInput[], modelIds: readonly string[] = []): void {
    const row = this.activeRow(runId);
    const modelExists = this.db.prepare<[string], { id: string }>('SELECT id FROM logged_models WHERE id = ?');
    // MLflow 3: the logged models the run used (LogInputs.models); once each, like MLflow's unique key.
    const insertModel = this.db.prepare('INSERT OR IGNORE INTO run_model_inputs (run_key, model_id) VALUES (?, ?)');
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
      for (const [index, modelId] of modelIds.entries()) {
        if (!modelExists.get(modelId))
          throw new LatheError('NOT_FOUND', `No logged model with id ${modelId}`, {
            field: `models[${index}].model_id`,
            id: modelId,
          });
        insertModel.run(row.key, modelId);
      }
    })();
    this.changed(row, 'updated');
  }

  /** The logged models a run used (MLflow 3 `inputs.model_inputs`), in the order first logged. */
  modelInputs(runId: string): string[] {
    const row = this.row(runId);
    return this.db
      .prepare<[number], { model_id: string }>('SELECT model_id FROM run_model_inputs WHERE run_key = ? ORDER BY rowid')
      .all(row.key)
      .map((m) => m.model_id);
  }

  /** Datasets a run used. */
  inputs(runId: string): DatasetInput[] {
    const row = this.row(runId);
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

  /** A param's value for a run, or null when it has none. */
  paramValue(row: RunRow, key: string): string | null {
    return (
      this.db
        .prepare<[number, string], { value: string }>('SELECT value FROM run_params WHERE run_key = ? AND key = ?')
        .get(row.key, key)?.value ?? null
    );
  }

  /** Removes run rows for good (inside the caller's transaction; params, tags and inputs go by cascade). */
  removeRows(rows: readonly RunRow[]): void {
    for (const row of rows) this.db.prepare('DELETE FROM runs WHERE key = ?').run(row.key);
  }

  // ---- search ------------------------------------------------------------------------------------

  /** Searches runs with MLflow's filter syntax, order_by, max_results and page_token. */
  searchRuns(options: SearchOptions): { runs: RunDetail[]; nextPageToken?: string; total?: number } {
    if (options.experimentIds.length > trackingLimits.searchExperimentIds)
      throw new LatheError(
        'BAD_INPUT',
        `A run search can name at most ${trackingLimits.searchExperimentIds} experiments; got ${options.experimentIds.length}`,
        { field: 'experiment_ids' },
      );
    if ((options.orderBy?.length ?? 0) > trackingLimits.searchOrderBy)
      throw new LatheError(
        'BAD_INPUT',
        `A run search can have at most ${trackingLimits.searchOrderBy} order_by entries; got ${options.orderBy!.length}`,
        { field: 'order_by' },
      );
    const where = filterToSql(options.filter);
    if (where.params.length + options.experimentIds.length > trackingLimits.searchBoundValues)
      throw new LatheError(
        'BAD_INPUT',
        `The filter binds ${where.params.length} values; a run search takes at most ${trackingLimits.searchBoundValues}`,
        { field: 'filter' },
      );
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

  // ---- rows and events ---------------------------------------------------------------------------

  /** The row of a run; NOT_FOUND when there is none. */
  row(runId: string): RunRow {
    const row = typeof runId === 'string' ? this.runByIdStatement.get(runId) : undefined;
    if (!row)
      throw new LatheError('NOT_FOUND', `Run with id=${String(runId)} not found`, { field: 'run_id', id: runId });
    return row;
  }

  /** A run that can still be logged to: MLflow refuses logging to a deleted run. */
  activeRow(runId: string): RunRow {
    const row = this.row(runId);
    if (row.lifecycle_stage !== 'active') {
      throw new LatheError(
        'BAD_INPUT',
        `The run ${runId} must be in the 'active' state. Current state is ${row.lifecycle_stage}.`,
        { field: 'run_id' },
      );
    }
    return row;
  }

  /** Tells listeners a run changed. */
  changed(row: RunRow, change: 'updated' | 'deleted' | 'restored'): void {
    this.events.emit('runs.changed', { experimentId: String(row.experiment_id), runIds: [row.id], change });
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
