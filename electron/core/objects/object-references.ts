/**
 * Whether anything in the lineage store still points at an object of the content-addressed store, so a
 * purge removes only bytes nothing references. Features name their object columns `object_hash` (or
 * `hash`, `sha256`, `*_hash`); every such column of every table counts, so a dataset or a model that
 * shares bytes with an artifact keeps them alive. Tables named `*_cache` (the dataset stat cache: path →
 * hash) own nothing: a cache may name bytes that are gone, and its readers check the store first.
 */
import type { Db } from '../store/database.js';

/** Every (table, column) that may hold an object hash. */
export function objectHashColumns(db: Db): { table: string; column: string }[] {
  const tables = db
    .prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
    .all();
  const found: { table: string; column: string }[] = [];
  for (const { name } of tables) {
    if (/_cache$/i.test(name)) continue;
    const columns = db.prepare<[string], { name: string }>('SELECT name FROM pragma_table_info(?)').all(name);
    for (const column of columns) {
      if (/^(object_hash|hash|sha256)$|_hash$/i.test(column.name)) found.push({ table: name, column: column.name });
    }
  }
  return found;
}

/** The hashes among `hashes` that no row of any table references any more. */
export function unreferencedObjects(db: Db, hashes: Iterable<string>): string[] {
  const columns = objectHashColumns(db);
  const checks = columns.map(({ table, column }) =>
    db.prepare<[string], unknown>(
      `SELECT 1 FROM "${table.replace(/"/g, '""')}" WHERE "${column.replace(/"/g, '""')}" = ? LIMIT 1`,
    ),
  );
  const free: string[] = [];
  for (const hash of new Set(hashes)) {
    if (!checks.some((check) => check.get(hash) !== undefined)) free.push(hash);
  }
  return free;
}
