import {
  readdirSync,
  readFileSync,
  mkdtempSync,
  rmSync,
  truncateSync,
  utimesSync,
  writeFileSync,
  statSync,
  existsSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LatheError } from '../../../shared/errors.js';
import type { Core } from '../core.js';
import { openTempCore } from '../testing/temp-core.js';
import { testDatabase } from '../testing/database.js';
import { describeTable, readColumns, writeTable } from './read-table.js';

const samples = join(import.meta.dirname, '..', '..', '..', 'resources', 'samples');
const reference = JSON.parse(
  readFileSync(join(import.meta.dirname, 'fixtures', 'reference-stats.json'), 'utf8'),
) as Record<string, Record<string, number>>;

let core: Core;
let home: string;
let cleanup: () => void;
let dir: string;

beforeEach(() => {
  ({ core, home, cleanup } = openTempCore());
  dir = mkdtempSync(join(tmpdir(), 'lathe-data-files-'));
});
afterEach(() => {
  cleanup();
  rmSync(dir, { recursive: true, force: true });
});

function file(name: string, content: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

/** Every stored object and temp file under the home. */
function storedFiles(): string[] {
  const found: string[] = [];
  const walk = (folder: string) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      if (entry.isDirectory()) walk(join(folder, entry.name));
      else found.push(join(folder, entry.name));
    }
  };
  walk(join(home, 'objects'));
  return found;
}

