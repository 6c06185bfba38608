import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openDatabase, schemaVersion } from './database.js';
import { latestSchemaVersion } from './migrations/index.js';
import { LatheError } from '../../../shared/errors.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'lathe-db-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

describe('openDatabase', () => {
  it('creates a migrated store with WAL, foreign keys and a busy timeout', () => {
    const db = openDatabase(join(dir, 'lathe.db'));
    expect(schemaVersion(db)).toBe(latestSchemaVersion);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('busy_timeout', { simple: true })).toBeGreaterThanOrEqual(5000);
    expect(db.prepare('SELECT name FROM experiments WHERE id = 0').get()).toEqual({ name: 'Default' });
    db.close();
  });

  it('opens an existing store again without re-running migrations', () => {
    openDatabase(join(dir, 'lathe.db')).close();
    const db = openDatabase(join(dir, 'lathe.db'));
    expect((db.prepare('SELECT COUNT(*) AS n FROM experiments').get() as { n: number }).n).toBe(1);
    db.close();
  });

  it('refuses a file that is not SQLite, naming the path and leaving it untouched', () => {
    const path = join(dir, 'lathe.db');
    writeFileSync(path, 'name,value\nthis is a csv file, not a database\n');
    const before = sha(path);
    expect(() => openDatabase(path)).toThrowError(new RegExp(`${path}.*not a SQLite database`));
    expect(sha(path)).toBe(before);
    expect(existsSync(`${path}-wal`)).toBe(false);
  });

  it('refuses a database from a newer schema, leaving it untouched', () => {
    const path = join(dir, 'lathe.db');
    const future = new Database(path);
    future.pragma(`user_version = ${latestSchemaVersion + 5}`);
    future.exec('CREATE TABLE from_the_future (x)');
    future.close();
    const before = sha(path);
    let caught: unknown;
    try {
      openDatabase(path);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(LatheError);
    expect((caught as LatheError).code).toBe('STORE_UNUSABLE');
    expect((caught as LatheError).message).toContain(path);
    expect((caught as LatheError).message).toContain(`schema version ${latestSchemaVersion + 5}`);
    expect(sha(path)).toBe(before);
  });

  it('applies pending migrations in one transaction: a failing step leaves the old schema', () => {
    const path = join(dir, 'lathe.db');
    const good = { version: 1, name: 'one', sql: 'CREATE TABLE a (x);' };
    openDatabase(path, { migrations: [good] }).close();
    const broken = [
      good,
      { version: 2, name: 'two', sql: 'CREATE TABLE b (x);' },
      { version: 3, name: 'bad', sql: 'THIS IS NOT SQL;' },
    ];
    expect(() => openDatabase(path, { migrations: broken })).toThrow(LatheError);
    const db = new Database(path, { readonly: true });
    expect(db.pragma('user_version', { simple: true })).toBe(1);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'b'").get()).toBeUndefined();
    db.close();
  });

  it('loads the native binding named by LATHE_SQLITE_BINDING (how the Electron app gets an Electron-ABI build)', () => {
    const previous = process.env.LATHE_SQLITE_BINDING;
    try {
      process.env.LATHE_SQLITE_BINDING = join(dir, 'missing', 'better_sqlite3.node');
      expect(() => openDatabase(join(dir, 'lathe.db'))).toThrowError(/Cannot open the Lathe database/);
      process.env.LATHE_SQLITE_BINDING = new URL(
        '../../../node_modules/better-sqlite3/build/Release/better_sqlite3.node',
        import.meta.url,
      ).pathname;
      openDatabase(join(dir, 'lathe.db')).close();
    } finally {
      if (previous === undefined) delete process.env.LATHE_SQLITE_BINDING;
      else process.env.LATHE_SQLITE_BINDING = previous;
    }
  });

  it('has migrations numbered 1..n without gaps', async () => {
    const { migrations } = await import('./migrations/index.js');
    expect(migrations.map((m) => m.version)).toEqual(migrations.map((_, i) => i + 1));
  });
});
