/**
 * Datasets: named, versioned, content-addressed tables. Adding a file hashes, checks and copies it in
 * one pass in a worker, stores the bytes under their SHA-256, profiles them with DuckDB and records
 * the version in one IMMEDIATE transaction (object first, then the database; an object nothing
 * references is removed on failure). The same bytes under the same name are the same version.
 */
import { randomBytes } from 'node:crypto';
import type { LineageService } from '../lineage/lineage-service.js';
import { existsSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve as resolvePath } from 'node:path';
import type {
  AddDatasetResult,
  ColumnType,
  DatasetColumn,
  DatasetDependent,
  DatasetDiff,
  DatasetFormat,
  DatasetProfile,
  DatasetSummary,
  DatasetVersion,
  DeleteDatasetResult,
  QueryResult,
} from '../../../shared/contract/index.js';
import { LatheError } from '../../../shared/errors.js';
import type { EventBus } from '../events.js';
import type { ObjectStore } from '../objects/object-store.js';
import type { Db } from '../store/database.js';
import { diffVersions } from './diff.js';
import { formatFromName, readError, sourceSql, sqlString, withConnection, type ReadOptions } from './engine.js';
import { readerCells } from './profile.js';
import { rememberReadOptions } from './read-table.js';
import { runSandboxedQuery } from './sql-box.js';
import { ColumnarCache, type TableSource } from './columnar-cache.js';
import { sampleFiles, samplesFolder } from './samples.js';
import { DatasetDeletion } from './dataset-deletion.js';
import { DatasetIngest, type AddOptions } from './dataset-ingest.js';
import { rowOf, toVersion, versionSelect, type VersionRow } from './dataset-rows.js';

export { parseRef } from './dataset-rows.js';

/** What {@link DatasetService.resolve} returns: everything a reader needs to open a version. */
export interface ResolvedDataset {
  datasetId: string;
  name: string;
  version: number;
  versionId: string;
  hash: string;
  /** The object-store file (no extension: pass `format` to the readers). */
  path: string;
  format: DatasetFormat;
  columns: { name: string; type: ColumnType }[];
  rows: number;
  readOptions: ReadOptions;
}

export type { AddOptions } from './dataset-ingest.js';

/** The datasets service (`core.datasets`). */
export class DatasetService {
  constructor(
    private readonly db: Db,
    private readonly objects: ObjectStore,
    private readonly events: EventBus,
    private readonly lineage: LineageService,
    home: string,
  ) {
    this.columnar = new ColumnarCache(join(home, 'cache', 'columnar'));
    this.deletion = new DatasetDeletion(db, objects, events, lineage, this.columnar);
    this.ingest = new DatasetIngest(db, objects, events, lineage);
    lineage.registerKind('dataset_version', {
      prefix: 'dataset',
      resolve: (reference) => this.rowOf(reference).id,
      describe: (id) => this.describeVersion(id),
    });
    lineage.registerKind('file', { describe: (path) => ({ label: path }) });
  }

  /** Parquet copies of large text versions for rows, SQL and diffs. */
  readonly columnar: ColumnarCache;

  /** Deleting datasets and versions, and listing what was made from them. */
  private readonly deletion: DatasetDeletion;

  /** Adding files as versions: the room the shells' add paths call straight into (see `add`). */
  readonly ingest: DatasetIngest;

  /** A fresh file name in the temp folder beside the object store (the folder exists; the file does not). */
  tempPath(prefix: string): string {
    return this.objects.tempPath(prefix);
  }

  /** How rows, SQL and diffs read a version. */
  private async tableSource(row: VersionRow): Promise<TableSource> {
    return this.columnar.source(
      this.objects.checkedPath(row.hash),
      row.hash,
      row.size,
      JSON.parse(row.read_options_json) as ReadOptions,
    );
  }

  /**
   * Adds a file as the next version of `name` (or names the existing version holding the same bytes). Kept for
   * callers inside core; the CLI and the server call `ingest.add` directly, one file fewer on their way down.
   */
  add(options: AddOptions): Promise<AddDatasetResult> {
    return this.ingest.add(options);
  }

  /** Adds the bundled sample as two versions of "customers-sample" (the same bytes again add nothing). */
  async addSample(): Promise<AddDatasetResult[]> {
    const folder = samplesFolder();
    const results: AddDatasetResult[] = [];
    for (const sample of sampleFiles)
      results.push(
        await this.add({ path: join(folder, sample.file), name: 'customers-sample', message: sample.message }),
      );
    return results;
  }

