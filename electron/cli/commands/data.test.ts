import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runLathe } from '../cli-test-helpers.js';

const samples = join(import.meta.dirname, '..', '..', '..', 'resources', 'samples');
let home: string;
beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'lathe-cli-data-'));
});
afterEach(() => rmSync(home, { recursive: true, force: true }));

const lathe = (...args: string[]) => runLathe(['--home', home, ...args]);

describe('lathe data', () => {
  it('adds, deduplicates, lists, shows, diffs and exports, with --json', { timeout: 120_000 }, async () => {
    const added = await lathe(
      '--json',
      'data',
      'add',
      join(samples, 'customers-v1.csv'),
      '--name',
      'customers',
      '--message',
      'first',
    );
    expect(added.code).toBe(0);
    const first = JSON.parse(added.stdout) as Record<string, unknown>;
    expect(Object.keys(first).sort()).toEqual(['columns', 'deduplicated', 'hash', 'name', 'rows', 'version']);
    expect(first).toMatchObject({ name: 'customers', version: 1, rows: 400, columns: 7, deduplicated: false });
    expect(first.hash).toBe(
      createHash('sha256')
        .update(readFileSync(join(samples, 'customers-v1.csv')))
        .digest('hex'),
    );

    const again = await lathe('data', 'add', join(samples, 'customers-v1.csv'), '--name', 'customers');
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('customers@1 already holds these bytes');

    expect((await lathe('data', 'add', join(samples, 'customers-v2.csv'), '--name', 'customers')).code).toBe(0);
    const list = await lathe('data', 'list');
    expect(list.stdout).toMatch(/NAME\s+LATEST\s+VERSIONS/);
    expect(list.stdout).toMatch(/customers\s+@2\s+2\s+410/);

    const show = await lathe('--json', 'data', 'show', 'customers@1');
    const shown = JSON.parse(show.stdout) as {
      version: { version: number; message: string };
      profile: { rows: number; columns: { name: string }[] };
    };
    expect(shown.version).toMatchObject({ version: 1, message: 'first' });
    expect(shown.profile.columns.map((c) => c.name)).toContain('income');
    const human = await lathe('data', 'show', 'customers');
    expect(human.stdout).toContain('customers@2  410 rows × 8 columns');
    expect(human.stdout).toContain('parent: customers@1');

    const diff = await lathe('--json', 'data', 'diff', 'customers@1', 'customers@latest', '--key', 'customer_id');
    expect(diff.code).toBe(0);
    expect(JSON.parse(diff.stdout)).toMatchObject({
      rowDelta: 10,
      added: ['region'],
      keyDiff: { added: 30, removed: 20 },
    });
    const humanDiff = await lathe('data', 'diff', 'customers@1', 'customers');
    expect(humanDiff.stdout).toContain('rows: 400 → 410 (+10)');
    expect(humanDiff.stdout).toMatch(/income\s+same/);

    const retyped = await lathe('data', 'set-type', 'customers@1', 'age', 'categorical');
    expect(retyped.stdout.trim()).toBe('customers@1: age is categorical (inferred integer)');
    const undone = await lathe('--json', 'data', 'set-type', 'customers@1', 'age', 'inferred');
    expect(
      (JSON.parse(undone.stdout) as { version: { columns: { name: string; type: string }[] } }).version.columns[1],
    ).toMatchObject({ name: 'age', type: 'integer' });
    expect((await lathe('data', 'set-type', 'customers@1', 'age', 'number')).code).toBe(2);

    const out = join(home, 'export.csv');
    const exported = await lathe('--json', 'data', 'export', 'customers@1', '--out', out);
    expect(JSON.parse(exported.stdout)).toMatchObject({ format: 'csv', converted: false });
    expect(readFileSync(out)).toEqual(readFileSync(join(samples, 'customers-v1.csv')));
    const refused = await lathe('data', 'export', 'customers@1', '--out', out);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('already exists');
  });

  it(
    'exits 2 naming file, line and column for bad input, and for an unknown version',
    { timeout: 60_000 },
    async () => {
      const bad = join(home, 'bad.csv');
      writeFileSync(bad, 'a,b\n1,2\n3\n');
      const result = await lathe('data', 'add', bad, '--name', 'bad');
      expect(result.code).toBe(2);
      expect(result.stderr.trim()).toBe(
        `lathe: ${bad}: line 3 has 1 field, the header has 2: field "b" is missing at column 2`,
      );
      const json = await lathe('--json', 'data', 'add', bad, '--name', 'bad');
      expect(JSON.parse(json.stderr)).toMatchObject({ error: { code: 'BAD_INPUT' } });
      const missing = await lathe('data', 'show', 'nothing@3');
      expect(missing.code).toBe(2);
      expect(missing.stderr).toContain('No dataset named "nothing"');
      const empty = await lathe('--json', 'data', 'list');
      expect(JSON.parse(empty.stdout)).toEqual([]);
    },
  );
});

describe('lathe data delete', () => {
  it('deletes one version, then the dataset; refuses a missing one with the reason', { timeout: 120_000 }, async () => {
    expect((await lathe('data', 'add', join(samples, 'customers-v1.csv'), '--name', 'customers')).code).toBe(0);
    expect((await lathe('data', 'add', join(samples, 'customers-v2.csv'), '--name', 'customers')).code).toBe(0);
    const one = await lathe('--json', 'data', 'delete', 'customers@1');
    expect(one.code).toBe(0);
    expect(JSON.parse(one.stdout)).toMatchObject({ name: 'customers', versions: [1], datasetDeleted: false });
    const lineage = await lathe('data', 'lineage', 'customers');
    expect(lineage.stdout).toContain('Nothing was made from customers yet.');
    const missing = await lathe('data', 'delete', 'customers@1');
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain('Dataset "customers" has no version 1 (latest is 2)');
    const all = await lathe('data', 'delete', 'customers');
    expect(all.code).toBe(0);
    expect(all.stdout).toContain('deleted customers (every version: @2); 1 stored file(s) removed');
    expect((await lathe('--json', 'data', 'list')).stdout.trim()).toBe('[]');
  });
});
