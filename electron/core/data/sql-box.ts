/**
 * The read-only SQL box: one SELECT over one version, exposed as the view `data`. It runs in its own
 * short-lived DuckDB instance whose file access is limited to that version's object
 * (`allowed_paths` + `enable_external_access=false`, then `lock_configuration`), so a query cannot
 * read other files, write, attach databases or change settings. Non-SELECT statements are refused
 * before they run. https://duckdb.org/docs/stable/operations_manual/securing_duckdb/overview
 */
import { DuckDBInstance, JsonDuckDBValueConverter, StatementType } from '@duckdb/node-api';
import type { QueryResult } from '../../../shared/contract/index.js';
import { LatheError } from '../../../shared/errors.js';
import { sqlString } from './engine.js';
import { toTypedCell } from './profile.js';

/** How long one query may run. */
export const sqlTimeoutMs = 30_000;

/** Runs `sql` against the view `data` defined as `SELECT * FROM <source>`; returns at most `limit` rows. */
export async function runSandboxedQuery(
  objectPath: string,
  source: string,
  sql: string,
  limit: number,
): Promise<QueryResult> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  const timer = setTimeout(() => connection.interrupt(), sqlTimeoutMs);
  try {
    await connection.run(`SET allowed_paths = [${sqlString(objectPath)}]`);
    await connection.run('SET enable_external_access = false');
    await connection.run('SET autoinstall_known_extensions = false');
    await connection.run('SET autoload_known_extensions = false');
    await connection.run(`CREATE VIEW data AS SELECT * FROM ${source}`);
    await connection.run('SET lock_configuration = true');
    const text = sql.trim().replace(/;+\s*$/, '');
    // Refuse writes by their first word before DuckDB binds them (binding DELETE on a view fails with a less
    // helpful message). Any other word goes to DuckDB's parser, so a typo (SELEC) gets the parser's own
    // message and position; whatever parses is still refused below unless it is a SELECT.
    const firstWord = /^(?:\s|--[^\n]*\n|\/\*[\s\S]*?\*\/)*([A-Za-z]+)/.exec(text)?.[1]?.toLowerCase();
    if (firstWord && writeKeywords.has(firstWord)) throw notReadOnly();
    let prepared;
    try {
      prepared = await connection.prepare(text);
    } catch (error) {
      throw queryError(error);
    }
    if (prepared.statementType !== StatementType.SELECT) throw notReadOnly();
    const started = performance.now();
    let result;
    try {
      result = await prepared.stream();
    } catch (error) {
      throw queryError(error);
    }
    const types = result.columnTypes().map((t) => t.toString());
    const rows: QueryResult['rows'] = [];
    let truncated = false;
    for (;;) {
      let chunk;
      try {
        chunk = await result.fetchChunk();
      } catch (error) {
        throw queryError(error);
      }
      if (!chunk || chunk.rowCount === 0) break;
      for (const row of chunk.convertRows(JsonDuckDBValueConverter)) {
        if (rows.length >= limit) {
          truncated = true;
          break;
        }
        rows.push(row.map((v, i) => toTypedCell(v, types[i]!)));
      }
      if (truncated) break;
    }
    return {
      columns: result.columnNames().map((name, i) => ({ name, type: result.columnTypes()[i]!.toString() })),
      rows,
      truncated,
      elapsedMs: Math.round(performance.now() - started),
    };
  } finally {
    clearTimeout(timer);
    connection.closeSync();
    instance.closeSync();
  }
}

/** Words that start a statement which writes, loads or changes settings: refused without asking DuckDB. */
const writeKeywords = new Set([
  'insert',
  'update',
  'delete',
  'merge',
  'create',
  'drop',
  'alter',
  'truncate',
  'attach',
  'detach',
  'use',
  'copy',
  'export',
  'import',
  'install',
  'load',
  'set',
  'reset',
  'pragma',
  'call',
  'checkpoint',
  'force',
  'vacuum',
  'analyze',
  'begin',
  'start',
  'commit',
  'rollback',
  'abort',
  'end',
  'prepare',
  'execute',
  'deallocate',
  'comment',
]);

function notReadOnly(): LatheError {
  return new LatheError(
    'BAD_INPUT',
    'Only a single SELECT query is allowed here (the SQL box is read-only); query the table "data"',
  );
}

function queryError(error: unknown): LatheError {
  const message = error instanceof Error ? error.message : String(error);
  if (/INTERRUPT/i.test(message))
    return new LatheError('BAD_INPUT', `The query ran longer than ${sqlTimeoutMs / 1000} s and was stopped`);
  const first = message
    .split('\n')[0]!
    .replace(/^(Parser|Binder|Catalog|Permission|Invalid Input|Conversion) Error: /, '');
  // DuckDB points at the problem: "LINE 2: FROM t WHER x" then a caret under the offending token.
  const pointer = /LINE (\d+): (.*)\n( *)\^/.exec(message);
  const line = pointer ? Number(pointer[1]) : undefined;
  const column = pointer ? pointer[3]!.length - `LINE ${pointer[1]}: `.length + 1 : undefined;
  const where =
    line === undefined ? '' : ` (line ${line}${column !== undefined && column > 0 ? `, column ${column}` : ''})`;
  return new LatheError(
    'BAD_INPUT',
    `SQL error${where}: ${first}`,
    line === undefined ? undefined : { line, ...(column !== undefined && column > 0 ? { column } : {}) },
  );
}
