/**
 * Dataset ingest: turning a file into a dataset version. It owns the stat cache, the hashing and
 * checking worker run beside the DuckDB profile, adopting the bytes into the object store, carrying
 * type overrides from the parent version, and the IMMEDIATE transaction that numbers and records the
 * new version in lineage. This is the longest and most failure-prone path of the service, so it is kept
 * apart from reading and deletion, with its dependencies passed in explicitly.
 */
import { randomUUID } from 'node:crypto';
import { rmSync, statSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import type {
  AddDatasetResult,
  ColumnType,
  DatasetColumn,
  DatasetFormat,
  DatasetProfile,
} from '../../../shared/contract/index.js';
import { LatheError } from '../../../shared/errors.js';
import type { EventBus } from '../events.js';
import type { LineageService } from '../lineage/lineage-service.js';
import type { ObjectStore } from '../objects/object-store.js';
import type { Db } from '../store/database.js';
import { runWorkerToEnd } from '../workers/run-worker.js';
import { deletedVersionKind } from './dataset-deletion.js';
import { findByHash, isReferenced, latestRow, versionSelect, type VersionRow } from './dataset-rows.js';
import { formatFromName, type ReadOptions } from './engine.js';
import type { IngestRequest, IngestResponse } from './ingest-protocol.js';
import { inferSchema, profileTable } from './profile.js';
import { queryTable, rememberReadOptions } from './read-table.js';

/** Options of {@link DatasetIngest.add}. */
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
export interface Profiled {
  columns: DatasetColumn[];
  profile: DatasetProfile;
  readOptions: ReadOptions;
}

/** Runs the ingest worker over one file. */
function runIngest(request: IngestRequest): Promise<IngestResponse> {
  return runWorkerToEnd<IngestRequest, IngestResponse>('dataset-ingest', request);
}

/** Adds files as dataset versions. */
export class DatasetIngest {
  constructor(
    private readonly db: Db,
    private readonly objects: ObjectStore,
    private readonly events: EventBus,
    private readonly lineage: LineageService,
  ) {}

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
      const existing = findByHash(this.db, options.name, hash);
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
        const existing = findByHash(this.db, options.name, hash);
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
        if (createdObject && !isReferenced(this.db, hash)) this.objects.remove(hash);
      }
    } finally {
      lease.release();
    }
  }

  /** Type overrides the next version of `name` inherits from its latest version. */
  private inheritedOverrides(name: string): Map<string, ColumnType> {
    const dataset = this.db.prepare('SELECT id FROM datasets WHERE name = ?').get(name) as { id: string } | undefined;
    const parent = dataset ? latestRow(this.db, dataset.id) : undefined;
    return parent ? carriedOverrides(JSON.parse(parent.schema_json) as DatasetColumn[]) : new Map<string, ColumnType>();
  }

  /** Profiles a file with DuckDB, applying `overrides`; a damaged Parquet file is named as such. */
  async profilePath(
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
      const parent = latestRow(this.db, dataset.id);
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
