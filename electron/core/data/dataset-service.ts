/**
 * Datasets: named, versioned, content-addressed tables. Adding a file hashes, checks and copies it in
 * one pass in a worker, stores the bytes under their SHA-256, profiles them with DuckDB and records
 * the version in one IMMEDIATE transaction (object first, then the database; an object nothing
 * references is removed on failure). The same bytes under the same name are the same version.
 */
import { randomBytes, randomUUID } from 'node:crypto';
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
import { runWorkerToEnd } from '../workers/run-worker.js';
import { diffVersions } from './diff.js';
import { formatFromName, readError, sourceSql, sqlString, withConnection, type ReadOptions } from './engine.js';
import type { IngestRequest, IngestResponse } from './ingest-protocol.js';
import { inferSchema, profileTable, readerCells } from './profile.js';
import { queryTable, rememberReadOptions } from './read-table.js';
import { runSandboxedQuery } from './sql-box.js';
import { ColumnarCache, type TableSource } from './columnar-cache.js';
import { sampleFiles, samplesFolder } from './samples.js';
import { DatasetDeletion, deletedVersionKind } from './dataset-deletion.js';
import {
  findByHash,
  isReferenced,
  latestRow,
  rowOf,
  toVersion,
  versionSelect,
  type VersionRow,
} from './dataset-rows.js';

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

/** Options of {@link DatasetService.add}. */
export interface AddOptions {
  path: string;
  name: string;
  message?: string;
  format?: DatasetFormat;
  /** The name a person knows the file by, when `path` is a temp copy (web uploads). */
  originName?: string;
  /** Set for temp copies: no stat cache entry, origin recorded as the upload. */
  transient?: boolean;
}

/** A profiled file: its effective schema, profile and how DuckDB must read it. */
interface Profiled {
  columns: DatasetColumn[];
  profile: DatasetProfile;
  readOptions: ReadOptions;
}