  /** Every dataset with its latest version, most recently changed first. */
  list(): DatasetSummary[] {
    // One query: each dataset's latest version, with the dataset's own times and its version count.
    const rows = this.db
      .prepare(
        `SELECT v.*, d.name AS name, p.version AS parent_version,
                m.version_count, d.created_at AS dataset_created_at, d.updated_at AS dataset_updated_at
         FROM dataset_versions v JOIN datasets d ON d.id = v.dataset_id
         LEFT JOIN dataset_versions p ON p.id = v.parent_id
         JOIN (SELECT dataset_id, max(version) AS latest, count(*) AS version_count FROM dataset_versions GROUP BY dataset_id) m
           ON m.dataset_id = v.dataset_id AND m.latest = v.version
         ORDER BY d.updated_at DESC, d.name`,
      )
      .all() as (VersionRow & { version_count: number; dataset_created_at: number; dataset_updated_at: number })[];
    return rows.map((row) => ({
      id: row.dataset_id,
      name: row.name,
      versionCount: row.version_count,
      latest: toVersion(row),
      createdAt: row.dataset_created_at,
      updatedAt: row.dataset_updated_at,
    }));
  }

  /** Every version of a dataset, newest first. */
  versions(name: string): DatasetVersion[] {
    const rows = this.db.prepare(`${versionSelect} WHERE d.name = ? ORDER BY v.version DESC`).all(name) as VersionRow[];
    if (rows.length === 0) throw new LatheError('NOT_FOUND', `No dataset named "${name}"`, { name });
    return rows.map(toVersion);
  }

  /** A version and its profile. */
  show(ref: string): { version: DatasetVersion; profile: DatasetProfile } {
    const row = this.rowOf(ref);
    return { version: toVersion(row), profile: JSON.parse(row.profile_json) as DatasetProfile };
  }

  /** Resolves NAME, NAME@latest or NAME@3 to the object and schema of that version. */
  resolve(ref: string): ResolvedDataset {
    const row = this.rowOf(ref);
    const path = this.objects.checkedPath(row.hash);
    const readOptions = JSON.parse(row.read_options_json) as ReadOptions;
    rememberReadOptions(path, readOptions);
    const columns = (JSON.parse(row.schema_json) as DatasetColumn[]).map((c) => ({ name: c.name, type: c.type }));
    return {
      datasetId: row.dataset_id,
      name: row.name,
      version: row.version,
      versionId: row.id,
      hash: row.hash,
      path,
      format: row.format,
      columns,
      rows: row.row_count,
      readOptions,
    };
  }

  /** Overrides a column's type (null returns to the inferred one) and re-profiles the version. */
  async setColumnType(
    ref: string,
    column: string,
    type: ColumnType | null,
  ): Promise<{ version: DatasetVersion; profile: DatasetProfile }> {
    const row = this.rowOf(ref);
    const schema = JSON.parse(row.schema_json) as DatasetColumn[];
    const target = schema.find((c) => c.name === column);
    if (!target) throw new LatheError('BAD_INPUT', `${row.name}@${row.version} has no column "${column}"`, { column });
    const overrides = new Map(
      schema.filter((c) => c.type !== c.inferredType && c.name !== column).map((c) => [c.name, c.type]),
    );
    if (type !== null && type !== target.inferredType) overrides.set(column, type);
    const { columns, profile } = await this.ingest.profilePath(
      this.objects.pathOf(row.hash),
      row.format,
      `${row.name}@${row.version}`,
      overrides,
    );
    this.db
      .prepare('UPDATE dataset_versions SET schema_json = ?, profile_json = ? WHERE id = ?')
      .run(JSON.stringify(columns), JSON.stringify(profile), row.id);
    this.events.emit('datasets.changed', { name: row.name, version: row.version, change: 'retyped' });
    return this.show(`${row.name}@${row.version}`);
  }

