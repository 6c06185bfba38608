/** Experiments: named groups of runs. Names are unique across active and deleted ones, as in MLflow. */
import type { Experiment } from '../../../shared/contract/index.js';
import { LatheError } from '../../../shared/errors.js';
import type { Db } from '../store/database.js';
import type { EventBus } from '../events.js';
import { decodePageToken, encodePageToken } from '../tracking/run-search.js';
import { experimentFilterToSql, experimentOrderToSql } from './experiment-search.js';

/** Options of {@link ExperimentService.search}. */
export interface ExperimentSearchOptions {
  /** MLflow's filter syntax over attributes (name, experiment_id, creation_time …) and tags. */
  filter?: string;
  orderBy?: readonly string[];
  maxResults?: number;
  pageToken?: string;
  lifecycle?: 'active' | 'deleted' | 'all';
}

/** The most experiments one search page returns (MLflow's limit). */
export const maxExperimentResults = 50_000;

/** Active runs of the experiment aliased `e` (runs_by_experiment index). */
const runCountSql = "(SELECT COUNT(*) FROM runs r WHERE r.experiment_id = e.id AND r.lifecycle_stage = 'active')";

interface ExperimentRow {
  id: number;
  name: string;
  lifecycle_stage: 'active' | 'deleted';
  created_at: number;
  updated_at: number;
  run_count: number;
}

/** Creates, lists, renames, deletes (soft, restorable) and restores experiments. */
export class ExperimentService {
  constructor(
    private readonly db: Db,
    private readonly events: EventBus,
  ) {}

  /** Active experiments, newest first; deleted ones too when asked. */
  list(options: { includeDeleted?: boolean } = {}): Experiment[] {
    const rows = this.db
      .prepare<[], ExperimentRow>(
        `SELECT e.*, ${runCountSql} AS run_count FROM experiments e
         ${options.includeDeleted ? '' : "WHERE e.lifecycle_stage = 'active'"}
         ORDER BY e.created_at DESC, e.id DESC`,
      )
      .all();
    return rows.map(toExperiment);
  }

  /** Experiments matching an MLflow filter, ordered and paged (MLflow's experiments/search). */
  search(options: ExperimentSearchOptions = {}): { experiments: Experiment[]; nextPageToken?: string } {
    const limit = options.maxResults ?? 1000;
    if (!Number.isSafeInteger(limit) || limit < 1 || limit > maxExperimentResults)
      throw new LatheError('BAD_INPUT', `max_results must be 1 to ${maxExperimentResults}; got ${limit}`, {
        field: 'max_results',
      });
    const where = experimentFilterToSql(options.filter);
    const order = experimentOrderToSql(options.orderBy);
    const offset = decodePageToken(options.pageToken);
    const stage = options.lifecycle ?? 'active';
    const stageSql = stage === 'all' ? '1' : 'e.lifecycle_stage = ?';
    const rows = this.db
      .prepare<unknown[], ExperimentRow>(
        `SELECT e.*, ${runCountSql} AS run_count FROM experiments e WHERE ${stageSql} AND (${where.sql})
         ORDER BY ${order} LIMIT ? OFFSET ?`,
      )
      .all(...(stage === 'all' ? [] : [stage]), ...where.params, limit + 1, offset);
    const more = rows.length > limit;
    if (more) rows.pop();
    return {
      experiments: rows.map(toExperiment),
      ...(more ? { nextPageToken: encodePageToken(offset + limit) } : {}),
    };
  }

  /** One experiment by id; NOT_FOUND when there is none. */
  get(id: string): Experiment {
    const row = this.db
      .prepare<[string], ExperimentRow>(`SELECT e.*, ${runCountSql} AS run_count FROM experiments e WHERE e.id = ?`)
      .get(id);
    if (!row) throw new LatheError('NOT_FOUND', `No experiment with id ${id}`, { id });
    return toExperiment(row);
  }

  /** One experiment by exact name, or undefined. */
  findByName(name: string): Experiment | undefined {
    const row = this.db.prepare<[string], { id: number }>('SELECT id FROM experiments WHERE name = ?').get(name.trim());
    return row ? this.get(String(row.id)) : undefined;
  }

