import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeTable } from '../../core/data/read-table.js';
import { syntheticTable } from '../../core/train/testing/training-data.js';
import { runLathe } from '../testing/run-lathe.js';

const entry = fileURLToPath(new URL('../run.ts', import.meta.url));

const fixture = new URL('../../../resources/fixtures/pytorch-mlp/', import.meta.url).pathname;
let home: string;

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'lathe-cli-models-'));
  await writeTable(
    join(home, 'houses.csv'),
    [...syntheticTable(400, 9, 'regression')].map(([name, values]) => ({ name, values })),
  );
});
afterAll(() => rmSync(home, { recursive: true, force: true }));

/** `lathe train` on houses.csv (an MLP with 8 hidden units) under the model name `name`. */
function trainHouses(name: string, epochs: number, extra: string[] = []) {
  const data = join(home, 'houses.csv');
  return runLathe(
    ['--home', home, 'train', '--data', data, '--target', 'target', '--epochs', String(epochs)].concat([
      '--hidden',
      '8',
      '--model-name',
      name,
      ...extra,
    ]),
  );
}

describe('lathe train, predict and model', () => {
  it('imports, exports byte for byte, scores and refuses a non-ONNX file with exit code 2', async () => {
    const imported = await runLathe([
      '--home',
      home,
      '--json',
      'model',
      'import',
      join(fixture, 'model.onnx'),
      '--name',
      'iris',
      '--features',
      'sepal_length,sepal_width,petal_length,petal_width',
    ]);
    expect(imported.code, imported.stderr).toBe(0);
    expect(JSON.parse(imported.stdout)).toMatchObject({
      model: 'iris',
      version: 1,
      opset: 13,
      nodes: 4,
      parameters: 67,
      inputs: [{ name: 'input', type: 'float32', shape: ['batch', 4] }],
    });
    const out = join(home, 'iris.onnx');
    expect((await runLathe(['--home', home, 'model', 'export', 'iris@1', '--out', out])).code).toBe(0);
    expect(readFileSync(out).equals(readFileSync(join(fixture, 'model.onnx')))).toBe(true);
    const bad = await runLathe(['--home', home, 'model', 'import', join(home, 'houses.csv'), '--name', 'bad']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/houses\.csv is not a valid ONNX model/);
    const listed = await runLathe(['--home', home, '--json', 'model', 'list']);
    expect((JSON.parse(listed.stdout) as { name: string }[]).map((m) => m.name)).toEqual(['iris']);
  }, 60_000);

  it('trains a regression from a file and scores it with lathe predict', async () => {
    const trained = await trainHouses('houses', 3, ['--json']);
    expect(trained.code, trained.stderr).toBe(0);
    const result = JSON.parse(trained.stdout) as {
      run: string;
      model: string;
      version: number;
      backend: string;
      metrics: Record<string, number>;
    };
    expect(result).toMatchObject({ model: 'houses', version: 1, backend: 'wasm' });
    expect(Object.keys(result.metrics)).toEqual(expect.arrayContaining(['rmse', 'mae', 'r2']));
    const predicted = await runLathe([
      '--home',
      home,
      '--json',
      'predict',
      '--model',
      'houses@1',
      '--data',
      join(home, 'houses.csv'),
      '--out',
      join(home, 'scores.csv'),
    ]);
    expect(predicted.code, predicted.stderr).toBe(0);
    expect(JSON.parse(predicted.stdout)).toMatchObject({ rows: 400, columns: ['value'] });
    const usage = await runLathe([
      '--home',
      home,
      'train',
      '--data',
      join(home, 'houses.csv'),
      '--target',
      'target',
      '--epochs',
      'many',
    ]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/--epochs must be an integer/);
  }, 60_000);

  it('stops on Ctrl-C: the worker ends between batches and no output, whole or partial, is left', async () => {
    const trained = await trainHouses('quick', 1);
    expect(trained.code, trained.stderr).toBe(0);
    // A table long enough to be stopped halfway.
    const big = join(home, 'big.parquet');
    await writeTable(
      big,
      [...syntheticTable(1_500_000, 9, 'regression')].map(([name, values]) => ({ name, values })),
    );
    const folder = mkdtempSync(join(home, 'out-'));
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        entry,
        '--home',
        home,
        'predict',
        '--model',
        'quick@1',
        '--data',
        big,
        '--out',
        join(folder, 'scores.csv'),
      ],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += String(chunk)));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    // Interrupted once the first scores are on disk (the sink's temporary file).
    const deadline = Date.now() + 60_000;
    let ended = false;
    void exited.then(() => (ended = true));
    while (readdirSync(folder).length === 0 && !ended && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    expect(ended, stderr).toBe(false);
    expect(readdirSync(folder)).toContainEqual(expect.stringMatching(/^scores\.csv\.lathe-\d+-\d+\.tmp$/));
    child.kill('SIGINT');
    const code = await exited;
    expect(code, stderr).not.toBe(0);
    expect(stderr).toMatch(/scoring .*big\.parquet with quick@1 was cancelled/);
    expect(readdirSync(folder)).toEqual([]);
  }, 120_000);
});
