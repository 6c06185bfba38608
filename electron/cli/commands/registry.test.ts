import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runLathe } from '../testing/run-lathe.js';

const fixture = new URL('../../../resources/fixtures/pytorch-mlp/model.onnx', import.meta.url).pathname;
let home: string;
const lathe = (...args: string[]) => runLathe(['--home', home, ...args]);

beforeAll(() => {
  home = mkdtempSync(join(tmpdir(), 'lathe-cli-registry-'));
});
afterAll(() => rmSync(home, { recursive: true, force: true }));

describe('lathe model alias, unalias, aliases and delete', () => {
  it('moves an alias, resolves NAME@ALIAS, records history and deletes only with --yes', async () => {
    expect((await lathe('model', 'import', fixture, '--name', 'iris')).code).toBe(0);
    expect((await lathe('model', 'import', fixture, '--name', 'iris')).code).toBe(0);

    const set = await lathe('model', 'alias', 'iris@1', 'champion');
    expect(set.code, set.stderr).toBe(0);
    expect(set.stdout.trim()).toBe('iris@champion → @1');
    const moved = await lathe('--json', 'model', 'alias', 'iris@2', 'champion');
    expect(JSON.parse(moved.stdout)).toEqual({ model: 'iris', alias: 'champion', version: 2, previousVersion: 1 });

    const shown = await lathe('--json', 'model', 'show', 'iris@champion');
    expect(JSON.parse(shown.stdout)).toMatchObject({ version: { version: 2, aliases: ['champion'] } });

    const reserved = await lathe('model', 'alias', 'iris@1', 'latest');
    expect(reserved.code).toBe(2);
    expect(reserved.stderr).toMatch(/latest.*reserved/);
    const unknown = await lathe('model', 'show', 'iris@staging');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/Model "iris" has no alias "staging" \(aliases: champion\)/);

    expect((await lathe('model', 'unalias', 'iris', 'champion')).stdout.trim()).toBe('removed iris@champion (was @2)');
    const history = JSON.parse((await lathe('--json', 'model', 'aliases', 'iris')).stdout) as {
      aliases: Record<string, number>;
      history: { fromVersion: number | null; toVersion: number | null }[];
    };
    expect(history.aliases).toEqual({});
    expect(history.history.map((e) => [e.fromVersion, e.toVersion])).toEqual([
      [2, null],
      [1, 2],
      [null, 1],
    ]);

    const unconfirmed = await lathe('model', 'delete', 'iris');
    expect(unconfirmed.code).toBe(2);
    expect(unconfirmed.stderr).toMatch(/--yes/);
    expect(JSON.parse((await lathe('--json', 'model', 'list')).stdout)).toHaveLength(1);
    const deleted = await lathe('--json', 'model', 'delete', 'iris', '--yes');
    expect(JSON.parse(deleted.stdout)).toEqual({ model: 'iris', versions: [1, 2], objectsRemoved: 1, objectsKept: 0 });
    expect(JSON.parse((await lathe('--json', 'model', 'list')).stdout)).toEqual([]);
  }, 120_000);
});