async function expectRejected(path: string, pattern: RegExp, details: Record<string, unknown> = {}): Promise<void> {
  const error = await core.datasets.add({ path, name: 'bad' }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(LatheError);
  const latheError = error as LatheError;
  expect(latheError.code).toBe('BAD_INPUT');
  expect(latheError.message).toContain(path);
  expect(latheError.message).toMatch(pattern);
  expect(latheError.details).toMatchObject({ file: path, ...details });
  // No version, no dataset, no orphan object or temp file.
  expect(core.datasets.list()).toEqual([]);
  expect(testDatabase(core).prepare('SELECT count(*) AS n FROM dataset_versions').get()).toEqual({ n: 0 });
  expect(storedFiles()).toEqual([]);
}

describe('adding datasets', () => {
  it('adds a CSV, deduplicates the same bytes and links the next version to its parent', async () => {
    const first = await core.datasets.add({
      path: join(samples, 'customers-v1.csv'),
      name: 'customers',
      message: 'first',
    });
    expect(first).toMatchObject({ name: 'customers', version: 1, rows: 400, columns: 7, deduplicated: false });
    expect(first.hash).toMatch(/^[0-9a-f]{64}$/);
    const { createHash } = await import('node:crypto');
    expect(first.hash).toBe(
      createHash('sha256')
        .update(readFileSync(join(samples, 'customers-v1.csv')))
        .digest('hex'),
    );
    expect(core.objects.has(first.hash)).toBe(true);

    const again = await core.datasets.add({ path: join(samples, 'customers-v1.csv'), name: 'customers' });
    expect(again).toMatchObject({ version: 1, deduplicated: true, hash: first.hash });

    const second = await core.datasets.add({ path: join(samples, 'customers-v2.csv'), name: 'customers' });
    expect(second).toMatchObject({ version: 2, rows: 410, columns: 8, deduplicated: false });
    const versions = core.datasets.versions('customers');
    expect(versions.map((v) => [v.version, v.parentVersion])).toEqual([
      [2, 1],
      [1, null],
    ]);
    expect(versions[1]!.message).toBe('first');
    const other = await core.datasets.add({ path: file('other.csv', 'a,b\n1,2\n'), name: 'other' });
    const list = core.datasets.list();
    expect(list.map((d) => [d.name, d.versionCount, d.latest.version, d.latest.parentVersion])).toEqual([
      ['other', 1, 1, null],
      ['customers', 2, 2, 1],
    ]);
    expect(list[1]!.latest).toEqual(versions[0]);
    expect(list[0]!.updatedAt).toBeGreaterThanOrEqual(list[1]!.updatedAt);
    expect(list[1]!.createdAt).toBeLessThanOrEqual(versions[1]!.createdAt);
    expect(other.version).toBe(1);
    expect(versions[1]!.origin).toMatchObject({
      path: join(samples, 'customers-v1.csv'),
      size: statSync(join(samples, 'customers-v1.csv')).size,
    });
    const edges = testDatabase(core)
      .prepare(
        "SELECT from_kind, from_id, relation FROM lineage_edges WHERE to_kind = 'dataset_version' AND to_id = ? ORDER BY relation",
      )
      .all(second.versionId);
    expect(edges).toEqual([
      { from_kind: 'file', from_id: join(samples, 'customers-v2.csv'), relation: 'origin' },
      { from_kind: 'dataset_version', from_id: first.versionId, relation: 'parent' },
    ]);
  });

  it('adds the bundled sample as two versions, once', async () => {
    const added = await core.datasets.addSample();
    expect(added.map((r) => [r.name, r.version, r.deduplicated])).toEqual([
      ['customers-sample', 1, false],
      ['customers-sample', 2, false],
    ]);
    expect((await core.datasets.addSample()).every((r) => r.deduplicated)).toBe(true);
  });

  it('skips hashing an unchanged file (stat cache) and hashes again when it changes', async () => {
    const path = file('cache.csv', 'a,b\n1,2\n');
    await core.datasets.add({ path, name: 'cache' });
    const cached = testDatabase(core).prepare('SELECT hash FROM dataset_stat_cache WHERE path = ?').get(path) as {
      hash: string;
    };
    expect(cached.hash).toMatch(/^[0-9a-f]{64}$/);
    const again = await core.datasets.add({ path, name: 'cache' });
    expect(again.deduplicated).toBe(true);
    expect(again.hash).toBe(cached.hash);
    writeFileSync(path, 'a,b\n1,2\n3,4\n');
    utimesSync(path, new Date(), new Date(Date.now() + 5000));
    const changed = await core.datasets.add({ path, name: 'cache' });
    expect(changed).toMatchObject({ version: 2, rows: 2, deduplicated: false });
    expect(
      (testDatabase(core).prepare('SELECT hash FROM dataset_stat_cache WHERE path = ?').get(path) as { hash: string })
        .hash,
    ).toBe(changed.hash);
  });

  it('stores the same bytes under another name once, reusing the profile', async () => {
    const a = await core.datasets.add({ path: join(samples, 'customers-v1.csv'), name: 'first-name' });
    const b = await core.datasets.add({ path: join(samples, 'customers-v1.csv'), name: 'second-name' });
    expect(b).toMatchObject({ name: 'second-name', version: 1, deduplicated: false, hash: a.hash });
    expect(core.datasets.show('second-name').profile).toEqual(core.datasets.show('first-name').profile);
    expect(core.objects.usage().objects).toBe(1);
  });

  it('uses the stat cache instead of reading the file', async () => {
    const path = file('trust.csv', 'a\n1\n');
    const fixed = new Date('2025-01-02T03:04:05.000Z');
    utimesSync(path, fixed, fixed);
    const first = await core.datasets.add({ path, name: 'trust' });
    // Same size, inode and mtime but different bytes: only a cache hit can call this a duplicate.
    writeFileSync(path, 'a\n2\n');
    utimesSync(path, fixed, fixed);
    const again = await core.datasets.add({ path, name: 'trust' });
    expect(again).toMatchObject({ deduplicated: true, hash: first.hash });
  });

  it('reads TSV, JSON Lines and Parquet', async () => {
    const tsv = await core.datasets.add({ path: join(samples, 'customers-v1.tsv'), name: 'tsv' });
    const jsonl = await core.datasets.add({ path: join(samples, 'customers-v1.jsonl'), name: 'jsonl' });
    expect(tsv).toMatchObject({ rows: 400, columns: 7 });
    expect(jsonl).toMatchObject({ rows: 400, columns: 7 });
    const parquet = join(dir, 'x.parquet');
    await writeTable(parquet, [
      { name: 'x', values: new Float64Array([1, 2, 3]) },
      { name: 'y', values: ['a', 'b', null] },
    ]);
    const added = await core.datasets.add({ path: parquet, name: 'pq' });
    expect(added).toMatchObject({ rows: 3, columns: 2 });
    const resolved = core.datasets.resolve('pq@latest');
    expect(resolved).toMatchObject({
      format: 'parquet',
      rows: 3,
      version: 1,
      columns: [
        { name: 'x', type: 'integer' },
        { name: 'y', type: 'categorical' },
      ],
    });
    const columns = await readColumns(resolved.path, ['x'], { format: resolved.format });
    expect(Array.from(columns.get('x') as Float64Array)).toEqual([1, 2, 3]);
  });

  it('keeps a JSON Lines key that first appears after the type-sniffing sample', async () => {
    const lines = Array.from({ length: 30_000 }, (_, i) => JSON.stringify({ id: i }));
    lines.push(JSON.stringify({ id: 30_000, late: 'here' }));
    await core.datasets.add({ path: file('late.jsonl', lines.join('\n') + '\n'), name: 'late' });
    const { version, profile } = core.datasets.show('late');
    expect(version.columns.map((c) => c.name)).toEqual(['id', 'late']);
    expect(profile.columns[1]).toMatchObject({ count: 1, missing: 30_000 });
    expect(core.datasets.resolve('late').readOptions).toMatchObject({ sampleSize: -1 });
    expect((await core.datasets.rows('late', 30_000, 1)).rows).toEqual([[30_000, 'here']]);
  });

  it('resolves NAME, NAME@latest and NAME@N, and says NOT_FOUND otherwise', async () => {
    await core.datasets.add({ path: join(samples, 'customers-v1.csv'), name: 'customers' });
    await core.datasets.add({ path: join(samples, 'customers-v2.csv'), name: 'customers' });
    expect(core.datasets.resolve('customers').version).toBe(2);
    expect(core.datasets.resolve('customers@latest').version).toBe(2);
    const v1 = core.datasets.resolve('customers@1');
    expect(v1).toMatchObject({ version: 1, format: 'csv', rows: 400 });
    expect(existsSync(v1.path)).toBe(true);
    const description = await describeTable(v1.path, { format: v1.format });
    expect(description.columns.map((c) => c.name)).toEqual(v1.columns.map((c) => c.name));
    expect(() => core.datasets.resolve('customers@3')).toThrow(/has no version 3 \(latest is 2\)/);
    expect(() => core.datasets.resolve('nobody')).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
  });

  it('profiles every column: types, missing, unique, quantiles, histogram, top-k, sample rows', async () => {
    await core.datasets.add({ path: join(samples, 'customers-v1.csv'), name: 'customers' });
    const { version, profile } = core.datasets.show('customers');
    expect(version.columns.map((c) => [c.name, c.type])).toEqual([
      ['customer_id', 'integer'],
      ['age', 'integer'],
      ['income', 'float'],
      ['plan', 'categorical'],
      ['churned', 'boolean'],
      ['signup_date', 'datetime'],
      ['notes', 'text'],
    ]);
    const id = profile.columns[0]!;
    expect(id).toMatchObject({ count: 400, missing: 0, unique: 400, uniqueExact: true, min: 1, max: 400, mean: 200.5 });
    [4.99, 20.95, 100.75, 200.5, 300.25, 380.05, 396.01].forEach((q, i) => expect(id.quantiles![i]).toBeCloseTo(q, 9));
    expect(id.histogram!.counts.reduce((a, b) => a + b, 0)).toBe(400);
    expect(id.histogram!.counts).toHaveLength(20);
    const plan = profile.columns[3]!;
    expect(plan.top!.map((t) => t.value).sort()).toEqual(['basic', 'plus', 'pro']);
    expect(plan.top!.reduce((a, t) => a + t.count, 0)).toBe(400);
    expect(profile.sample.rows.length).toBe(100);
    expect(profile.sample.rows[0]).toHaveLength(7);
  });

  it('counts missing values and lets the user override a type, re-profiling the column', async () => {
    const path = file('missing.csv', 'code,v\n1,2.5\n2,\n3,4.5\n1,\n');
    await core.datasets.add({ path, name: 'm' });
    const shown = core.datasets.show('m');
    expect(shown.profile.columns[1]).toMatchObject({ name: 'v', count: 2, missing: 2, mean: 3.5 });
    const retyped = await core.datasets.setColumnType('m', 'code', 'categorical');
    expect(retyped.version.columns[0]).toEqual({ name: 'code', type: 'categorical', inferredType: 'integer' });
    expect(retyped.profile.columns[0]!.histogram).toBeNull();
    expect(retyped.profile.columns[0]!.top).toEqual([
      { value: '1', count: 2 },
      { value: '2', count: 1 },
      { value: '3', count: 1 },
    ]);
    expect(core.datasets.resolve('m').columns[0]).toEqual({ name: 'code', type: 'categorical' });
    const back = await core.datasets.setColumnType('m', 'code', null);
    expect(back.version.columns[0]!.type).toBe('integer');
  });

  it('imports a 2,000-column file', async () => {
    const names = Array.from({ length: 2000 }, (_, i) => `c${i}`);
    const lines = [names.join(',')];
    for (let r = 0; r < 20; r++) lines.push(names.map((_, i) => String((r * 7 + i) % 13)).join(','));
    const added = await core.datasets.add({ path: file('wide.csv', lines.join('\n') + '\n'), name: 'wide' });
    expect(added).toMatchObject({ rows: 20, columns: 2000 });
    expect(core.datasets.show('wide').profile.columns).toHaveLength(2000);
  });
});

describe('bad input leaves nothing behind and names the file, line and column', () => {
  it('ragged row with a missing field', async () => {
    await expectRejected(file('ragged.csv', 'a,b,c\n1,2,3\n4,5\n'), /line 3 has 2 fields, the header has 3/, {
      line: 3,
      column: 4,
      field: 'c',
    });
  });
  it('ragged row with an extra field', async () => {
    await expectRejected(
      file('extra.csv', 'a,b\n1,2\n3,4,5\n'),
      /line 3 has 3 fields, the header has 2: an extra field starts at column 5/,
      { line: 3, column: 5 },
    );
  });
  it('unbalanced quotes', async () => {
    await expectRejected(
      file('quotes.csv', 'a,b\n1,"open\n2,3\n'),
      /unbalanced quote: the quoted field opened at line 2, column 3 is never closed/,
      { line: 2, column: 3 },
    );
  });
  it('invalid UTF-8', async () => {
    await expectRejected(
      file('latin1.csv', Buffer.concat([Buffer.from('name,city\nJos'), Buffer.from([0xe9]), Buffer.from(',Paris\n')])),
      /invalid UTF-8 \(byte 0xe9\) at line 2, column 4/,
      {
        line: 2,
        column: 4,
      },
    );
  });
  it('an empty file', async () => {
    await expectRejected(file('empty.csv', ''), /the file is empty/);
  });
  it('a header with no rows', async () => {
    await expectRejected(file('header.csv', 'a,b,c\n'), /has a header \(3 columns\) but no rows/);
  });
  it('duplicate column names', async () => {
    await expectRejected(
      file('dup.csv', 'id,price,id\n1,2,3\n'),
      /duplicate column name "id" in the header \(line 1\): columns 1 and 3/,
      { line: 1, column: 3 },
    );
  });
  it('a binary file named .csv', async () => {
    const png = Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]),
      Buffer.alloc(200, 7),
    ]);
    await expectRejected(file('image.csv', png), /binary data .*not a text file/);
  });
  it('a truncated Parquet file', async () => {
    const path = join(dir, 'cut.parquet');
    await writeTable(path, [{ name: 'x', values: new Float64Array(Array.from({ length: 1000 }, (_, i) => i)) }]);
    truncateSync(path, Math.floor(statSync(path).size / 2));
    await expectRejected(path, /truncated Parquet file/);
  });
  it('a Parquet file corrupted inside (magic bytes and footer intact): DuckDB fails, the stored copy is removed', async () => {
    const path = join(dir, 'corrupt.parquet');
    await writeTable(path, [{ name: 'x', values: new Float64Array(Array.from({ length: 5000 }, (_, i) => i * 1.5)) }]);
    const bytes = readFileSync(path);
    bytes.fill(0xab, 8, Math.floor(bytes.length / 2));
    writeFileSync(path, bytes);
    await expectRejected(path, /the Parquet file is damaged or cannot be read/);
  });
  it('a broken JSON Lines record', async () => {
    await expectRejected(file('broken.jsonl', '{"a": 1}\n{"a": 2,,}\n'), /line 2, column 9 is not valid JSON/, {
      line: 2,
      column: 9,
    });
  });
  it('a file that does not exist', async () => {
    await expect(core.datasets.add({ path: join(dir, 'nope.csv'), name: 'x' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });
});

describe('diff', () => {
  it('matches reference PSI, Wasserstein and Jensen-Shannon values from scipy, with schema and key changes', async () => {
    await core.datasets.add({ path: join(samples, 'customers-v1.csv'), name: 'customers' });
    await core.datasets.add({ path: join(samples, 'customers-v2.csv'), name: 'customers' });
    const diff = await core.datasets.diff('customers@1', 'customers@2', 'customer_id');
    expect(diff.rowDelta).toBe(10);
    expect(diff.added).toEqual(['region']);
    expect(diff.removed).toEqual([]);
    expect(diff.retyped).toEqual([{ name: 'churned', from: 'boolean', to: 'integer' }]);
    const byName = new Map(diff.columns.map((c) => [c.name, c]));
    for (const name of ['age', 'income', 'customer_id']) {
      expect(byName.get(name)!.psi).toBeCloseTo(reference[name]!.psi!, 9);
      expect(byName.get(name)!.wasserstein).toBeCloseTo(reference[name]!.wasserstein!, 6);
    }
    expect(byName.get('plan')!.jensenShannon).toBeCloseTo(reference.plan!.jensenShannon!, 9);
    const income = byName.get('income')!;
    expect(income.histograms!.a.reduce((s, n) => s + n, 0)).toBe(400);
    expect(income.histograms!.b.reduce((s, n) => s + n, 0)).toBe(410);
    expect(income.deltas.mean).toBeCloseTo(income.b!.mean! - income.a!.mean!, 9);
    // v2 drops ids 1-20, adds 401-430, raises income where id % 4 == 0 and moves id % 7 == 0 to "pro".
    const key = diff.keyDiff!;
    expect([key.added, key.removed]).toEqual([30, 20]);
    expect(key.samples.added[0]![0]).toBe(401);
    expect(key.samples.removed[0]![0]).toBe(1);
    expect(key.changed + key.unchanged).toBe(380);
    // Changed: income where id % 4 == 0, plan where id % 7 == 0 and the plan was not already "pro" (churned was retyped, so not compared).
    expect(key.skipped).toEqual(['churned']);
    expect(key.columns).toEqual(['age', 'income', 'plan', 'signup_date', 'notes']);
    expect(key.changed).toBeGreaterThanOrEqual(95);
    expect(key.changed).toBeLessThan(150);
    expect(key.samples.changed[0]).toMatchObject({ key: 21 });
  });

  it('refuses a key that is not unique', async () => {
    await core.datasets.add({ path: file('k.csv', 'k,v\n1,a\n1,b\n'), name: 'k' });
    await expect(core.datasets.diff('k', 'k', 'k')).rejects.toThrow(/key column "k" is not unique in k@1/);
  });
});

describe('rows, SQL box and export', () => {
  it('reads large text versions through a Parquet copy, with the same answers', async () => {
    await core.datasets.add({ path: join(samples, 'customers-v1.csv'), name: 'customers' });
    await core.datasets.add({ path: join(samples, 'customers-v2.csv'), name: 'customers' });
    const direct = {
      rows: await core.datasets.rows('customers@1', 100, 50),
      sql: await core.datasets.sql(
        'customers@2',
        'SELECT plan, avg(income) AS mean FROM data GROUP BY plan ORDER BY plan',
        10,
      ),
      diff: await core.datasets.diff('customers@1', 'customers@2', 'customer_id'),
    };
    const copy = core.datasets.columnar.pathFor(core.datasets.resolve('customers@1').hash);
    expect(existsSync(copy)).toBe(false);
    core.datasets.columnar.thresholdBytes = 0;
    const cached = {
      rows: await core.datasets.rows('customers@1', 100, 50),
      sql: await core.datasets.sql(
        'customers@2',
        'SELECT plan, avg(income) AS mean FROM data GROUP BY plan ORDER BY plan',
        10,
      ),
      diff: await core.datasets.diff('customers@1', 'customers@2', 'customer_id'),
    };
    expect(existsSync(copy)).toBe(true);
    expect(cached.rows.rows).toEqual(direct.rows.rows);
    expect(cached.rows.columns).toEqual(direct.rows.columns);
    expect(cached.sql.rows).toEqual(direct.sql.rows);
    expect(cached.diff).toEqual(direct.diff);
    // The SQL box may read the copy, and still nothing else.
    await expect(
      core.datasets.sql('customers@1', `SELECT * FROM read_csv('${join(samples, 'customers-v2.csv')}')`, 10),
    ).rejects.toThrow(/SQL error/);
  });

  it('pages rows in file order', async () => {
    await core.datasets.add({ path: join(samples, 'customers-v1.csv'), name: 'customers' });
    const page = await core.datasets.rows('customers', 10, 5);
    expect(page.rows.map((r) => r[0])).toEqual([11, 12, 13, 14, 15]);
    expect(page.columns[0]).toEqual({ name: 'customer_id', type: 'BIGINT' });
  });

  it('answers a SELECT over "data" and refuses writes and other files', async () => {
    await core.datasets.add({ path: join(samples, 'customers-v1.csv'), name: 'customers' });
    const result = await core.datasets.sql(
      'customers',
      'SELECT plan, count(*) AS n FROM data GROUP BY plan ORDER BY plan',
      100,
    );
    expect(result.rows.map((r) => r[0])).toEqual(['basic', 'plus', 'pro']);
    expect(result.rows.reduce((s, r) => s + (r[1] as number), 0)).toBe(400);
    const limited = await core.datasets.sql('customers', 'SELECT * FROM data', 7);
    expect(limited).toMatchObject({ truncated: true });
    expect(limited.rows).toHaveLength(7);
    const secret = file('secret.csv', 'password\nhunter2\n');
    await expect(core.datasets.sql('customers', `SELECT * FROM read_csv('${secret}')`, 10)).rejects.toThrow(
      /SQL error.*(disabled|Permission)/,
    );
    await expect(core.datasets.sql('customers', `COPY data TO '${join(dir, 'out.csv')}'`, 10)).rejects.toThrow(
      /Only a single SELECT|Cannot access file/,
    );
    await expect(core.datasets.sql('customers', 'CREATE TABLE t AS SELECT 1', 10)).rejects.toThrow(
      /Only a single SELECT/,
    );
    await expect(core.datasets.sql('customers', '/* hi */ DELETE FROM data', 10)).rejects.toThrow(
      /Only a single SELECT/,
    );
    expect((await core.datasets.sql('customers', '-- count\nSUMMARIZE data', 10)).rows.length).toBe(7);
    await expect(core.datasets.sql('customers', 'SET enable_external_access = true', 10)).rejects.toThrow(
      /Only a single SELECT/,
    );
    await expect(core.datasets.sql('customers', 'SELECT 1; SELECT 2', 10)).rejects.toThrow(/SQL error/);
    expect(existsSync(join(dir, 'out.csv'))).toBe(false);
  });

  it('exports the stored bytes, or converts by extension, and will not overwrite without force', async () => {
    const added = await core.datasets.add({ path: join(samples, 'customers-v1.csv'), name: 'customers' });
    const out = join(dir, 'copy.csv');
    const copied = await core.datasets.export('customers@1', out);
    expect(copied).toMatchObject({ format: 'csv', converted: false });
    const { createHash } = await import('node:crypto');
    expect(createHash('sha256').update(readFileSync(out)).digest('hex')).toBe(added.hash);
    await expect(core.datasets.export('customers@1', out)).rejects.toMatchObject({ code: 'ALREADY_EXISTS' });
    const parquet = await core.datasets.export('customers@1', join(dir, 'copy.parquet'));
    expect(parquet).toMatchObject({ format: 'parquet', converted: true });
    expect((await describeTable(parquet.path)).rows).toBe(400);
  });

  it('will not export bytes that changed on disk, nor read an object replaced by a symlink', async () => {
    const added = await core.datasets.add({ path: join(samples, 'customers-v1.csv'), name: 'customers' });
    const stored = core.objects.pathOf(added.hash);
    const original = readFileSync(stored);
    writeFileSync(stored, Buffer.concat([original.subarray(0, original.length - 2), Buffer.from('9\n')]));
    await expect(core.datasets.export('customers@1', join(dir, 'out.csv'))).rejects.toThrow(/does not match its hash/);
    await expect(core.datasets.export('customers@1', join(dir, 'out.parquet'))).rejects.toThrow(
      /does not match its hash/,
    );
    expect(readdirSync(dir).filter((name) => name.includes('out.'))).toEqual([]);

    rmSync(stored);
    writeFileSync(join(dir, 'elsewhere.csv'), original);
    symlinkSync(join(dir, 'elsewhere.csv'), stored);
    expect(() => core.datasets.resolve('customers@1')).toThrow(/not a plain file/);
    await expect(core.datasets.rows('customers@1', 0, 5)).rejects.toMatchObject({ code: 'STORE_UNUSABLE' });
  });
});

describe('concurrency', () => {
  it('two adds of the same new file at once make one version; the other reports it as a duplicate', async () => {
    const path = join(dir, 'race.csv');
    writeFileSync(path, 'a,b\n1,2\n3,4\n');
    const results = await Promise.all([
      core.datasets.add({ path, name: 'race' }),
      core.datasets.add({ path, name: 'race' }),
    ]);
    expect(results.map((r) => r.version)).toEqual([1, 1]);
    expect(results.filter((r) => r.deduplicated)).toHaveLength(1);
    expect(core.datasets.versions('race')).toHaveLength(1);
    expect(storedFiles().filter((f) => f.includes(`${join('objects', 'tmp')}`))).toEqual([]);
  });
});