  /** A page of rows of a version, in file order. */
  async rows(ref: string, offset: number, limit: number): Promise<QueryResult> {
    const row = this.rowOf(ref);
    const label = `${row.name}@${row.version}`;
    const started = performance.now();
    try {
      const source = await this.tableSource(row);
      return await withConnection(async (connection) => {
        const reader = await connection.runAndReadAll(`SELECT * FROM ${source.sql} LIMIT ${limit} OFFSET ${offset}`);
        return {
          columns: reader.columnNames().map((name, i) => ({ name, type: reader.columnTypes()[i]!.toString() })),
          rows: readerCells(reader),
          truncated: offset + limit < row.row_count,
          elapsedMs: Math.round(performance.now() - started),
        };
      });
    } catch (error) {
      throw readError(label, error);
    }
  }

  /** Runs one read-only SELECT over a version, exposed as the table `data`. */
  async sql(ref: string, sql: string, limit: number): Promise<QueryResult> {
    const source = await this.tableSource(this.rowOf(ref));
    return runSandboxedQuery(source.path, source.sql, sql, limit);
  }

  /** Compares two versions (any datasets); with `key`, also row by row. */
  async diff(refA: string, refB: string, key?: string): Promise<DatasetDiff> {
    const a = this.rowOf(refA);
    const b = this.rowOf(refB);
    return diffVersions(
      {
        version: toVersion(a),
        profile: JSON.parse(a.profile_json) as DatasetProfile,
        source: (await this.tableSource(a)).sql,
      },
      {
        version: toVersion(b),
        profile: JSON.parse(b.profile_json) as DatasetProfile,
        source: (await this.tableSource(b)).sql,
      },
      key,
    );
  }

  /**
   * Writes a version to `out`: the stored bytes when the extension matches the version's format (or
   * there is none), otherwise converted by DuckDB. Refuses to overwrite unless `overwrite`.
   */
  async export(
    ref: string,
    out: string,
    overwrite = false,
  ): Promise<{ path: string; bytes: number; format: DatasetFormat; converted: boolean }> {
    const resolved = this.resolve(ref);
    const target = resolvePath(out);
    if (existsSync(target) && !overwrite)
      throw new LatheError('ALREADY_EXISTS', `${out} already exists (pass --force to overwrite)`, { file: out });
    if (!existsSync(dirname(target)))
      throw new LatheError('NOT_FOUND', `${dirname(out)}: no such folder`, { file: out });
    const wanted = formatFromName(basename(target)) ?? resolved.format;
    const temp = join(dirname(target), `.${basename(target)}.lathe-${randomBytes(4).toString('hex')}`);
    try {
      if (wanted === resolved.format) await this.objects.copyTo(resolved.hash, temp);
      else {
        // DuckDB reads by path, so the bytes are checked against the hash before they are converted out.
        await this.objects.assertIntact(resolved.hash);
        const options =
          wanted === 'parquet'
            ? 'FORMAT parquet'
            : wanted === 'jsonl'
              ? 'FORMAT json'
              : wanted === 'tsv'
                ? "FORMAT csv, HEADER, DELIMITER E'\\t'"
                : 'FORMAT csv, HEADER';
        await withConnection((connection) =>
          connection.run(
            `COPY (SELECT * FROM ${sourceSql(resolved.path, resolved.readOptions)}) TO ${sqlString(temp)} (${options})`,
          ),
        );
      }
      renameSync(temp, target);
    } finally {
      rmSync(temp, { force: true });
    }
    return { path: target, bytes: statSync(target).size, format: wanted, converted: wanted !== resolved.format };
  }

  /** The runs and model versions made from any version of `name`, oldest first. */
  dependents(name: string): DatasetDependent[] {
    return this.deletion.dependents(name);
  }

  /**
   * Deletes NAME (every version; the name is free again) or NAME@3 (one version; later versions keep
   * their numbers and the next one never reuses 3). Refused while a run or model version was made from
   * it, unless `force` (they stay, naming data that is gone). The bytes go only when nothing else in
   * the store references them.
   */
  delete(ref: string, force = false): DeleteDatasetResult {
    return this.deletion.delete(ref, force);
  }

  private rowOf(ref: string): VersionRow {
    return rowOf(this.db, ref);
  }

  /** Names a dataset version for the lineage graph (undefined when it is gone). */
  private describeVersion(id: string): { label: string; name: string; version: number } | undefined {
    const row = this.db
      .prepare('SELECT d.name, v.version FROM dataset_versions v JOIN datasets d ON d.id = v.dataset_id WHERE v.id = ?')
      .get(id) as { name: string; version: number } | undefined;
    return row ? { label: `${row.name}@${row.version}`, name: row.name, version: row.version } : undefined;
  }
}
