/** The SQL box: memory and thread caps named in the error, DuckDB's own parser message for a typo, writes refused. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LatheError } from '../../../shared/errors.js';
import { sourceSql, sqlString } from './engine.js';
import { defaultSqlLimits, runSandboxedQuery } from './sql-box.js';

let folder: string;
let file: string;
beforeAll(() => {
  folder = mkdtempSync(join(tmpdir(), 'lathe-sqlbox-'));
  file = join(folder, 'small.csv');
  writeFileSync(file, 'a,b\n1,x\n2,y\n');
});
afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe('the SQL box', () => {
  it('stops a query that outgrows its memory cap and names the cap', async () => {
    // Ten million distinct strings need far more than 64 MB; without a cap DuckDB would just take it.
    const query = runSandboxedQuery(
      file,
      sourceSql(file, { format: 'csv' }),
      "SELECT count(DISTINCT i::VARCHAR || 'x') AS n FROM range(10000000) t(i)",
      10,
      { memory: '64MB', threads: 1 },
    );
    const error = await query.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(LatheError);
    expect((error as LatheError).message).toMatch(/more memory than the SQL box allows \(64MB, 1 thread\)/);
    expect((error as LatheError).details).toEqual({ memoryLimit: '64MB', threads: 1 });
  });

  it('answers within the default caps, which are set', async () => {
    const limits = defaultSqlLimits();
    expect(limits.memory).toBe(process.env.LATHE_SQL_MEMORY ?? '1GB');
    expect(limits.threads).toBeGreaterThan(0);
    const result = await runSandboxedQuery(
      file,
      sourceSql(file, { format: 'csv' }),
      "SELECT current_setting('memory_limit') AS memory, current_setting('threads') AS threads, sum(a) AS total FROM data",
      10,
      { memory: '256MB', threads: 1 },
    );
    expect(result.rows[0]![1]).toBe(1);
    expect(result.rows[0]![2]).toBe(3);
    expect(String(result.rows[0]![0])).toMatch(/MiB|MB/);
  });
});

const dir = mkdtempSync(join(tmpdir(), 'lathe-sql-box-'));
const path = join(dir, 'table.csv');
writeFileSync(path, 'plan,n\nbasic,1\npro,2\n');
const source = `read_csv(${sqlString(path)})`;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function failure(sql: string): Promise<LatheError> {
  const error = await runSandboxedQuery(path, source, sql, 10).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(LatheError);
  return error as LatheError;
}

describe('runSandboxedQuery errors', () => {
  it('a typo in the first word gets the parser message with line and column', async () => {
    const error = await failure('SELEC plan FROM data');
    expect(error.message).toBe('SQL error (line 1, column 1): syntax error at or near "SELEC"');
    expect(error.details).toEqual({ line: 1, column: 1 });
  });

  it('points at a typo further in, on a later line', async () => {
    const error = await failure('SELECT plan\nFROM data WHER n = 1');
    expect(error.message).toBe('SQL error (line 2, column 16): syntax error at or near "n"');
    expect(error.details).toEqual({ line: 2, column: 16 });
  });

  it('still refuses statements that write, load or change settings', async () => {
    for (const sql of ['DELETE FROM data', 'create table t as select 1', 'SET threads = 1', 'INSTALL httpfs'])
      expect((await failure(sql)).message).toMatch(/^Only a single SELECT query is allowed/);
  });

  it('answers a good query', async () => {
    const result = await runSandboxedQuery(path, source, 'SELECT plan FROM data ORDER BY n DESC', 10);
    expect(result.rows).toEqual([['pro'], ['basic']]);
  });
});
