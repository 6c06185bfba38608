/**
 * Derived Parquet copies of large text-format versions (CSV, TSV, JSON Lines), made on first use, so
 * paging rows, SQL and diffs scan compressed columns instead of re-parsing text each time. The copy is
 * written to a temp name and renamed; it is derived data, safe to delete (it is made again).
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { sourceSql, sqlString, withConnection, type ReadOptions } from './engine.js';

/** Files at least this large get a Parquet copy. */
export const defaultColumnarThresholdBytes = 32 * 1024 * 1024;

/** A table expression and the one file it reads. */
export interface TableSource {
  sql: string;
  path: string;
}

/** The cache folder and its builds in progress. */
export class ColumnarCache {
  private readonly building = new Map<string, Promise<void>>();
  /** Files at least this large get a Parquet copy (tests lower it). */
  thresholdBytes = defaultColumnarThresholdBytes;

  constructor(private readonly folder: string) {}

  /** Where the copy of `hash` lives. */
  pathFor(hash: string): string {
    return join(this.folder, `${hash}.parquet`);
  }

  /** How to read a version: its Parquet copy when the object is large text (made now if missing), else the object. */
  async source(objectPath: string, hash: string, size: number, readOptions: ReadOptions): Promise<TableSource> {
    if (readOptions.format === 'parquet' || size < this.thresholdBytes)
      return { sql: sourceSql(objectPath, readOptions), path: objectPath };
    const target = this.pathFor(hash);
    if (!existsSync(target)) {
      let build = this.building.get(hash);
      if (!build) {
        build = this.build(objectPath, target, readOptions).finally(() => this.building.delete(hash));
        this.building.set(hash, build);
      }
      await build;
    }
    return { sql: `read_parquet(${sqlString(target)})`, path: target };
  }

  private async build(objectPath: string, target: string, readOptions: ReadOptions): Promise<void> {
    mkdirSync(this.folder, { recursive: true });
    const temp = `${target}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      await withConnection((connection) =>
        connection.run(
          `COPY (SELECT * FROM ${sourceSql(objectPath, readOptions)}) TO ${sqlString(temp)} (FORMAT parquet)`,
        ),
      );
      renameSync(temp, target);
    } finally {
      rmSync(temp, { force: true });
    }
  }
}
