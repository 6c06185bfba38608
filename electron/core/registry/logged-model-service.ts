/**
 * MLflow 3's logged models: what `mlflow.<flavor>.log_model` creates (an id `m-<hex>`, its run, params,
 * tags, status) and the files it uploads, kept as objects of the store exactly like run artifacts. Their
 * artifact URI is `mlflow-artifacts:/<experiment>/models/<id>/artifacts`, so the client always uploads
 * through Lathe's artifact proxy and never to a local path. A logged model becomes a registry version
 * when it is registered (see mlflow-registration.ts).
 */
import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { LatheError } from '../../../shared/errors.js';
import type { ObjectStore } from '../objects/object-store.js';
import type { Db } from '../store/database.js';
import { checkArtifactPath } from '../tracking/artifact-path.js';
import { folderEntries } from '../tracking/artifact-listing.js';
import { unreferencedObjects } from '../objects/object-references.js';
import { decodePageToken, encodePageToken } from '../tracking/run-search.js';
import { parseFilter } from '../tracking/search-filter.js';
import { filterSql } from './sql-filter.js';

/** A logged model's lifecycle, as MLflow names it without its LOGGED_MODEL_ prefix. */
export type LoggedModelStatus = 'PENDING' | 'READY' | 'FAILED';

/** One logged model with its params and tags. */
export interface LoggedModel {
  id: string;
  experimentId: string;
  name: string;
  modelType: string | null;
  sourceRunId: string | null;
  status: LoggedModelStatus;
  statusMessage: string | null;
  createdAt: number;
  updatedAt: number;
  artifactUri: string;
  params: Record<string, string>;
  tags: Record<string, string>;
  /** Registry versions made from it. */
  registrations: { name: string; version: number }[];
  /** Metric points logged with this model's id (MLflow 3 `model_id` on a Metric), by key, step and time. */
  metrics: LoggedModelMetric[];
}

/** One metric point of a logged model: which run logged it, and on which dataset (migration 010). */
export interface LoggedModelMetric {
  key: string;
  value: number;
  step: number;
  timestamp: number;
  runId: string;
  datasetName: string | null;
  datasetDigest: string | null;
}

/** A file or folder under a logged model's artifact root. */
export interface LoggedModelEntry {
  path: string;
  isDir: boolean;
  size: number | null;
}

interface Row {
  id: string;
  experiment_id: string;
  name: string;
  model_type: string | null;
  source_run_id: string | null;
  status: LoggedModelStatus;
  status_message: string | null;
  created_at: number;
  updated_at: number;
}

/** The pattern of a logged model id. */
export const loggedModelIdPattern = /^m-[0-9a-f]{32}$/;

const attributes = {
  name: { column: 'l.name', numeric: false },
  model_id: { column: 'l.id', numeric: false },
  model_type: { column: 'l.model_type', numeric: false },
  source_run_id: { column: 'l.source_run_id', numeric: false },
  status: { column: "('LOGGED_MODEL_' || l.status)", numeric: false },
  creation_timestamp: { column: 'l.created_at', numeric: true },
  creation_time: { column: 'l.created_at', numeric: true },
  last_updated_timestamp: { column: 'l.updated_at', numeric: true },
} as const;

/** Logged models: create, read, search, finalize, delete, params, tags, artifacts and run outputs. */
export class LoggedModelService {
  constructor(
    private readonly db: Db,
    private readonly objects: ObjectStore,
  ) {}

