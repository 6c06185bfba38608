/**
 * Opens the lineage store (lathe.db): checks the file is SQLite and not from a newer Lathe before
 * touching it, then sets WAL, foreign keys and a busy timeout, and applies pending migrations in one
 * transaction (the scheme of Signal Desktop's ts/sql/migrations).
 */
import Database from 'better-sqlite3';
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { LatheError } from '../../../shared/errors.js';
import { latestSchemaVersion, migrations, type Migration } from './migrations/index.js';

/** The database handle type used across the core. */
export type Db = Database.Database;

const sqliteHeader = Buffer.from('SQLite format 3\0', 'latin1');

/** How long a writer waits for another process's lock before giving up (the app and the CLI share the file). */
export const busyTimeoutMs = 10_000;

/** Opens (creating if needed) and migrates the store at `path`. Throws a LatheError naming the path on any problem. */
export function openDatabase(path: string, options: { migrations?: readonly Migration[] } = {}): Db {
  const steps = options.migrations ?? migrations;
  assertLooksLikeSqlite(path);
  assertNotFromTheFuture(path, steps.length);

  let db: Db;
  try {
    // LATHE_SQLITE_BINDING: a better_sqlite3.node built for Electron's ABI (see scripts/electron-native.mjs).
    const nativeBinding = process.env.LATHE_SQLITE_BINDING;
    db = new Database(path, nativeBinding ? { nativeBinding } : {});
  } catch (error) {
    throw new LatheError('STORE_UNUSABLE', `Cannot open the Lathe database ${path}: ${(error as Error).message}`, {
      path,
    });
  }
  try {
    db.pragma(`busy_timeout = ${busyTimeoutMs}`);
    retryWhileBusy(() => db.pragma('journal_mode = WAL'));
    db.pragma('foreign_keys = ON');
    db.pragma('synchronous = NORMAL');
    retryWhileBusy(() => migrate(db, path, steps));
  } catch (error) {
    db.close();
    if (error instanceof LatheError) throw error;
    throw new LatheError('STORE_UNUSABLE', `Cannot use the Lathe database ${path}: ${(error as Error).message}`, {
      path,
    });
  }
  return db;
}

/**
 * Runs `step` again while another process holds the lock, up to the busy timeout. SQLite answers BUSY at once,
 * without its busy handler, in a few cases: two processes opening a new home together, one switching the file
 * to WAL while the other reads its header, is one (seen as "database is locked" from the second process).
 */
function retryWhileBusy<T>(step: () => T): T {
  const deadline = Date.now() + busyTimeoutMs;
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (;;) {
    try {
      return step();
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      if ((code !== 'SQLITE_BUSY' && code !== 'SQLITE_LOCKED') || Date.now() > deadline) throw error;
      Atomics.wait(pause, 0, 0, 20);
    }
  }
}

/** Refuses a file that exists, is not empty and does not start with SQLite's header, without writing to it. */
function assertLooksLikeSqlite(path: string): void {
  if (!existsSync(path)) return;
  const size = statSync(path).size;
  if (size === 0) return; // An empty file is what SQLite itself creates; it becomes a database.
  const header = Buffer.alloc(sqliteHeader.length);
  const fd = openSync(path, 'r');
  try {
    readSync(fd, header, 0, header.length, 0);
  } finally {
    closeSync(fd);
  }
  if (!header.equals(sqliteHeader)) {
    throw new LatheError(
      'STORE_UNUSABLE',
      `${path} is not a SQLite database; Lathe left it untouched. Move it away or choose another home with --home.`,
      { path },
    );
  }
}

/** Reads user_version read-only; a database written by a newer Lathe is refused and left as it is. */
function assertNotFromTheFuture(path: string, latest: number): void {
  if (!existsSync(path) || statSync(path).size === 0) return;
  let version: number;
  const nativeBinding = process.env.LATHE_SQLITE_BINDING;
  const probe = new Database(path, {
    readonly: true,
    fileMustExist: true,
    ...(nativeBinding ? { nativeBinding } : {}),
  });
  try {
    version = probe.pragma('user_version', { simple: true }) as number;
  } catch (error) {
    throw new LatheError('STORE_UNUSABLE', `${path} cannot be read as a SQLite database: ${(error as Error).message}`, {
      path,
    });
  } finally {
    probe.close();
  }
  if (version > latest) {
    throw new LatheError(
      'STORE_UNUSABLE',
      `${path} has schema version ${version}, newer than this Lathe understands (${latest}). Update Lathe; the file was left untouched.`,
      { path, schemaVersion: version, supported: latest },
    );
  }
}

/** Applies every pending migration in one IMMEDIATE transaction, so two processes never migrate twice. */
function migrate(db: Db, path: string, steps: readonly Migration[]): void {
  const apply = db.transaction(() => {
    // Read inside the write lock: another process may have migrated while we waited.
    const current = db.pragma('user_version', { simple: true }) as number;
    if (current > steps.length) {
      throw new LatheError(
        'STORE_UNUSABLE',
        `${path} has schema version ${current}, newer than this Lathe understands (${steps.length}).`,
        { path },
      );
    }
    for (const step of steps.slice(current)) {
      db.exec(step.sql);
      db.pragma(`user_version = ${step.version}`);
    }
  });
  apply.immediate();
}

/** The schema version recorded in the database. */
export function schemaVersion(db: Db): number {
  return db.pragma('user_version', { simple: true }) as number;
}

export { latestSchemaVersion };
