import { readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTempCore } from '../testing/temp-core.js';
import type { Core } from '../core.js';
import { openSession, planFeeds, scoreColumns } from '../infer/scoring.js';
import { readColumns, writeTable } from '../data/read-table.js';

const fixture = new URL('../../../resources/fixtures/pytorch-mlp/', import.meta.url).pathname;
const reference = JSON.parse(readFileSync(join(fixture, 'reference.json'), 'utf8')) as {
  features: string[];
  inputs: number[][];
  outputs: number[][];
  producer: string;
};

let core: Core;
let cleanup: () => void;
let scratch: string;
beforeEach(() => {
  ({ core, cleanup } = openTempCore());
  scratch = mkdtempSync(join(tmpdir(), 'lathe-models-'));
});
afterEach(async () => {
  await core.models.dispose();
  cleanup();
  rmSync(scratch, { recursive: true, force: true });
});

describe('ONNX import of a PyTorch model', () => {
  it('reports its signature and scores like PyTorch', async () => {
    const result = await core.models.importFile(join(fixture, 'model.onnx'), 'iris-torch', reference.features);
    expect(result).toMatchObject({ model: 'iris-torch', version: 1, opset: 13, nodes: 4 });
    expect(result.producer).toMatch(/^pytorch/);
    expect(result.inputs).toEqual([{ name: 'input', type: 'float32', shape: ['batch', 4] }]);
    expect(result.outputs[0]).toMatchObject({ name: 'probabilities', type: 'float32' });
    expect(result.parameters).toBe(4 * 8 + 8 + 8 * 3 + 3);

    const version = core.models.resolve('iris-torch@latest');
    expect(version.features).toEqual(reference.features);
    const columns = new Map(
      reference.features.map((f, j) => [f, Float64Array.from(reference.inputs.map((r) => r[j]!))]),
    );
    const plan = planFeeds(version, new Map(reference.features.map((f) => [f, 'numeric' as const])));
    const session = await openSession(core.models.pathOf(version));
    const outputs = await scoreColumns(session, plan, columns, reference.inputs.length, { batchRows: 7 });
    await session.release();
    expect(outputs.map((c) => c.name)).toEqual(['probabilities_0', 'probabilities_1', 'probabilities_2']);
    reference.outputs.forEach((row, i) =>
      row.forEach((p, j) => expect(Math.abs((outputs[j]!.values as Float64Array)[i]! - p)).toBeLessThan(1e-6)),
    );

    const one = await core.models.predictRow(
      'iris-torch@1',
      Object.fromEntries(reference.features.map((f, j) => [f, reference.inputs[0]![j]!])),
    );
    (one.probabilities as number[]).forEach((p, j) =>
      expect(Math.abs(p - reference.outputs[0]![j]!)).toBeLessThan(1e-6),
    );
  });

  it('exports byte for byte and numbers versions', async () => {
    await core.models.importFile(join(fixture, 'model.onnx'), 'm', reference.features);
    const second = await core.models.importFile(join(fixture, 'model.onnx'), 'm', reference.features);
    expect(second.version).toBe(2);
    const out = join(scratch, 'out.onnx');
    await core.models.exportTo('m@2', out);
    expect(readFileSync(out).equals(readFileSync(join(fixture, 'model.onnx')))).toBe(true);
    // The page's download gives the same bytes, named after the version.
    const download = core.models.download('m@2');
    expect(download.fileName).toBe('m-v2.onnx');
    expect(Buffer.from(download.base64, 'base64').equals(readFileSync(join(fixture, 'model.onnx')))).toBe(true);
    expect(core.models.get('m').versions.map((v) => v.version)).toEqual([2, 1]);
    expect(() => core.models.resolve('m@9')).toThrow(/no version 9 \(versions: 1, 2\)/);
  });

  it('refuses corrupt, truncated, foreign and unsupported files and registers nothing', async () => {
    const bytes = readFileSync(join(fixture, 'model.onnx'));
    const truncated = join(scratch, 'truncated.onnx');
    writeFileSync(truncated, bytes.subarray(0, Math.floor(bytes.length / 2)));
    const text = join(scratch, 'notes.onnx');
    writeFileSync(text, 'name,value\na,1\n');
    const empty = join(scratch, 'empty.onnx');
    writeFileSync(empty, '');
    const flipped = Buffer.from(bytes);
    for (let i = 40; i < flipped.length; i += 13) flipped[i] = flipped[i]! ^ 0xff;
    const corrupt = join(scratch, 'corrupt.onnx');
    writeFileSync(corrupt, flipped);
    for (const file of [truncated, text, empty, corrupt]) {
      await expect(core.models.importFile(file, 'bad')).rejects.toMatchObject({
        code: 'BAD_INPUT',
        message: expect.stringContaining(file),
      });
    }
    // Opset 99: a valid protobuf whose opset no runtime here runs.
    const future = Buffer.from(bytes);
    const opsetAt = future.indexOf(Buffer.from([0x42, 0x02, 0x10, 0x0d])); // opset_import { version: 13 }
    expect(opsetAt).toBeGreaterThan(0);
    future[opsetAt + 3] = 99;
    const futureFile = join(scratch, 'future.onnx');
    writeFileSync(futureFile, future);
    await expect(core.models.importFile(futureFile, 'bad')).rejects.toThrow(/opset 99/);
    await expect(core.models.importFile(join(scratch, 'absent.onnx'), 'bad')).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await expect(core.models.importFile(join(fixture, 'model.onnx'), 'bad', ['a', 'b'])).rejects.toThrow(
      /takes 4 columns/,
    );
    expect(core.models.list()).toEqual([]);
    expect(core.objects.usage().objects).toBe(0);
  });

  it('names missing and mistyped columns together', async () => {
    await core.models.importFile(join(fixture, 'model.onnx'), 'm', reference.features);
    const version = core.models.resolve('m');
    const available = new Map<string, 'numeric' | 'text'>([
      ['sepal_length', 'numeric'],
      ['sepal_width', 'text'],
    ]);
    expect(() => planFeeds(version, available)).toThrow(
      /missing columns: petal_length, petal_width; not numeric: sepal_width/,
    );
  });

  it('benchmarks a version and records it', async () => {
    await core.models.importFile(join(fixture, 'model.onnx'), 'm', reference.features);
    const bench = await core.models.bench('m', { budgetMs: 100, latencyRuns: 50 });
    expect(bench.latencyMs.p50).toBeGreaterThan(0);
    expect(bench.latencyMs.p99).toBeGreaterThanOrEqual(bench.latencyMs.p50);
    expect(bench.throughputRowsPerSecond.batch1024).toBeGreaterThan(bench.throughputRowsPerSecond.batch1);
    expect(core.models.resolve('m').bench).toEqual(bench);
  });

  it('scores a CSV file in the predict worker into CSV and Parquet, as PyTorch does', async () => {
    await core.models.importFile(join(fixture, 'model.onnx'), 'm', reference.features);
    const seen: number[] = [];
    const csv = join(scratch, 'scores.csv');
    const result = await core.models.predict(
      { ref: 'm@1', data: join(fixture, 'inputs.csv'), out: csv, batchRows: 10 },
      (rows) => seen.push(rows),
    );
    expect(result).toMatchObject({ rows: 25, columns: ['probabilities_0', 'probabilities_1', 'probabilities_2'] });
    expect(seen).toEqual([10, 20, 25]);
    const written = await readColumns(csv, result.columns);
    reference.outputs.forEach((row, i) =>
      row.forEach((p, j) =>
        expect(Math.abs((written.get(`probabilities_${j}`) as Float64Array)[i]! - p)).toBeLessThan(1e-6),
      ),
    );
    const parquet = join(scratch, 'scores.parquet');
    await core.models.predict({ ref: 'm', data: join(fixture, 'inputs.csv'), out: parquet });
    // Parquet holds the float32 values; the CSV holds their shortest text, which reads back as the same float32.
    const fromParquet = (await readColumns(parquet, ['probabilities_2'])).get('probabilities_2') as Float64Array;
    expect(fromParquet).toEqual((written.get('probabilities_2') as Float64Array).map(Math.fround));
  });

  it('maps the feature order given at predict time and lists missing columns', async () => {
    await core.models.importFile(join(fixture, 'model.onnx'), 'm');
    const renamed = join(scratch, 'renamed.csv');
    const columns = reference.features.map((_, j) => ({
      name: `f${j}`,
      values: Float64Array.from(reference.inputs.map((r) => r[j]!)),
    }));
    await writeTable(renamed, columns);
    await expect(core.models.predict({ ref: 'm', data: renamed, out: join(scratch, 'x.csv') })).rejects.toThrow(
      /give its column order with --features/,
    );
    await expect(
      core.models.predict({ ref: 'm', data: renamed, out: join(scratch, 'x.csv'), features: ['f0', 'f1', 'zz', 'yy'] }),
    ).rejects.toThrow(/missing columns: zz, yy/);
    const ok = await core.models.predict({
      ref: 'm',
      data: renamed,
      out: join(scratch, 'x.csv'),
      features: ['f0', 'f1', 'f2', 'f3'],
    });
    expect(ok.rows).toBe(25);
  });
});