  /** Creates a PENDING logged model in an experiment (which must exist). */
  create(input: {
    experimentId: string;
    name?: string;
    modelType?: string;
    sourceRunId?: string;
    params?: { key: string; value: string }[];
    tags?: { key: string; value: string }[];
  }): LoggedModel {
    const experiment = this.db
      .prepare<[string], { id: number }>('SELECT id FROM experiments WHERE id = ?')
      .get(input.experimentId);
    if (!experiment)
      throw new LatheError('NOT_FOUND', `No experiment with id ${input.experimentId}`, { id: input.experimentId });
    if (input.sourceRunId && !this.db.prepare('SELECT 1 FROM runs WHERE id = ?').get(input.sourceRunId))
      throw new LatheError('NOT_FOUND', `No run with id ${input.sourceRunId}`, { id: input.sourceRunId });
    const id = `m-${randomUUID().replace(/-/g, '')}`;
    const now = Date.now();
    this.db.transaction(() => {
      this.db
        .prepare(
          `INSERT INTO logged_models (id, experiment_id, name, model_type, source_run_id, status, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, 'PENDING', ?, ?)`,
        )
        .run(id, input.experimentId, input.name || id, input.modelType ?? null, input.sourceRunId ?? null, now, now);
      this.writePairs('logged_model_params', id, input.params ?? []);
      this.writePairs('logged_model_tags', id, input.tags ?? []);
    })();
    return this.get(id);
  }

  /** One logged model; NOT_FOUND names the id. */
  get(id: string): LoggedModel {
    const row = this.db.prepare<[string], Row>('SELECT * FROM logged_models WHERE id = ?').get(id);
    if (!row) throw new LatheError('NOT_FOUND', `No logged model with id ${id}`, { id });
    return this.toModel(row);
  }

  /** Logged models of the given experiments matching an MLflow filter, newest first unless ordered. */
  search(input: {
    experimentIds: string[];
    filter?: string;
    maxResults?: number;
    orderBy?: { field: string; ascending: boolean }[];
    pageToken?: string;
  }): { models: LoggedModel[]; nextPageToken: string | null } {
    const where = filterSql(parseFilter(input.filter, attributes), {
      attributes,
      tags: { table: 'logged_model_tags', owner: 'model_id', ownerColumn: 'l.id' },
      params: { table: 'logged_model_params', owner: 'model_id', ownerColumn: 'l.id' },
    });
    const order = (input.orderBy ?? []).map(({ field, ascending }) => {
      const attribute = attributes[field as keyof typeof attributes];
      if (!attribute)
        throw new LatheError('BAD_INPUT', `Cannot order logged models by "${field}"`, { field: 'order_by' });
      return `${attribute.column} ${ascending ? 'ASC' : 'DESC'}`;
    });
    const limit = Math.min(Math.max(input.maxResults ?? 50, 1), 1000);
    const offset = decodePageToken(input.pageToken);
    const experiments = input.experimentIds;
    const rows = this.db
      .prepare<unknown[], Row>(
        `SELECT l.* FROM logged_models l
         WHERE l.experiment_id IN (${experiments.map(() => '?').join(', ') || 'NULL'}) AND (${where.sql})
         ORDER BY ${[...order, 'l.created_at DESC', 'l.id'].join(', ')} LIMIT ? OFFSET ?`,
      )
      .all(...experiments, ...where.values, limit + 1, offset);
    return {
      models: rows.slice(0, limit).map((row) => this.toModel(row)),
      nextPageToken: rows.length > limit ? encodePageToken(offset + limit) : null,
    };
  }

  /** Marks a logged model READY (its upload finished) or FAILED. */
  finalize(id: string, status: LoggedModelStatus): LoggedModel {
    this.get(id);
    this.db.prepare('UPDATE logged_models SET status = ?, updated_at = ? WHERE id = ?').run(status, Date.now(), id);
    return this.get(id);
  }

  /** Deletes a logged model; its files go when nothing else (a registered version, a run) references them. */
  delete(id: string): void {
    this.get(id);
    const hashes = this.db
      .prepare<[string], { object_hash: string }>('SELECT object_hash FROM logged_model_artifacts WHERE model_id = ?')
      .all(id)
      .map((r) => r.object_hash);
    const free = this.db.transaction(() => {
      this.db.prepare('DELETE FROM logged_models WHERE id = ?').run(id);
      return unreferencedObjects(this.db, hashes);
    })();
    for (const hash of free) this.objects.remove(hash);
  }

