/**
 * Bundles end to end: a model trained by Lathe is exported for each target, and each bundle, run outside
 * Lathe (plain `node` from its folder; Lambda's handler from the unzipped upload; the Cloud Function
 * through the real Functions Framework), answers as `lathe predict` does on the same rows.
 */
import { spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { RecordBatchReader } from 'apache-arrow';
import { unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BundleExport, ValidationVerdict } from '../../../shared/contract/index.js';
import { appRoot } from '../app-root.js';
import { databaseOfCore, type Core } from '../core.js';
import { readColumns, writeTable, type ColumnValues } from '../data/read-table.js';
import { createDataResolver } from '../models/data-source.js';
import { openTempCore } from '../testing/temp-core.js';
import { exportInChild } from './testing/export-in-child.js';
import { assertLambdaLimits, BundleService, runSelftest } from './bundle-service.js';
import {
  arrowBody,
  arrowRows,
  expectSameOutputs,
  postArrow,
  postJson,
  startServerBundle,
} from './testing/bundle-server.js';

let core: Core;
let cleanup: () => Promise<void>;
let home: string;
let scratch: string;
let ref: string;
/** 200 rows of customers-v2 (not the training rows) as the API takes them, and what `lathe predict` gave them. */
let rows: Record<string, number | string | null>[];
let expected: Record<string, number | string | null>[];
let server: BundleExport;

const fields = ['age', 'income', 'plan'];
const arrowFields = [
  { name: 'age', type: 'number' as const },
  { name: 'income', type: 'number' as const },
  { name: 'plan', type: 'string' as const },
];

function unzipTo(zipPath: string, folder: string): void {
  for (const [name, bytes] of Object.entries(unzipSync(readFileSync(zipPath)))) {
    mkdirSync(dirname(join(folder, name)), { recursive: true });
    writeFileSync(join(folder, name), bytes);
  }
}

function selftest(folder: string): { code: number | null; stdout: string } {
  const result = spawnSync('node', ['selftest.js'], { cwd: folder, encoding: 'utf8', timeout: 120_000 });
  return { code: result.status, stdout: result.stdout };
}

beforeAll(async () => {
  ({ core, cleanup, home } = openTempCore());
  scratch = mkdtempSync(join(tmpdir(), 'lathe-bundle-test-'));
  await core.datasets.addSample();
  const trained = await core.training.train({
    data: 'customers-sample@1',
    target: 'churned',
    features: fields,
    epochs: 2,
    hidden: [8],
    backend: 'wasm',
  });
  ref = `${trained.model}@${trained.version}`;
  const source = join(appRoot(), 'resources', 'samples', 'customers-v2.csv');
  const columns = await readColumns(source, fields, {
    limit: 200,
    types: { age: 'float', income: 'float', plan: 'text' },
  });
  const input = join(scratch, 'rows.parquet');
  await writeTable(
    input,
    fields.map((name) => ({ name, values: columns.get(name)! })),
  );
  // `lathe predict` is this call: the batch scoring path, through the predict worker.
  const scored = await core.models.predict({ ref, data: input, out: join(scratch, 'scored.parquet') });
  const outputs = await readColumns(scored.out, scored.columns);
  const cell = (values: ColumnValues, i: number) => {
    const value = values[i];
    return typeof value === 'number' && Number.isNaN(value) ? null : (value ?? null);
  };
  rows = Array.from({ length: 200 }, (_, i) => Object.fromEntries(fields.map((f) => [f, cell(columns.get(f)!, i)])));
  expected = Array.from({ length: 200 }, (_, i) =>
    Object.fromEntries(scored.columns.map((c) => [c, cell(outputs.get(c)!, i)])),
  );
  server = await core.bundles.export({ ref, target: 'server', out: join(scratch, 'server') });
}, 240_000);

afterAll(async () => {
  await cleanup();
  rmSync(scratch, { recursive: true, force: true });
});

describe('server bundle', () => {
  it('answers /predict like lathe predict, rows and columns, from its folder with plain node', async () => {
    const running = await startServerBundle(server.out);
    try {
      const byRows = await postJson(`${running.url}/predict`, { rows });
      expect(byRows.status).toBe(200);
      expectSameOutputs(byRows.json.predictions as Record<string, unknown>[], expected);
      const columns = Object.fromEntries(fields.map((f) => [f, rows.map((row) => row[f])]));
      const byColumns = await postJson(`${running.url}/predict`, { columns });
      const answered = byColumns.json.columns as Record<string, unknown[]>;
      expectSameOutputs(
        rows.map((_, i) => Object.fromEntries(Object.keys(answered).map((name) => [name, answered[name]![i]]))),
        expected,
      );
      expect(await (await fetch(`${running.url}/health`)).json()).toEqual({ status: 'ok' });
      const metadata = (await (await fetch(`${running.url}/metadata`)).json()) as Record<string, never>;
      expect(metadata.model).toMatchObject({ name: ref.split('@')[0], version: 1 });
      expect(metadata.schema).toEqual(server.manifest.schema);
    } finally {
      running.child.kill('SIGTERM');
      await running.exited;
    }
  });

  it('answers an Apache Arrow IPC stream like lathe predict, and as JSON columns when Accept asks for JSON', async () => {
    const running = await startServerBundle(server.out);
    try {
      // pyarrow's defaults for a pandas frame (float64, utf8), one batch; then float32 and a categorical
      // (dictionary) column, sent as three record batches.
      const plain = await postArrow(`${running.url}/predict`, arrowBody(rows, arrowFields));
      expect(plain.status).toBe(200);
      expect(plain.type).toBe('application/vnd.apache.arrow.stream');
      expectSameOutputs(arrowRows(plain.bytes), expected);
      const threeBatches = arrowBody(rows, arrowFields, 'dictionary-float32', 3);
      expect(
        RecordBatchReader.from(threeBatches)
          .readAll()
          .map((batch) => batch.numRows),
      ).toEqual([67, 67, 66]);
      const categorical = await postArrow(`${running.url}/predict`, threeBatches);
      expect(categorical.status).toBe(200);
      expectSameOutputs(arrowRows(categorical.bytes), expected);
      const asJson = await postArrow(`${running.url}/predict`, arrowBody(rows, arrowFields), 'application/json');
      expect(asJson.type).toBe('application/json');
      const answered = (JSON.parse(asJson.bytes.toString('utf8')) as { columns: Record<string, unknown[]> }).columns;
      expectSameOutputs(
        rows.map((_, i) => Object.fromEntries(Object.keys(answered).map((name) => [name, answered[name]![i]]))),
        expected,
      );
    } finally {
      running.child.kill('SIGTERM');
      await running.exited;
    }
  });

  it('refuses a bad Arrow body with a 400 naming the field', async () => {
    const running = await startServerBundle(server.out);
    const refusal = async (body: Uint8Array) => {
      const answer = await postArrow(`${running.url}/predict`, body);
      expect(answer.status).toBe(400);
      return (JSON.parse(answer.bytes.toString('utf8')) as { error: { field: string | null; message: string } }).error;
    };
    try {
      const noIncome = arrowFields.filter((f) => f.name !== 'income');
      expect(await refusal(arrowBody(rows, noIncome))).toMatchObject({
        field: 'income',
        message: 'missing field "income"',
      });
      const textAge = arrowBody(
        rows.map((row) => ({ ...row, age: String(row.age) })),
        arrowFields.map((f) => (f.name === 'age' ? { name: 'age', type: 'string' as const } : f)),
      );
      const mistyped = await refusal(textAge);
      expect(mistyped.field).toBe('age');
      expect(mistyped.message).toMatch(/field "age": expected a numeric column .*got Utf8/);
      const extra = arrowBody(
        rows.map((row) => ({ ...row, agee: 1 })),
        [...arrowFields, { name: 'agee', type: 'number' as const }],
      );
      expect(await refusal(extra)).toMatchObject({ field: 'agee' });
      expect((await refusal(Buffer.from('{"rows": []}'))).message).toMatch(/not an Arrow IPC stream/);
    } finally {
      running.child.kill('SIGTERM');
      await running.exited;
    }
  });

  it('refuses bad input with a 400 naming the field, and counts requests, errors and latency in /metrics', async () => {
    const running = await startServerBundle(server.out);
    try {
      const missing = await postJson(`${running.url}/predict`, { rows: [{ age: 30, plan: 'pro' }] });
      expect(missing.status).toBe(400);
      expect(missing.json.error).toMatchObject({ code: 'BAD_INPUT', field: 'income' });
      expect((missing.json.error as { message: string }).message).toMatch(/missing field "income"/);
      const mistyped = await postJson(`${running.url}/predict`, { rows: [{ age: 'old', income: 1, plan: 'pro' }] });
      expect(mistyped.json.error).toMatchObject({ field: 'age' });
      expect((mistyped.json.error as { message: string }).message).toMatch(/field "age" \(row 0\): expected a number/);
      const unknown = await postJson(`${running.url}/predict`, { rows: [{ age: 1, income: 1, plan: 'pro', agee: 2 }] });
      expect(unknown.json.error).toMatchObject({ field: 'agee' });
      const ragged = await postJson(`${running.url}/predict`, {
        columns: { age: [1, 2], income: [1], plan: ['a', 'b'] },
      });
      expect(ragged.json.error).toMatchObject({ field: 'income' });
      const notJson = await fetch(`${running.url}/predict`, { method: 'POST', body: '{"rows": [' });
      expect(notJson.status).toBe(400);
      expect((await postJson(`${running.url}/predict`, { rows: rows.slice(0, 3) })).status).toBe(200);
      const metrics = await (await fetch(`${running.url}/metrics`)).text();
      expect(metrics).toContain('lathe_requests_total{route="/predict",method="POST",status="400"} 5');
      expect(metrics).toContain('lathe_requests_total{route="/predict",method="POST",status="200"} 1');
      expect(metrics).toContain('lathe_request_errors_total{route="/predict",status="400"} 5');
      expect(metrics).toMatch(/lathe_request_duration_seconds_bucket\{route="\/predict",le="\+Inf"\} 6/);
      expect(metrics).toMatch(/lathe_request_duration_seconds_count\{route="\/predict"\} 6/);
      expect(metrics).toContain('lathe_rows_scored_total 3');
    } finally {
      running.child.kill('SIGTERM');
      await running.exited;
    }
  });

  it('finishes a request in flight on SIGTERM, then exits 0', async () => {
    const running = await startServerBundle(server.out);
    const body = Buffer.from(JSON.stringify({ rows }));
    const { request } = await import('node:http');
    const answer = new Promise<{ status: number; text: string; connection: string | undefined }>((resolve, reject) => {
      const sent = request(
        `${running.url}/predict`,
        { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': body.length } },
        (response) => {
          let text = '';
          response.on('data', (chunk) => (text += String(chunk)));
          response.on('end', () =>
            resolve({ status: response.statusCode!, text, connection: response.headers.connection }),
          );
        },
      );
      sent.on('error', reject);
      // Half the body now; the rest only after the signal, so the request is surely in flight when it lands.
      sent.write(body.subarray(0, body.length >> 1));
      void (async () => {
        for (;;) {
          const metrics = await (await fetch(`${running.url}/metrics`, { headers: { connection: 'close' } })).text();
          if (/lathe_requests_in_flight 1/.test(metrics)) break;
        }
        running.child.kill('SIGTERM');
        await new Promise((resolveWait) => running.child.stdout!.once('data', resolveWait));
        sent.end(body.subarray(body.length >> 1));
      })().catch(reject);
    });
    const finished = await answer;
    expect(finished.status).toBe(200);
    expect(finished.connection).toBe('close');
    expectSameOutputs((JSON.parse(finished.text) as { predictions: Record<string, unknown>[] }).predictions, expected);
    expect(await running.exited).toBe(0);
    expect(running.stdout()).toMatch(/SIGTERM: finishing requests in flight[\s\S]*stopped/);
  });
});

describe("Arrow bodies (the bundle's arrow-body.js)", () => {
  interface ArrowBodyModule {
    readArrowRequest: (
      schema: unknown,
      bytes: Uint8Array,
    ) => { count: number; columns: Map<string, Iterable<number | string>> };
    writeArrowAnswer: (columns: { name: string; values: unknown }[]) => Buffer;
  }
  const load = () => createRequire(import.meta.url)(join(server.out, 'arrow-body.js')) as ArrowBodyModule;

  it('reads non-ASCII text, nulls and several batches, and writes non-ASCII labels', () => {
    const { readArrowRequest, writeArrowAnswer } = load();
    const sent = [
      { age: 1, income: null, plan: 'café' },
      { age: null, income: 2.5, plan: null },
      { age: 3, income: 4, plan: 'pro' },
    ];
    for (const variant of ['utf8-float64', 'dictionary-float32'] as const) {
      const read = readArrowRequest(server.manifest.schema.input, arrowBody(sent, arrowFields, variant, 2));
      expect(read.count).toBe(3);
      expect([...read.columns.get('plan')!]).toEqual(['café', '', 'pro']);
      expect([...read.columns.get('age')!]).toEqual([1, NaN, 3]);
      expect([...read.columns.get('income')!]).toEqual([NaN, 2.5, 4]);
    }
    const answer = writeArrowAnswer([
      { name: 'label', values: ['ja', 'nein', 'überhaupt'] },
      { name: 'probability_ja', values: Float32Array.of(0.25, 0.5, 1) },
    ]);
    expect(arrowRows(answer)).toEqual([
      { label: 'ja', probability_ja: 0.25 },
      { label: 'nein', probability_ja: 0.5 },
      { label: 'überhaupt', probability_ja: 1 },
    ]);
  });
});

describe("JSON answers (the bundle's json-answer.js)", () => {
  it('writes the bytes JSON.stringify would, for rows and columns, whatever the outputs hold', () => {
    const { answerText } = createRequire(import.meta.url)(join(server.out, 'json-answer.js')) as {
      answerText: (head: object, columns: { name: string; values: unknown }[], shape: string) => string;
    };
    const columns = [
      { name: 'label', values: ['a "quoted" \\ one', 'ü\n', 'a "quoted" \\ one'] },
      { name: 'probability', values: Float32Array.of(0.1, NaN, Infinity) },
      { name: 'value', values: Float64Array.of(1e-7, -0, 123456789.123) },
      { name: 'index', values: BigInt64Array.of(1n, -2n, 3n) },
      { name: 'flag', values: Uint8Array.of(1, 0, 1) },
    ];
    const head = { model: 'm "x"', version: 2, rows: 3 };
    const plain = (values: unknown) =>
      Array.isArray(values) ? values : Array.from(values as ArrayLike<number>, Number);
    expect(answerText(head, columns, 'columns')).toBe(
      JSON.stringify({ ...head, columns: Object.fromEntries(columns.map((c) => [c.name, plain(c.values)])) }),
    );
    expect(answerText(head, columns, 'rows')).toBe(
      JSON.stringify({
        ...head,
        predictions: [0, 1, 2].map((i) => Object.fromEntries(columns.map((c) => [c.name, plain(c.values)[i]]))),
      }),
    );
  });
});

describe('lambda bundle', () => {
  it('is a zip within Lambda limits whose handler answers API Gateway events (v1 and v2) like lathe predict', async () => {
    const exported = await core.bundles.export({ ref, target: 'lambda', out: join(scratch, 'lambda.zip') });
    expect(exported.zippedBytes!).toBeLessThanOrEqual(50 * 1024 * 1024);
    expect(exported.unzippedBytes).toBeLessThanOrEqual(250 * 1024 * 1024);
    expect(exported.zippedBytes).toBe(readFileSync(exported.out).length);
    const folder = join(scratch, 'lambda-unzipped');
    unzipTo(exported.out, folder);
    // Only the Linux x64 binary of onnxruntime-node travels.
    expect(readdirSync(join(folder, 'node_modules/onnxruntime-node/bin/napi-v6'))).toEqual(['linux']);
    expect(readdirSync(join(folder, 'node_modules/onnxruntime-node/bin/napi-v6/linux'))).toEqual(['x64']);
    const { handler } = createRequire(import.meta.url)(join(folder, 'lambda.js')) as {
      handler: (
        event: unknown,
      ) => Promise<{ statusCode: number; body: string; headers: Record<string, string>; isBase64Encoded: boolean }>;
    };
    const v1 = await handler({
      resource: '/predict',
      path: '/predict',
      httpMethod: 'POST',
      headers: { 'content-type': 'application/json' },
      requestContext: { stage: 'prod', httpMethod: 'POST' },
      body: JSON.stringify({ rows }),
      isBase64Encoded: false,
    });
    expect(v1.statusCode).toBe(200);
    expect(v1.headers['content-type']).toBe('application/json');
    expectSameOutputs((JSON.parse(v1.body) as { predictions: Record<string, unknown>[] }).predictions, expected);
    const v2 = await handler({
      version: '2.0',
      routeKey: 'POST /prod/predict',
      rawPath: '/prod/predict',
      requestContext: { http: { method: 'POST', path: '/prod/predict' }, stage: 'prod' },
      body: Buffer.from(JSON.stringify({ rows: rows.slice(0, 10) })).toString('base64'),
      isBase64Encoded: true,
    });
    expect(v2.statusCode).toBe(200);
    expectSameOutputs(
      (JSON.parse(v2.body) as { predictions: Record<string, unknown>[] }).predictions,
      expected.slice(0, 10),
    );
    const bad = await handler({ httpMethod: 'POST', path: '/predict', body: '{"rows":[{"age":1}]}' });
    expect(bad.statusCode).toBe(400);
    expect(JSON.parse(bad.body).error.field).toBe('income');
    // An Arrow body arrives base64 (API Gateway with the Arrow type among its binary media types); the Arrow
    // answer goes back the same way.
    const arrow = await handler({
      version: '2.0',
      rawPath: '/predict',
      headers: { 'Content-Type': 'application/vnd.apache.arrow.stream' },
      requestContext: { http: { method: 'POST', path: '/predict' } },
      body: arrowBody(rows, arrowFields).toString('base64'),
      isBase64Encoded: true,
    });
    expect(arrow).toMatchObject({ statusCode: 200, isBase64Encoded: true });
    expect(arrow.headers['content-type']).toBe('application/vnd.apache.arrow.stream');
    expectSameOutputs(arrowRows(Buffer.from(arrow.body, 'base64')), expected);
    const mangled = await handler({
      httpMethod: 'POST',
      path: '/predict',
      headers: { 'content-type': 'application/vnd.apache.arrow.stream' },
      body: arrowBody(rows, arrowFields).toString('latin1'),
    });
    expect(mangled.statusCode).toBe(400);
    expect(JSON.parse(mangled.body).error.message).toMatch(/binary media types/);
    // 100,000 rows answer about 9 MB of JSON, over what Lambda can send back: a 413 that says what fits.
    const many = Array.from({ length: 500 }, () => rows).flat();
    const tooBig = await handler({ httpMethod: 'POST', path: '/predict', body: JSON.stringify({ rows: many }) });
    expect(tooBig.statusCode).toBe(413);
    const refusal = JSON.parse(tooBig.body).error as { code: string; message: string };
    expect(refusal.code).toBe('PAYLOAD_TOO_LARGE');
    expect(refusal.message).toMatch(
      /^the answer to 100000 rows is \d+\.\d MB, over Lambda's 6 MB response limit: send at most about \d+ rows per request$/,
    );
    const fits = Number(/about (\d+) rows/.exec(refusal.message)![1]);
    const justFits = await handler({
      httpMethod: 'POST',
      path: '/predict',
      body: JSON.stringify({ rows: many.slice(0, Math.floor(fits * 0.95)) }),
    });
    expect(justFits.statusCode).toBe(200);
    const health = await handler({ version: '2.0', rawPath: '/health', requestContext: { http: { method: 'GET' } } });
    expect(JSON.parse(health.body)).toEqual({ status: 'ok' });
  }, 120_000);

  it("refuses sizes over Lambda's limits", () => {
    expect(() => assertLambdaLimits(100, 50 * 1024 * 1024 + 1)).toThrow(/over Lambda's 50 MB/);
    expect(() => assertLambdaLimits(250 * 1024 * 1024 + 1, 100)).toThrow(/over Lambda's 250 MB/);
    expect(() => assertLambdaLimits(250 * 1024 * 1024, 50 * 1024 * 1024)).not.toThrow();
  });
});

describe('gcf bundle', () => {
  it('answers through the real Functions Framework like lathe predict', async () => {
    const exported = await core.bundles.export({ ref, target: 'gcf', out: join(scratch, 'gcf') });
    const manifest = JSON.parse(readFileSync(join(exported.out, 'package.json'), 'utf8')) as Record<string, never>;
    expect(manifest).toMatchObject({ main: 'gcf.js', dependencies: { '@google-cloud/functions-framework': '^4.0.0' } });
    // Cloud Build installs the framework from package.json; here the installed one stands in, by link.
    const require = createRequire(join(appRoot(), 'package.json'));
    const framework = realpathSync(join(appRoot(), 'node_modules/@google-cloud/functions-framework'));
    mkdirSync(join(exported.out, 'node_modules/@google-cloud'), { recursive: true });
    symlinkSync(framework, join(exported.out, 'node_modules/@google-cloud/functions-framework'));
    createRequire(import.meta.url)(join(exported.out, 'gcf.js'));
    const { getTestServer } = require('@google-cloud/functions-framework/testing') as {
      getTestServer: (name: string) => Server;
    };
    const gcf = getTestServer('predict');
    await new Promise<void>((resolve) => gcf.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(gcf.address() as AddressInfo).port}`;
      const answer = await postJson(`${url}/predict`, { rows });
      expect(answer.status).toBe(200);
      expectSameOutputs(answer.json.predictions as Record<string, unknown>[], expected);
      const bad = await postJson(`${url}/predict`, { rows: [{ age: 1, income: 2, plan: ['x'] }] });
      expect(bad.status).toBe(400);
      expect(bad.json.error).toMatchObject({ field: 'plan' });
      const arrow = await postArrow(`${url}/predict`, arrowBody(rows, arrowFields, 'dictionary-float32', 2));
      expect(arrow.status).toBe(200);
      expect(arrow.type).toMatch(/^application\/vnd\.apache\.arrow\.stream/);
      expectSameOutputs(arrowRows(arrow.bytes), expected);
    } finally {
      await new Promise((resolve) => gcf.close(resolve));
    }
  }, 120_000);
});

describe('selftest', () => {
  it('passes on the export, and catches a tampered model and a tampered manifest', () => {
    const passed = selftest(server.out);
    expect(passed.code, passed.stdout).toBe(0);
    expect(passed.stdout).toMatch(/ok {4}golden outputs: 16 rows agree/);

    const model = join(scratch, 'tampered-model');
    cpSync(server.out, model, { recursive: true });
    const bytes = readFileSync(join(model, 'model.onnx'));
    bytes[bytes.length - 5] = bytes[bytes.length - 5]! ^ 0xff;
    writeFileSync(join(model, 'model.onnx'), bytes);
    const caughtModel = selftest(model);
    expect(caughtModel.code).toBe(1);
    expect(caughtModel.stdout).toMatch(/FAIL {2}file model\.onnx: sha256 [0-9a-f]{64}, the manifest says/);

    const manifest = join(scratch, 'tampered-manifest');
    cpSync(server.out, manifest, { recursive: true });
    const text = readFileSync(join(manifest, 'manifest.json'), 'utf8');
    writeFileSync(join(manifest, 'manifest.json'), text.replace('"lathe-bundle/1"', '"lathe-bundle/1" '));
    const caughtManifest = selftest(manifest);
    expect(caughtManifest.code).toBe(1);
    expect(caughtManifest.stdout).toMatch(/FAIL {2}manifest\.json: sha256 [0-9a-f]{64}, manifest\.sha256 says/);
  }, 120_000);

  it("passes inside the server's Docker image: COPY . . (after any .dockerignore) takes every file it checks", () => {
    const image = join(scratch, 'image');
    cpSync(server.out, image, { recursive: true });
    const ignored = existsSync(join(image, '.dockerignore'))
      ? readFileSync(join(image, '.dockerignore'), 'utf8')
          .split('\n')
          .map((line) => line.trim())
          .filter((line) => line && !line.startsWith('#'))
      : [];
    for (const path of ignored) rmSync(join(image, path), { recursive: true, force: true });
    expect(readFileSync(join(server.out, 'Dockerfile'), 'utf8')).toMatch(/^RUN node selftest\.js$/m);
    const result = selftest(image);
    expect(result.stdout).toMatch(/selftest passed/);
    expect(result.code).toBe(0);
  });

  it('runs from the app and is recorded on the export', async () => {
    const result = await core.bundles.selftest(server.id);
    expect(result.passed).toBe(true);
    expect(core.bundles.get(server.id).selftest).toMatchObject({ passed: true });
  }, 60_000);

  it('runs in a worker thread as under Electron (no runAsNode there), and still catches a tampered model', async () => {
    expect((await runSelftest(server.out, 'worker')).passed).toBe(true);
    const model = join(scratch, 'tampered-in-worker');
    cpSync(server.out, model, { recursive: true });
    const bytes = readFileSync(join(model, 'model.onnx'));
    bytes[bytes.length - 5] = bytes[bytes.length - 5]! ^ 0xff;
    writeFileSync(join(model, 'model.onnx'), bytes);
    const caught = await runSelftest(model, 'worker');
    expect(caught.passed).toBe(false);
    expect(caught.checks.find((check) => check.name === 'file model.onnx')).toMatchObject({ passed: false });
  }, 120_000);
});

describe('export', () => {
  it('gives byte-identical zips for the same version, in this process and from another process', async () => {
    const first = await core.bundles.export({ ref, target: 'server', out: join(scratch, 'a.zip') });
    const second = await core.bundles.export({ ref, target: 'server', out: join(scratch, 'b.zip') });
    expect(readFileSync(first.out).equals(readFileSync(second.out))).toBe(true);
    expect(first.sha256).toBe(second.sha256);
    // Another process (another clock, another module load) over the same home.
    const cli = await exportInChild(home, ref, 'server', join(scratch, 'c.zip'));
    expect(cli.code, cli.stderr).toBe(0);
    expect(readFileSync(join(scratch, 'c.zip')).equals(readFileSync(first.out))).toBe(true);
    expect(core.bundles.list(ref).map((e) => e.id)).toEqual(expect.arrayContaining([first.id, second.id, server.id]));
  }, 180_000);

  it('writes a manifest with lineage, metrics, schema, file hashes and the validation verdict', async () => {
    const version = core.models.resolve(ref);
    const verdict: ValidationVerdict = {
      reportId: 'report-1',
      suite: 'default-classification',
      passed: true,
      createdAt: 1_700_000_000_000,
      checks: [{ name: 'accuracy >= 0.5', passed: true, detail: '0.81' }],
    };
    const service = new BundleService({
      db: databaseOfCore(core),
      objects: core.objects,
      events: core.events,
      lineage: core.lineage,
      models: core.models,
      resolveData: createDataResolver(core.datasets),
      datasets: core.datasets,
      validationOf: (id) => (id === version.id ? verdict : null),
    });
    const exported = await service.export({ ref, target: 'server', out: join(scratch, 'validated') });
    const manifest = JSON.parse(readFileSync(join(exported.out, 'manifest.json'), 'utf8')) as BundleExport['manifest'];
    expect(manifest.validation).toEqual(verdict);
    expect(manifest.model).toMatchObject({
      name: version.model,
      version: 1,
      sha256: version.hash,
      task: 'classification',
    });
    expect(manifest.metrics).toEqual(version.metrics);
    expect(manifest.lineage.run?.id).toBe(version.runId);
    expect(manifest.lineage.datasets).toEqual([
      expect.objectContaining({
        label: 'customers-sample@1',
        relation: 'trained_on',
        sha256: core.datasets.resolve('customers-sample@1').hash,
      }),
    ]);
    expect(manifest.schema.input.fields.map((f) => [f.name, f.type])).toEqual([
      ['age', 'number'],
      ['income', 'number'],
      ['plan', 'string'],
    ]);
    const model = manifest.files.find((f) => f.path === 'model.onnx')!;
    expect(model.sha256).toBe(version.hash);
    expect(manifest.files.map((f) => f.path)).toEqual(
      expect.arrayContaining(['Dockerfile', 'server.js', 'golden.json']),
    );
    expect(manifest.files.some((f) => f.path.includes('darwin') || f.path.includes('win32'))).toBe(false);
    expect(readFileSync(join(exported.out, 'Dockerfile'), 'utf8')).toMatch(/^FROM node:20-slim$/m);
    expect(core.lineage.neighbours({ kind: 'model_version', id: version.id })).toContainEqual(
      expect.objectContaining({ kind: 'bundle', id: exported.id, relation: 'bundled', direction: 'downstream' }),
    );
  }, 120_000);

  it('refuses an unknown target, an unknown version and a non-empty folder, leaving nothing behind', async () => {
    const { createDispatch } = await import('../rpc/dispatch.js');
    const { createHandlers } = await import('../rpc/handlers.js');
    const dispatch = createDispatch(createHandlers(core, '0.0.0-test'));
    const before = readdirSync(scratch).sort();
    const unknownTarget = await dispatch('bundles.export', { ref, target: 'heroku', out: join(scratch, 'x') });
    expect(unknownTarget).toMatchObject({ ok: false, error: { code: 'BAD_INPUT' } });
    expect(JSON.stringify(unknownTarget)).toMatch(/target/);
    await expect(
      core.bundles.export({ ref: `${ref.split('@')[0]}@99`, target: 'server', out: join(scratch, 'y') }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const full = join(scratch, 'full');
    mkdirSync(full);
    writeFileSync(join(full, 'keep.txt'), 'mine');
    await expect(core.bundles.export({ ref, target: 'server', out: full })).rejects.toMatchObject({
      code: 'ALREADY_EXISTS',
    });
    expect(readdirSync(full)).toEqual(['keep.txt']);
    await expect(core.bundles.export({ ref, target: 'server', out: server.out })).rejects.toMatchObject({
      code: 'ALREADY_EXISTS',
    });
    expect(readdirSync(scratch).sort()).toEqual([...before, 'full'].sort());
    expect(existsSync(join(scratch, 'x')) || existsSync(join(scratch, 'y'))).toBe(false);
  });
});
