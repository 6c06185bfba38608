/** The SQL box answers a typo with DuckDB's own parser message and where it points, and still refuses writes. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LatheError } from '../../../shared/errors.js';
import { sqlString } from './engine.js';
import { runSandboxedQuery } from './sql-box.js';

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
