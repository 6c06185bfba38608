/**
 * `lathe export` and `lathe bundles` from a shell: a PyTorch-exported model (one 2-D float input named by
 * --features) exported as a server bundle answers like `lathe predict`; bad targets, full folders and a
 * version without training data are refused with exit code 2 and nothing written; the self-test's exit
 * code follows the bundle's state.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readColumns } from '../../core/data/read-table.js';
import { expectSameOutputs, postJson, startServerBundle } from '../../core/bundles/testing/bundle-server.js';
import { runLathe } from '../testing/run-lathe.js';

const fixture = new URL('../../../resources/fixtures/pytorch-mlp/', import.meta.url).pathname;
const features = ['sepal_length', 'sepal_width', 'petal_length', 'petal_width'];
let home: string;
const lathe = (...args: string[]) => runLathe(['--home', home, ...args]);

beforeAll(() => {
  home = mkdtempSync(join(tmpdir(), 'lathe-cli-export-'));
});
afterAll(() => rmSync(home, { recursive: true, force: true }));

describe('lathe export', () => {
  it('exports a server bundle that answers like lathe predict, lists it and self-tests it', async () => {
    const imported = await lathe(
      'model',
      'import',
      join(fixture, 'model.onnx'),
      '--name',
      'iris',
      '--features',
      features.join(','),
    );
    expect(imported.code, imported.stderr).toBe(0);
    const out = join(home, 'iris-server');
    const exported = await lathe(
      '--json',
      'export',
      'iris@1',
      '--target',
      'server',
      '--out',
      out,
      '--golden',
      join(fixture, 'inputs.csv'),
    );
    expect(exported.code, exported.stderr).toBe(0);
    const result = JSON.parse(exported.stdout) as {
      id: string;
      out: string;
      manifest: { schema: { input: { mode: string } } };
    };
    expect(result.out).toBe(out);
    expect(result.manifest.schema.input.mode).toBe('tensor');

    const scores = join(home, 'scores.parquet');
    const predicted = await lathe(
      '--json',
      'predict',
      '--model',
      'iris@1',
      '--data',
      join(fixture, 'inputs.csv'),
      '--out',
      scores,
    );
    expect(predicted.code, predicted.stderr).toBe(0);
    const { columns } = JSON.parse(predicted.stdout) as { columns: string[] };
    const outputs = await readColumns(scores, columns);
    const inputs = await readColumns(join(fixture, 'inputs.csv'), features);
    const count = inputs.get(features[0]!)!.length;
    const rows = Array.from({ length: count }, (_, i) =>
      Object.fromEntries(features.map((f) => [f, inputs.get(f)![i]])),
    );
    const expected = Array.from({ length: count }, (_, i) =>
      Object.fromEntries(columns.map((c) => [c, outputs.get(c)![i] as number])),
    );
    const running = await startServerBundle(out);
    try {
      const answer = await postJson(`${running.url}/predict`, rows);
      expect(answer.status).toBe(200);
      expectSameOutputs(answer.json.predictions as Record<string, unknown>[], expected);
    } finally {
      running.child.kill('SIGTERM');
      await running.exited;
    }

    const listed = await lathe('--json', 'bundles', 'list', 'iris@1');
    expect((JSON.parse(listed.stdout) as { id: string }[]).map((e) => e.id)).toEqual([result.id]);
    const passed = await lathe('bundles', 'selftest', result.id.slice(0, 8));
    expect(passed.code, passed.stderr).toBe(0);
    expect(passed.stdout).toMatch(/selftest passed/);
    const model = readFileSync(join(out, 'model.onnx'));
    model[20] = model[20]! ^ 0x01;
    writeFileSync(join(out, 'model.onnx'), model);
    const failed = await lathe('bundles', 'selftest', result.id);
    expect(failed.code).toBe(1);
    expect(failed.stdout).toMatch(/FAIL {2}file model\.onnx/);
  }, 180_000);

  it('refuses an unknown target, a non-empty folder and a version without golden data (exit 2, nothing written)', async () => {
    const before = readdirSync(home).sort();
    const target = await lathe('export', 'iris@1', '--target', 'heroku', '--out', join(home, 'x'));
    expect(target.code).toBe(2);
    expect(target.stderr).toMatch(/--target: "heroku" is not a bundle target; use server, lambda, gcf/);
    const full = join(home, 'iris-server');
    const notEmpty = await lathe(
      'export',
      'iris@1',
      '--target',
      'lambda',
      '--out',
      full,
      '--golden',
      join(fixture, 'inputs.csv'),
    );
    expect(notEmpty.code).toBe(2);
    expect(notEmpty.stderr).toMatch(/is not empty/);
    const noGolden = await lathe('export', 'iris@1', '--target', 'gcf', '--out', join(home, 'y'));
    expect(noGolden.code).toBe(2);
    expect(noGolden.stderr).toMatch(/--golden DATA/);
    const unknown = await lathe('export', 'iris@7', '--target', 'gcf', '--out', join(home, 'z'));
    expect(unknown.code).toBe(2);
    expect(readdirSync(home).sort()).toEqual(before);
    expect(existsSync(join(home, 'x'))).toBe(false);
  }, 120_000);
});