  /** Creates an experiment; ALREADY_EXISTS when the name is taken (even by a deleted one). */
  create(name: string): Experiment {
    const clean = name.trim();
    this.assertNameFree(clean);
    const now = Date.now();
    const info = this.db
      .prepare('INSERT INTO experiments (name, created_at, updated_at) VALUES (?, ?, ?)')
      .run(clean, now, now);
    const experiment = this.get(String(info.lastInsertRowid));
    this.events.emit('experiments.changed', { id: experiment.id, change: 'created' });
    return experiment;
  }

  /** Renames an experiment. */
  rename(id: string, name: string): Experiment {
    const clean = name.trim();
    const current = this.get(id);
    if (current.name === clean) return current;
    this.assertNameFree(clean);
    this.db.prepare('UPDATE experiments SET name = ?, updated_at = ? WHERE id = ?').run(clean, Date.now(), id);
    this.events.emit('experiments.changed', { id, change: 'renamed' });
    return this.get(id);
  }

  /** Marks an experiment deleted; it can be restored until it is purged. */
  delete(id: string): Experiment {
    this.setStage(id, 'deleted');
    this.events.emit('experiments.changed', { id, change: 'deleted' });
    return this.get(id);
  }

  /** Brings a deleted experiment back. */
  restore(id: string): Experiment {
    this.setStage(id, 'active');
    this.events.emit('experiments.changed', { id, change: 'restored' });
    return this.get(id);
  }

  /** An experiment's tags (MLflow's experiment tags), by key. */
  tags(id: string): Record<string, string> {
    this.get(id);
    const rows = this.db
      .prepare<[string], { key: string; value: string }>(
        'SELECT key, value FROM experiment_tags WHERE experiment_id = ? ORDER BY key',
      )
      .all(id);
    return Object.fromEntries(rows.map((r) => [r.key, r.value]));
  }

  /** Sets (or overwrites) one tag of an experiment. */
  setTag(id: string, key: string, value: string): void {
    this.get(id);
    this.db
      .prepare(
        'INSERT INTO experiment_tags (experiment_id, key, value) VALUES (?, ?, ?) ON CONFLICT (experiment_id, key) DO UPDATE SET value = excluded.value',
      )
      .run(id, key, value);
    this.db.prepare('UPDATE experiments SET updated_at = ? WHERE id = ?').run(Date.now(), id);
    this.events.emit('experiments.changed', { id, change: 'updated' });
  }

  /** Removes one tag; NOT_FOUND when the experiment has no such tag. */
  deleteTag(id: string, key: string): void {
    this.get(id);
    const info = this.db.prepare('DELETE FROM experiment_tags WHERE experiment_id = ? AND key = ?').run(id, key);
    if (info.changes === 0) throw new LatheError('NOT_FOUND', `Experiment ${id} has no tag "${key}"`, { field: 'key' });
  }

  private setStage(id: string, stage: 'active' | 'deleted'): void {
    this.get(id);
    this.db
      .prepare('UPDATE experiments SET lifecycle_stage = ?, updated_at = ? WHERE id = ?')
      .run(stage, Date.now(), id);
  }

  private assertNameFree(name: string): void {
    const taken = this.db
      .prepare<[string], { id: number; lifecycle_stage: string }>(
        'SELECT id, lifecycle_stage FROM experiments WHERE name = ?',
      )
      .get(name);
    if (taken) {
      const where =
        taken.lifecycle_stage === 'deleted' ? ' (by a deleted experiment: restore it or pick another name)' : '';
      throw new LatheError('ALREADY_EXISTS', `An experiment named "${name}" already exists${where}`, {
        field: 'name',
        id: String(taken.id),
      });
    }
  }
}

function toExperiment(row: ExperimentRow): Experiment {
  return {
    id: String(row.id),
    name: row.name,
    lifecycleStage: row.lifecycle_stage,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    runCount: row.run_count,
  };
}
