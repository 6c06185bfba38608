/**
 * Dataset version rows: the SQL row shape of a version, the one SELECT that reads it with its dataset
 * name and parent number, its conversion to the public `DatasetVersion`, and the small lookups (by hash,
 * latest, by reference) every other dataset piece needs. Kept apart so ingest, deletion and the reading
 * methods share one definition of a row instead of each reaching into the service for it.
 */
import type { DatasetColumn, DatasetFormat, DatasetVersion } from '../../../shared/contract/index.js';
import { LatheError } from '../../../shared/errors.js';
import type { Db } from '../store/database.js';

/** A `dataset_versions` row joined with its dataset name and parent version number. */
export interface VersionRow {
  id: string;
  dataset_id: string;
  name: string;
  version: number;
  hash: string;
  size: number;
  format: DatasetFormat;
  row_count: number;
  schema_json: string;
  profile_json: string;
  read_options_json: string;
  message: string;
  origin_path: string | null;
  origin_size: number | null;
  origin_mtime_ms: number | null;
  parent_version: number | null;
  created_at: number;
}

/** Selects version rows (append a WHERE clause). */
export const versionSelect = `
  SELECT v.*, d.name AS name, p.version AS parent_version
  FROM dataset_versions v JOIN datasets d ON d.id = v.dataset_id
  LEFT JOIN dataset_versions p ON p.id = v.parent_id`;

/** Parses NAME, NAME@latest, NAME@3. */
export function parseRef(ref: string): { name: string; version: number | 'latest' } {
  const match = /^([A-Za-z0-9][A-Za-z0-9._-]*)(?:@(latest|\d+))?$/.exec(ref.trim());
  if (!match)
    throw new LatheError('BAD_INPUT', `"${ref}" is not a dataset reference; use NAME, NAME@latest or NAME@3`, { ref });
  const version = match[2] === undefined || match[2] === 'latest' ? 'latest' : Number(match[2]);
  return { name: match[1]!, version };
}

/** Converts a row to the public version shape. */
export function toVersion(row: VersionRow): DatasetVersion {
  return {
    id: row.id,
    datasetId: row.dataset_id,
    name: row.name,
    version: row.version,
    hash: row.hash,
    size: row.size,
    format: row.format,
    rows: row.row_count,
    columns: JSON.parse(row.schema_json) as DatasetColumn[],
    message: row.message,
    origin:
      row.origin_path === null
        ? null
        : { path: row.origin_path, size: row.origin_size ?? 0, mtimeMs: row.origin_mtime_ms ?? 0 },
    parentVersion: row.parent_version,
    createdAt: row.created_at,
  };
}

/** The version of dataset `name` holding `hash`, if any. */
export function findByHash(db: Db, name: string, hash: string): VersionRow | undefined {
  return db.prepare(`${versionSelect} WHERE d.name = ? AND v.hash = ?`).get(name, hash) as VersionRow | undefined;
}

/** The latest version of a dataset, if it has any. */
export function latestRow(db: Db, datasetId: string): VersionRow | undefined {
  return db.prepare(`${versionSelect} WHERE v.dataset_id = ? ORDER BY v.version DESC LIMIT 1`).get(datasetId) as
    VersionRow | undefined;
}

/** The row a NAME, NAME@latest or NAME@3 reference names (NOT_FOUND when there is none). */
export function rowOf(db: Db, ref: string): VersionRow {
  const { name, version } = parseRef(ref);
  const dataset = db.prepare('SELECT id FROM datasets WHERE name = ?').get(name) as { id: string } | undefined;
  if (!dataset) throw new LatheError('NOT_FOUND', `No dataset named "${name}"`, { ref });
  const row =
    version === 'latest'
      ? latestRow(db, dataset.id)
      : (db.prepare(`${versionSelect} WHERE v.dataset_id = ? AND v.version = ?`).get(dataset.id, version) as
          VersionRow | undefined);
  if (!row) {
    const latest = latestRow(db, dataset.id);
    throw new LatheError(
      'NOT_FOUND',
      `Dataset "${name}" has no version ${version}${latest ? ` (latest is ${latest.version})` : ''}`,
      { ref },
    );
  }
  return row;
}

/** Whether any dataset version still holds the object `hash`. */
export function isReferenced(db: Db, hash: string): boolean {
  return db.prepare('SELECT 1 FROM dataset_versions WHERE hash = ? LIMIT 1').get(hash) !== undefined;
}
