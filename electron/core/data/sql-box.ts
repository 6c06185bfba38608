/**
 * The read-only SQL box: one SELECT over one version, exposed as the view `data`. It runs in its own
 * short-lived DuckDB instance whose file access is limited to that version's object
 * (`allowed_paths` + `enable_external_access=false`, then `lock_configuration`), so a query cannot
 * read other files, write, attach databases or change settings. Non-SELECT statements are refused
 * before they run. Its memory and threads are capped and it has no spill folder, so one query cannot
 * take the machine's memory (or disk) from the app; hitting the cap is an error that names it.
 * https://duckdb.org/docs/stable/operations_manual/securing_duckdb/overview
 */
import { availableParallelism } from 'node:os';
import { DuckDBInstance, JsonDuckDBValueConverter, StatementType } from '@duckdb/node-api';
import type { QueryResult } from '../../../shared/contract/index.js';
import { LatheError } from '../../../shared/errors.js';
import { sqlString } from './engine.js';
import { toTypedCell } from './profile.js';

/** How long one query may run. */
export const sqlTimeoutMs = 30_000;

/** The SQL box's resource caps: DuckDB's `memory_limit` (e.g. `512MB`) and thread count. */
export interface SqlLimits {
  memory: string;
  threads: number;
}

/** The caps every query runs under (LATHE_SQL_MEMORY and LATHE_SQL_THREADS override them). */
export function defaultSqlLimits(): SqlLimits {
  const threads = Number(process.env.LATHE_SQL_THREADS);
  return {
    memory: process.env.LATHE_SQL_MEMORY ?? '1GB',
    threads: Number.isInteger(threads) && threads > 0 ? threads : Math.min(2, availableParallelism()),
  };
}

/** Runs `sql` against the view `data` defined as `SELECT * FROM <source>`; returns at most `limit` rows. */
export async function runSandboxedQuery(
  objectPath: string,
  source: string,
  sql: string,
  limit: number,
  limits: SqlLimits = defaultSqlLimits(),
): Promise<QueryResult> {
  const instance = await DuckDBInstance.create(':memory:', {
    memory_limit: limits.memory,
    threads: String(limits.threads),
    // No spill folder: a query that outgrows the cap fails instead of filling the disk.
    temp_directory: '',
  });
  const queryError = (error: unknown) => toQueryError(error, limits);
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

function toQueryError(error: unknown, limits: SqlLimits): LatheError {
  const message = error instanceof Error ? error.message : String(error);
  if (/INTERRUPT/i.test(message))
    return new LatheError('BAD_INPUT', `The query ran longer than ${sqlTimeoutMs / 1000} s and was stopped`);
  if (/Out of Memory Error/i.test(message))
    return new LatheError(
      'BAD_INPUT',
      `The query needed more memory than the SQL box allows (${limits.memory}, ${limits.threads} thread${limits.threads === 1 ? '' : 's'}); aggregate or filter more, or raise LATHE_SQL_MEMORY`,
      { memoryLimit: limits.memory, threads: limits.threads },
    );
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