/** Runs the ingest worker over one file. */
function runIngest(request: IngestRequest): Promise<IngestResponse> {
  return runWorkerToEnd<IngestRequest, IngestResponse>('dataset-ingest', request);
}

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

  /** Adds a file as the next version of `name` (or names the existing version holding the same bytes). */
  async add(options: AddOptions): Promise<AddDatasetResult> {
    const path = resolvePath(options.path);
    const label = options.originName ?? options.path;
    const format = options.format ?? formatFromName(options.originName ?? path);
    if (!format) {
      throw new LatheError(
        'BAD_INPUT',
        `${label}: cannot tell the format from the file name; use .csv, .tsv, .parquet or .jsonl (or pass --format)`,
        { file: label },
      );
    }
    let stat;
    try {
      stat = statSync(path, { bigint: true });
    } catch {
      throw new LatheError('NOT_FOUND', `${label}: no such file`, { file: label });
    }
    if (!stat.isFile()) throw new LatheError('BAD_INPUT', `${label}: not a regular file`, { file: label });
    const size = Number(stat.size);
    const mtimeNs = stat.mtimeNs.toString();
    const inode = stat.ino.toString();
    const origin = { path: options.transient ? label : path, size, mtimeMs: Number(stat.mtimeMs) };

    // 1. The stat cache: an unchanged file is not hashed again.
    let hash: string | undefined;
    if (!options.transient) {
      const cached = this.db
        .prepare('SELECT hash FROM dataset_stat_cache WHERE path = ? AND size = ? AND mtime_ns = ? AND inode = ?')
        .get(path, size, mtimeNs, inode) as { hash: string } | undefined;
      if (cached && this.objects.has(cached.hash)) hash = cached.hash;
    }
    if (hash) {
      const existing = this.findByHash(options.name, hash);
      if (existing) return this.addResult(existing, true);
    }

    // 2. Hash, check and copy in one pass, in the worker; DuckDB profiles the same file meanwhile.
    let createdObject = false;
    let checkedNames: string[] = [];
    let early: Promise<{ ok: true; value: Profiled } | { ok: false; error: unknown }> | undefined;
    const overrides = this.inheritedOverrides(options.name);
    // Held from before the copy exists until the version commits, so a collector in another process leaves it be.
    const lease = this.objects.lease();
    try {
      if (!hash) {
        const temp = this.objects.tempPath('ingest');
        // Both read the user's file side by side (the worker on one core, DuckDB on the rest); the result
        // is kept only if the worker's checks pass and the file did not change meanwhile.
        early = this.profilePath(path, format, label, overrides).then(
          (value) => ({ ok: true as const, value }),
          (error: unknown) => ({ ok: false as const, error }),
        );
        let response: IngestResponse;
        try {
          response = await runIngest({ source: path, format, copyTo: temp });
        } catch (error) {
          rmSync(temp, { force: true });
          await early;
          throw error;
        }
        if (!response.ok) {
          await early;
          rmSync(temp, { force: true });
          const p = response.problem;
          if (response.io)
            throw new LatheError('BAD_INPUT', `${label}: cannot read the file: ${p.message}`, { file: label });
          throw new LatheError('BAD_INPUT', `${label}: ${p.message}`, {
            file: label,
            ...(p.line !== undefined ? { line: p.line } : {}),
            ...(p.column !== undefined ? { column: p.column } : {}),
            ...(p.field !== undefined ? { field: p.field } : {}),
          });
        }
        hash = response.hash;
        checkedNames = response.summary.header;
        const now = statSync(path, { bigint: true });
        if (now.size !== stat.size || now.mtimeNs !== stat.mtimeNs) {
          rmSync(temp, { force: true });
          await early;
          throw new LatheError(
            'CONFLICT',
            `${label} changed while it was being added; add it again once it is complete`,
            { file: label },
          );
        }
        createdObject = this.objects.adopt(temp, hash, lease).created;
        if (!options.transient) this.rememberStat(path, size, mtimeNs, inode, hash);
        const existing = this.findByHash(options.name, hash);
        if (existing) {
          await early;
          return this.addResult(existing, true);
        }
      }

      // 3. Schema and profile: from the run beside the worker, or reused when these bytes are already a version elsewhere.
      try {
        const twin = this.db
          .prepare(`${versionSelect} WHERE v.hash = ? AND v.format = ? ORDER BY v.created_at LIMIT 1`)
          .get(hash, format) as VersionRow | undefined;
        let columns: DatasetColumn[];
        let profile: DatasetProfile;
        let readOptions: ReadOptions;
        const profiled = early ? await early : undefined;
        if (profiled && !profiled.ok) throw profiled.error;
        const sampledTooFew = (value: Profiled) =>
          format === 'jsonl' && checkedNames.some((name) => !value.columns.some((c) => c.name === name));
        if (profiled?.ok && sampledTooFew(profiled.value)) {
          // A key that first appears after DuckDB's sample would be dropped: read the whole file to infer the schema.
          rememberReadOptions(this.objects.pathOf(hash), { sampleSize: -1 });
          ({ columns, profile, readOptions } = await this.profilePath(
            this.objects.pathOf(hash),
            format,
            label,
            overrides,
          ));
        } else if (profiled?.ok) {
          ({ columns, profile, readOptions } = profiled.value);
        } else if (
          twin &&
          overrides.size === 0 &&
          (JSON.parse(twin.schema_json) as DatasetColumn[]).every((c) => c.type === c.inferredType)
        ) {
          columns = JSON.parse(twin.schema_json) as DatasetColumn[];
          profile = JSON.parse(twin.profile_json) as DatasetProfile;
          readOptions = JSON.parse(twin.read_options_json) as ReadOptions;
        } else {
          ({ columns, profile, readOptions } = await this.profilePath(
            this.objects.pathOf(hash),
            format,
            label,
            overrides,
          ));
        }
        if (profile.rows === 0) throw new LatheError('BAD_INPUT', `${label}: the file has no rows`, { file: label });
        const { row: version, created } = this.insertVersion({
          name: options.name,
          hash,
          size,
          format,
          columns,
          profile,
          readOptions,
          message: options.message ?? '',
          origin,
        });
        createdObject = false;
        if (created)
          this.events.emit('datasets.changed', { name: options.name, version: version.version, change: 'added' });
        return this.addResult(version, !created);
      } finally {
        if (createdObject && !this.isReferenced(hash)) this.objects.remove(hash);
      }
    } finally {
      lease.release();
    }
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
    const { columns, profile } = await this.profilePath(
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

  private findByHash(name: string, hash: string): VersionRow | undefined {
    return findByHash(this.db, name, hash);
  }

  private latestRow(datasetId: string): VersionRow | undefined {
    return latestRow(this.db, datasetId);
  }

  private isReferenced(hash: string): boolean {
    return isReferenced(this.db, hash);
  }

  /** Type overrides the next version of `name` inherits from its latest version. */
  private inheritedOverrides(name: string): Map<string, ColumnType> {
    const dataset = this.db.prepare('SELECT id FROM datasets WHERE name = ?').get(name) as { id: string } | undefined;
    const parent = dataset ? this.latestRow(dataset.id) : undefined;
    return parent ? carriedOverrides(JSON.parse(parent.schema_json) as DatasetColumn[]) : new Map<string, ColumnType>();
  }

  private async profilePath(
    path: string,
    format: DatasetFormat,
    label: string,
    overrides: Map<string, ColumnType>,
  ): Promise<Profiled> {
    try {
      return await this.profileWithDuckDb(path, format, label, overrides);
    } catch (error) {
      if (format !== 'parquet' || !(error instanceof LatheError)) throw error;
      const reason = error.message.startsWith(`${label}: `) ? error.message.slice(label.length + 2) : error.message;
      throw new LatheError(
        'BAD_INPUT',
        `${label}: the Parquet file is damaged or cannot be read (${reason})`,
        error.details,
      );
    }
  }

  private async profileWithDuckDb(
    path: string,
    format: DatasetFormat,
    label: string,
    overrides: Map<string, ColumnType>,
  ): Promise<Profiled> {
    return queryTable(
      path,
      format,
      async (connection, source, readOptions) => {
        await connection.run(`CREATE TEMP TABLE lathe_profile AS SELECT * FROM ${source}`);
        const schema = await inferSchema(connection, 'lathe_profile');
        const columns = schema.map((c) => ({
          name: c.name,
          inferredType: c.inferred,
          type: overrides.get(c.name) ?? c.inferred,
          base: c.base,
        }));
        const profile = await profileTable(connection, 'lathe_profile', columns);
        return {
          columns: columns.map(({ name, type, inferredType }) => ({ name, type, inferredType })),
          profile,
          readOptions: {
            format,
            ...(readOptions.sampleSize !== undefined ? { sampleSize: readOptions.sampleSize } : {}),
          },
        };
      },
      label,
    );
  }

  private insertVersion(input: {
    name: string;
    hash: string;
    size: number;
    format: DatasetFormat;
    columns: DatasetColumn[];
    profile: DatasetProfile;
    readOptions: ReadOptions;
    message: string;
    origin: { path: string; size: number; mtimeMs: number };
  }): { row: VersionRow; created: boolean } {
    const now = Date.now();
    const insert = this.db.transaction((): { row: VersionRow; created: boolean } => {
      let dataset = this.db.prepare('SELECT id FROM datasets WHERE name = ?').get(input.name) as
        { id: string } | undefined;
      if (!dataset) {
        dataset = { id: randomUUID() };
        this.db
          .prepare('INSERT INTO datasets (id, name, created_at, updated_at) VALUES (?, ?, ?, ?)')
          .run(dataset.id, input.name, now, now);
      }
      // Re-checked inside the lock: another process may have added these bytes meanwhile.
      const same = this.db
        .prepare('SELECT id FROM dataset_versions WHERE dataset_id = ? AND hash = ?')
        .get(dataset.id, input.hash) as { id: string } | undefined;
      if (same)
        return { row: this.db.prepare(`${versionSelect} WHERE v.id = ?`).get(same.id) as VersionRow, created: false };
      const parent = this.latestRow(dataset.id);
      const tombstones = this.lineage.targetIds({ kind: 'dataset', id: dataset.id }, deletedVersionKind).map(Number);
      const deleted = { top: tombstones.length > 0 ? Math.max(...tombstones) : null };
      const id = randomUUID();
      this.db
        .prepare(
          `INSERT INTO dataset_versions (id, dataset_id, version, hash, size, format, row_count, schema_json, profile_json, read_options_json, message,
             origin_path, origin_size, origin_mtime_ms, parent_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          id,
          dataset.id,
          Math.max(parent?.version ?? 0, deleted.top ?? 0) + 1,
          input.hash,
          input.size,
          input.format,
          input.profile.rows,
          JSON.stringify(input.columns),
          JSON.stringify(input.profile),
          JSON.stringify(input.readOptions),
          input.message,
          input.origin.path,
          input.origin.size,
          input.origin.mtimeMs,
          parent?.id ?? null,
          now,
        );
      const created = { kind: 'dataset_version', id };
      if (parent) this.lineage.add({ kind: 'dataset_version', id: parent.id }, created, 'parent', now);
      this.lineage.add({ kind: 'file', id: input.origin.path }, created, 'origin', now);
      this.db.prepare('UPDATE datasets SET updated_at = ? WHERE id = ?').run(now, dataset.id);
      return { row: this.db.prepare(`${versionSelect} WHERE v.id = ?`).get(id) as VersionRow, created: true };
    });
    return insert.immediate();
  }

  private rememberStat(path: string, size: number, mtimeNs: string, inode: string, hash: string): void {
    // Only when the file did not change while it was read; otherwise the next add hashes again.
    const now = statSync(path, { bigint: true });
    if (Number(now.size) !== size || now.mtimeNs.toString() !== mtimeNs) return;
    this.db
      .prepare(
        `INSERT INTO dataset_stat_cache (path, size, mtime_ns, inode, hash, checked_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (path) DO UPDATE SET size = excluded.size, mtime_ns = excluded.mtime_ns, inode = excluded.inode, hash = excluded.hash, checked_at = excluded.checked_at`,
      )
      .run(path, size, mtimeNs, inode, hash, Date.now());
  }

  /** Names a dataset version for the lineage graph (undefined when it is gone). */
  private describeVersion(id: string): { label: string; name: string; version: number } | undefined {
    const row = this.db
      .prepare('SELECT d.name, v.version FROM dataset_versions v JOIN datasets d ON d.id = v.dataset_id WHERE v.id = ?')
      .get(id) as { name: string; version: number } | undefined;
    return row ? { label: `${row.name}@${row.version}`, name: row.name, version: row.version } : undefined;
  }

  private addResult(row: VersionRow, deduplicated: boolean): AddDatasetResult {
    const columns = (JSON.parse(row.schema_json) as DatasetColumn[]).length;
    return {
      name: row.name,
      version: row.version,
      versionId: row.id,
      hash: row.hash,
      rows: row.row_count,
      columns,
      deduplicated,
    };
  }
}

/** Type overrides a new version inherits from its parent. */
function carriedOverrides(parentSchema: DatasetColumn[]): Map<string, ColumnType> {
  return new Map(parentSchema.filter((c) => c.type !== c.inferredType).map((c) => [c.name, c.type]));
}