  /** Adds params (a param, once set, keeps its value, as for runs). */
  logParams(id: string, params: { key: string; value: string }[]): void {
    this.get(id);
    this.db.transaction(() => {
      for (const { key, value } of params) {
        const existing = this.db
          .prepare<[string, string], { value: string }>(
            'SELECT value FROM logged_model_params WHERE model_id = ? AND key = ?',
          )
          .get(id, key);
        if (existing && existing.value !== value)
          throw new LatheError(
            'BAD_INPUT',
            `Param "${key}" of logged model ${id} is already "${existing.value}"; params cannot change`,
            { field: key },
          );
      }
      this.writePairs('logged_model_params', id, params);
    })();
  }

  /** Sets tags (replacing values). */
  setTags(id: string, tags: { key: string; value: string }[]): LoggedModel {
    this.get(id);
    this.db.transaction(() => {
      this.writePairs('logged_model_tags', id, tags);
      this.db.prepare('UPDATE logged_models SET updated_at = ? WHERE id = ?').run(Date.now(), id);
    })();
    return this.get(id);
  }

  /** Removes a tag; NOT_FOUND when there is none. */
  deleteTag(id: string, key: string): void {
    this.get(id);
    const info = this.db.prepare('DELETE FROM logged_model_tags WHERE model_id = ? AND key = ?').run(id, key);
    if (info.changes === 0) throw new LatheError('NOT_FOUND', `Logged model ${id} has no tag "${key}"`, { key });
  }

  /** Records that a run produced logged models (MLflow's runs/outputs). */
  logOutputs(runId: string, models: { modelId: string; step: number }[]): void {
    if (!this.db.prepare('SELECT 1 FROM runs WHERE id = ?').get(runId))
      throw new LatheError('NOT_FOUND', `No run with id ${runId}`, { id: runId });
    this.db.transaction(() => {
      for (const { modelId, step } of models) {
        this.get(modelId);
        this.db
          .prepare(
            'INSERT INTO run_model_outputs (run_id, model_id, step) VALUES (?, ?, ?) ON CONFLICT (run_id, model_id) DO UPDATE SET step = excluded.step',
          )
          .run(runId, modelId, step);
      }
    })();
  }

  /** The logged models a run produced, with their steps. */
  outputsOf(runId: string): { modelId: string; step: number }[] {
    return this.db
      .prepare<[string], { model_id: string; step: number }>(
        'SELECT model_id, step FROM run_model_outputs WHERE run_id = ? ORDER BY step, model_id',
      )
      .all(runId)
      .map((r) => ({ modelId: r.model_id, step: r.step }));
  }

  /** Stores an uploaded file under the logged model's artifact root (object first, then the row). */
  async putArtifact(id: string, relativePath: string, source: Readable): Promise<{ path: string; size: number }> {
    const path = checkArtifactPath(relativePath);
    this.get(id);
    const stored = await this.objects.putStream(source);
    let replaced: string | undefined;
    try {
      this.db.transaction(() => {
        replaced = this.db
          .prepare<[string, string], { object_hash: string }>(
            'SELECT object_hash FROM logged_model_artifacts WHERE model_id = ? AND path = ?',
          )
          .get(id, path)?.object_hash;
        this.db
          .prepare(
            'INSERT OR REPLACE INTO logged_model_artifacts (model_id, path, object_hash, size, created_at) VALUES (?, ?, ?, ?, ?)',
          )
          .run(id, path, stored.hash, stored.size, Date.now());
      })();
    } catch (error) {
      if (stored.created) for (const hash of unreferencedObjects(this.db, [stored.hash])) this.objects.remove(hash);
      throw error;
    }
    if (replaced && replaced !== stored.hash)
      for (const hash of unreferencedObjects(this.db, [replaced])) this.objects.remove(hash);
    return { path, size: stored.size };
  }

