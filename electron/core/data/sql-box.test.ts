import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LatheError } from '../../../shared/errors.js';
import { sourceSql } from './engine.js';
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