  /** Files and folders directly under `directory` of the logged model's artifacts. */
  listArtifacts(id: string, directory = ''): LoggedModelEntry[] {
    const dir = checkArtifactPath(directory.replace(/\/+$/, ''), { allowEmpty: true });
    this.get(id);
    const prefix = dir === '' ? '' : dir + '/';
    const files = this.db
      .prepare<[string, number, string], { path: string; size: number }>(
        'SELECT path, size FROM logged_model_artifacts WHERE model_id = ? AND substr(path, 1, ?) = ? ORDER BY path',
      )
      .all(id, prefix.length, prefix);
    return folderEntries(files, prefix);
  }

  /** The object behind one file; NOT_FOUND when there is none. */
  artifact(id: string, relativePath: string): { hash: string; size: number; path: string } {
    const path = checkArtifactPath(relativePath);
    const found = this.db
      .prepare<[string, string], { object_hash: string; size: number }>(
        'SELECT object_hash, size FROM logged_model_artifacts WHERE model_id = ? AND path = ?',
      )
      .get(id, path);
    if (!found) throw new LatheError('NOT_FOUND', `Logged model ${id} has no artifact "${path}"`, { field: 'path' });
    return { hash: found.object_hash, size: found.size, path };
  }

  /** True when `relativePath` is a folder of the logged model's artifacts. */
  isArtifactDirectory(id: string, relativePath: string): boolean {
    const path = checkArtifactPath(relativePath.replace(/\/+$/, ''), { allowEmpty: true });
    if (path === '') return true;
    const prefix = path + '/';
    return !!this.db
      .prepare('SELECT 1 FROM logged_model_artifacts WHERE model_id = ? AND substr(path, 1, ?) = ? LIMIT 1')
      .get(id, prefix.length, prefix);
  }

  private writePairs(
    table: 'logged_model_params' | 'logged_model_tags',
    id: string,
    pairs: { key: string; value: string }[],
  ): void {
    const statement = this.db.prepare(
      `INSERT INTO ${table} (model_id, key, value) VALUES (?, ?, ?) ON CONFLICT (model_id, key) DO UPDATE SET value = excluded.value`,
    );
    for (const { key, value } of pairs) {
      if (key.trim() === '') throw new LatheError('BAD_INPUT', 'A key must not be empty', { field: 'key' });
      statement.run(id, key, value);
    }
  }

  private toModel(row: Row): LoggedModel {
    const pairs = (table: string) =>
      Object.fromEntries(
        this.db
          .prepare<[string], { key: string; value: string }>(
            `SELECT key, value FROM ${table} WHERE model_id = ? ORDER BY key`,
          )
          .all(row.id)
          .map((p) => [p.key, p.value]),
      );
    const registrations = this.db
      .prepare<[string], { name: string; version: number }>(
        `SELECT m.name, v.version FROM model_versions v JOIN models m ON m.id = v.model_id
         WHERE json_extract(v.mlflow_json, '$.model_id') = ? ORDER BY m.name, v.version`,
      )
      .all(row.id);
    const metrics = this.db
      .prepare<[string], Omit<LoggedModelMetric, 'value'> & { value: number | null }>(
        `SELECT m.key, m.value, m.step, m.timestamp, r.id AS runId, m.dataset_name AS datasetName,
           m.dataset_digest AS datasetDigest
         FROM logged_model_metrics m JOIN runs r ON r.key = m.run_key
         WHERE m.model_id = ? ORDER BY m.key, m.step, m.timestamp, m.rowid`,
      )
      .all(row.id)
      .map((m) => ({ ...m, value: m.value ?? Number.NaN })); // NaN is stored as NULL, as in metrics
    return {
      metrics,
      id: row.id,
      experimentId: row.experiment_id,
      name: row.name,
      modelType: row.model_type,
      sourceRunId: row.source_run_id,
      status: row.status,
      statusMessage: row.status_message,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
      artifactUri: loggedModelArtifactUri(row.experiment_id, row.id),
      params: pairs('logged_model_params'),
      tags: pairs('logged_model_tags'),
      registrations,
    };
  }
}

/** Where MLflow's client uploads a logged model's files: always through the artifact proxy. */
export function loggedModelArtifactUri(experimentId: string, id: string): string {
  return `mlflow-artifacts:/${experimentId}/models/${id}/artifacts`;
}
