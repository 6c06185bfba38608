/* eslint-disable @typescript-eslint/no-explicit-any -- MLflow responses are checked field by field with expect(); typing each shape adds nothing */
/**
 * The MLflow REST API, driven with the request bodies MLflow's Python client (3.x) sends (field names from
 * mlflow/protos/service.proto), and with the npm `mlflow` package as a real third-party client.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServing, type Serving } from '../serve.js';

let home: string;
let serving: Serving;
let base: string;
const token = 'mlflow-test-token-0123456789';

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'lathe-mlflow-'));
  const renderer = join(home, 'renderer');
  writeFileSync(join(home, 'secret.txt'), 'outside every artifact root');
  serving = await startServing({ home, port: 0, token, rendererDir: renderer });
  base = `http://127.0.0.1:${serving.server.port}`;
});
afterAll(async () => {
  await serving.stop();
  rmSync(home, { recursive: true, force: true });
});

interface Reply {
  status: number;
  body: string;
  json: Record<string, unknown> & { error_code?: string; message?: string };
  headers: Record<string, string | string[] | undefined>;
}

/** A raw request (exact path bytes, our own headers), as the Python client's `requests` session makes it. */
function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Reply> {
  const data =
    body === undefined
      ? undefined
      : Buffer.isBuffer(body)
        ? body
        : typeof body === 'string'
          ? Buffer.from(body)
          : Buffer.from(JSON.stringify(body));
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port: serving.server.port,
        path,
        method,
        headers: {
          Host: `127.0.0.1:${serving.server.port}`,
          Authorization: `Bearer ${token}`,
          'User-Agent': 'mlflow-python-client/3.1.0',
          ...(data ? { 'Content-Type': 'application/json', 'Content-Length': String(data.length) } : {}),
          ...headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: Reply['json'] = {};
          try {
            json = JSON.parse(text) as Reply['json'];
          } catch {
            // not JSON (a download)
          }
          resolve({ status: res.statusCode ?? 0, body: text, json, headers: res.headers });
        });
      },
    );
    req.on('error', reject);
    if (data) req.write(data);
    req.end();
  });
}
const api = (path: string) => `/api/2.0/mlflow/${path}`;
const post = (path: string, body: unknown) => call('POST', api(path), body);
const get = (path: string, query: Record<string, string>) => call('GET', `${api(path)}?${new URLSearchParams(query)}`);

/** What `mlflow.set_experiment(name)` + `mlflow.start_run()` send. */
async function startRun(
  experimentName: string,
): Promise<{ experimentId: string; runId: string; run: Record<string, any> }> {
  let found = await get('experiments/get-by-name', { experiment_name: experimentName });
  let experimentId: string;
  // Get or create (the 404 and create answers themselves are tested below); either way an id comes back.
  if (found.status === 404) {
    experimentId = (await post('experiments/create', { name: experimentName })).json.experiment_id as string;
  } else {
    experimentId = (found.json.experiment as { experiment_id: string }).experiment_id;
  }
  expect(experimentId).toMatch(/^\d+$/);
  found = await get('experiments/get', { experiment_id: experimentId });
  expect((found.json.experiment as { lifecycle_stage: string }).lifecycle_stage).toBe('active');
  const created = await post('runs/create', {
    experiment_id: experimentId,
    user_id: 'alice',
    start_time: 1_700_000_000_000,
    tags: [
      { key: 'mlflow.user', value: 'alice' },
      { key: 'mlflow.source.name', value: 'train.py' },
      { key: 'mlflow.source.type', value: 'LOCAL' },
      { key: 'mlflow.source.git.commit', value: 'abc123' },
    ],
  });
  expect(created.status).toBe(200);
  const run = created.json.run as Record<string, any>;
  return { experimentId, runId: run.info.run_id as string, run };
}

describe('experiments', () => {
  it('has experiment 0 "Default"', async () => {
    const reply = await get('experiments/get', { experiment_id: '0' });
    expect(reply.status).toBe(200);
    expect(reply.json.experiment).toMatchObject({ experiment_id: '0', name: 'Default', lifecycle_stage: 'active' });
  });

  it('creates only after get-by-name answers 404, and refuses a duplicate with RESOURCE_ALREADY_EXISTS', async () => {
    const missing = await get('experiments/get-by-name', { experiment_name: 'exp-create' });
    expect(missing.status).toBe(404);
    expect(missing.json).toMatchObject({ error_code: 'RESOURCE_DOES_NOT_EXIST' });
    const created = await post('experiments/create', { name: 'exp-create', tags: [{ key: 'team', value: 'vision' }] });
    expect(created.status).toBe(200);
    const again = await post('experiments/create', { name: 'exp-create' });
    expect(again.status).toBe(400);
    expect(again.json.error_code).toBe('RESOURCE_ALREADY_EXISTS');
    const byName = await get('experiments/get-by-name', { experiment_name: 'exp-create' });
    expect(byName.json.experiment).toMatchObject({
      experiment_id: created.json.experiment_id,
      tags: [{ key: 'team', value: 'vision' }],
      artifact_location: `mlflow-artifacts:/${created.json.experiment_id}`,
    });
  });

  it('refuses a client-chosen artifact location (no local paths)', async () => {
    for (const location of ['/tmp/evil', 'file:///etc', 's3://bucket/x']) {
      const reply = await post('experiments/create', { name: `loc-${location.length}`, artifact_location: location });
      expect(reply.status, location).toBe(400);
      expect(reply.json.error_code).toBe('INVALID_PARAMETER_VALUE');
    }
  });

  it('updates, tags, deletes and restores; search honours view_type and filter', async () => {
    const id = (await post('experiments/create', { name: 'exp-life' })).json.experiment_id as string;
    expect((await post('experiments/update', { experiment_id: id, new_name: 'exp-life-2' })).status).toBe(200);
    expect(
      (await post('experiments/set-experiment-tag', { experiment_id: id, key: 'stage', value: 'dev' })).status,
    ).toBe(200);
    const searched = await post('experiments/search', {
      max_results: 1000,
      view_type: 'ACTIVE_ONLY',
      filter: "name LIKE 'exp-life%' AND tags.stage = 'dev'",
      order_by: [],
    });
    expect((searched.json.experiments as { name: string }[]).map((e) => e.name)).toEqual(['exp-life-2']);
    expect((await post('experiments/delete', { experiment_id: id })).status).toBe(200);
    const deleted = await get('experiments/get-by-name', { experiment_name: 'exp-life-2' });
    expect((deleted.json.experiment as { lifecycle_stage: string }).lifecycle_stage).toBe('deleted');
    const onlyDeleted = await get('experiments/search', { view_type: 'DELETED_ONLY', max_results: '10' });
    expect((onlyDeleted.json.experiments as { experiment_id: string }[]).map((e) => e.experiment_id)).toContain(id);
    expect((await post('experiments/restore', { experiment_id: id })).status).toBe(200);
    const paged = await post('experiments/search', { max_results: 1, view_type: 'ALL' });
    expect(paged.json.experiments).toHaveLength(1);
    expect(typeof paged.json.next_page_token).toBe('string');
  });

  it('answers unknown experiments with 404 and bad ids with 400', async () => {
    expect((await get('experiments/get', { experiment_id: '424242' })).json).toMatchObject({
      error_code: 'RESOURCE_DOES_NOT_EXIST',
    });
    expect((await get('experiments/get', { experiment_id: '424242' })).status).toBe(404);
    expect((await get('experiments/get', { experiment_id: 'abc' })).status).toBe(400);
    expect((await post('experiments/delete', { experiment_id: '424242' })).status).toBe(404);
  });
});

describe('runs', () => {
  it('creates a run with a generated name and an mlflow-artifacts artifact_uri; runs/get has it', async () => {
    const { runId, run, experimentId } = await startRun('exp-runs');
    expect(run.info).toMatchObject({
      run_id: runId,
      run_uuid: runId,
      experiment_id: experimentId,
      user_id: 'alice',
      status: 'RUNNING',
      start_time: 1_700_000_000_000,
      lifecycle_stage: 'active',
    });
    expect(run.info.run_name).toMatch(/\w+-\w+-\d+/);
    const got = await get('runs/get', { run_id: runId, run_uuid: runId });
    expect(got.json.run).toMatchObject({
      info: { artifact_uri: `mlflow-artifacts:/${experimentId}/${runId}/artifacts` },
    });
    const tags = (got.json.run as any).data.tags as { key: string; value: string }[];
    expect(tags).toContainEqual({ key: 'mlflow.source.name', value: 'train.py' });
    expect(tags).toContainEqual({ key: 'mlflow.runName', value: run.info.run_name });
  });

  it('logs metrics (NaN, ±Inf included), params, tags and batches like the Python client', async () => {
    const { runId } = await startRun('exp-logging');
    expect(
      (
        await post('runs/log-metric', {
          run_id: runId,
          run_uuid: runId,
          key: 'loss',
          value: 0.5,
          timestamp: 1_700_000_000_100,
          step: 0,
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await post('runs/log-metric', {
          run_id: runId,
          run_uuid: runId,
          key: 'loss',
          value: 'NaN',
          timestamp: 1_700_000_000_200,
          step: 1,
        })
      ).status,
    ).toBe(200);
    // Python's json module writes bare NaN/Infinity.
    expect(
      (
        await call(
          'POST',
          api('runs/log-metric'),
          `{"run_id": "${runId}", "key": "loss", "value": Infinity, "timestamp": 1700000000300, "step": 2}`,
        )
      ).status,
    ).toBe(200);
    expect(
      (
        await post('runs/log-metric', {
          run_id: runId,
          key: 'loss',
          value: '-Infinity',
          timestamp: '1700000000400',
          step: '3',
        })
      ).status,
    ).toBe(200);
    expect(
      (await post('runs/log-parameter', { run_id: runId, run_uuid: runId, key: 'lr', value: '0.01' })).status,
    ).toBe(200);
    expect((await post('runs/set-tag', { run_id: runId, run_uuid: runId, key: 'team', value: 'alpha' })).status).toBe(
      200,
    );
    const batch = await post('runs/log-batch', {
      run_id: runId,
      metrics: [
        { key: 'acc', value: 0.9, timestamp: 1_700_000_001_000, step: 0 },
        { key: 'acc', value: 0.95, timestamp: 1_700_000_002_000, step: 1 },
      ],
      params: [{ key: 'epochs', value: '10' }],
      tags: [{ key: 'mlflow.note.content', value: 'hello' }],
    });
    expect(batch.status).toBe(200);
    const history = await get('metrics/get-history', {
      run_id: runId,
      run_uuid: runId,
      metric_key: 'loss',
      max_results: '25000',
    });
    expect(history.json.metrics).toEqual([
      { key: 'loss', value: 0.5, timestamp: 1_700_000_000_100, step: 0 },
      { key: 'loss', value: 'NaN', timestamp: 1_700_000_000_200, step: 1 },
      { key: 'loss', value: 'Infinity', timestamp: 1_700_000_000_300, step: 2 },
      { key: 'loss', value: '-Infinity', timestamp: 1_700_000_000_400, step: 3 },
    ]);
    const got = (await get('runs/get', { run_id: runId })).json.run as any;
    expect(got.data.metrics).toContainEqual({ key: 'acc', value: 0.95, timestamp: 1_700_000_002_000, step: 1 });
    expect(got.data.metrics).toContainEqual({ key: 'loss', value: '-Infinity', timestamp: 1_700_000_000_400, step: 3 });
    expect(got.data.params).toEqual(
      expect.arrayContaining([
        { key: 'lr', value: '0.01' },
        { key: 'epochs', value: '10' },
      ]),
    );
    expect((await post('runs/delete-tag', { run_id: runId, key: 'team' })).status).toBe(200);
    expect((await post('runs/delete-tag', { run_id: runId, key: 'team' })).status).toBe(404);
  });

  it('refuses a changed param with INVALID_PARAMETER_VALUE and keeps the first value', async () => {
    const { runId } = await startRun('exp-params');
    await post('runs/log-parameter', { run_id: runId, key: 'lr', value: '0.01' });
    const changed = await post('runs/log-parameter', { run_id: runId, key: 'lr', value: '0.1' });
    expect(changed.status).toBe(400);
    expect(changed.json.error_code).toBe('INVALID_PARAMETER_VALUE');
    expect(changed.json.message).toContain('Changing param values is not allowed');
    const inBatch = await post('runs/log-batch', { run_id: runId, params: [{ key: 'lr', value: '0.2' }] });
    expect(inBatch.status).toBe(400);
  });

  it('enforces log-batch limits: 1000 metrics, 100 params, 100 tags, 1000 items, 1 MB, 250-character keys', async () => {
    const { runId } = await startRun('exp-limits');
    const metric = (i: number) => ({ key: 'm', value: i, timestamp: 1, step: i });
    expect(
      (await post('runs/log-batch', { run_id: runId, metrics: Array.from({ length: 1000 }, (_, i) => metric(i)) }))
        .status,
    ).toBe(200);
    expect(
      (await post('runs/log-batch', { run_id: runId, metrics: Array.from({ length: 1001 }, (_, i) => metric(i)) })).json
        .error_code,
    ).toBe('INVALID_PARAMETER_VALUE');
    expect(
      (
        await post('runs/log-batch', {
          run_id: runId,
          params: Array.from({ length: 101 }, (_, i) => ({ key: `p${i}`, value: 'v' })),
        })
      ).status,
    ).toBe(400);
    expect(
      (
        await post('runs/log-batch', {
          run_id: runId,
          tags: Array.from({ length: 101 }, (_, i) => ({ key: `t${i}`, value: 'v' })),
        })
      ).status,
    ).toBe(400);
    expect(
      (
        await post('runs/log-batch', {
          run_id: runId,
          metrics: Array.from({ length: 950 }, (_, i) => metric(i)),
          params: Array.from({ length: 51 }, (_, i) => ({ key: `q${i}`, value: 'v' })),
        })
      ).status,
    ).toBe(400);
    const huge = await post('runs/log-batch', { run_id: runId, tags: [{ key: 'big', value: 'x'.repeat(1_100_000) }] });
    expect(huge.status).toBe(413);
    expect((await post('runs/log-parameter', { run_id: runId, key: 'k'.repeat(251), value: '1' })).status).toBe(400);
    expect((await post('runs/log-parameter', { run_id: runId, key: 'k'.repeat(250), value: '1' })).status).toBe(200);
    const history = await get('metrics/get-history', { run_id: runId, metric_key: 'm' });
    expect(history.json.metrics).toHaveLength(1000);
  });

  it('updates status, end_time and name; deletes and restores; refuses logging to a deleted run', async () => {
    const { runId } = await startRun('exp-update');
    const updated = await post('runs/update', {
      run_id: runId,
      run_uuid: runId,
      status: 'FINISHED',
      end_time: 1_700_000_009_000,
      run_name: 'final',
    });
    expect(updated.json.run_info).toMatchObject({ status: 'FINISHED', end_time: 1_700_000_009_000, run_name: 'final' });
    expect((await post('runs/update', { run_id: runId, status: 'DONE' })).status).toBe(400);
    expect((await post('runs/delete', { run_id: runId })).status).toBe(200);
    expect(((await get('runs/get', { run_id: runId })).json.run as any).info.lifecycle_stage).toBe('deleted');
    expect((await post('runs/log-metric', { run_id: runId, key: 'x', value: 1, timestamp: 1, step: 0 })).status).toBe(
      400,
    );
    expect((await post('runs/restore', { run_id: runId })).status).toBe(200);
    expect((await post('runs/log-metric', { run_id: runId, key: 'x', value: 1, timestamp: 1, step: 0 })).status).toBe(
      200,
    );
  });

  it('searches with filter, order_by, max_results and page_token', async () => {
    const experimentId = (await post('experiments/create', { name: 'exp-search' })).json.experiment_id as string;
    for (const [i, acc] of [0.8, 0.95, 0.91].entries()) {
      const run = (
        await post('runs/create', { experiment_id: experimentId, user_id: 'bob', start_time: 1000 + i, tags: [] })
      ).json.run as any;
      await post('runs/log-batch', {
        run_id: run.info.run_id,
        metrics: [{ key: 'acc', value: acc, timestamp: 1, step: 0 }],
        params: [{ key: 'lr', value: i === 0 ? '0.1' : '0.01' }],
        tags: [{ key: 'team', value: 'alpha' }],
      });
    }
    const search = (body: Record<string, unknown>) =>
      post('runs/search', { experiment_ids: [experimentId], run_view_type: 'ACTIVE_ONLY', ...body });
    const filtered = await search({
      filter: "metrics.acc > 0.9 and params.lr = '0.01' and tags.team LIKE 'a%' and attributes.status = 'RUNNING'",
      order_by: ['metrics.acc DESC'],
      max_results: 1000,
    });
    expect((filtered.json.runs as any[]).map((r) => r.data.metrics[0].value)).toEqual([0.95, 0.91]);
    const first = await search({ max_results: 2 });
    expect(first.json.runs).toHaveLength(2);
    const second = await search({ max_results: 2, page_token: first.json.next_page_token });
    expect(second.json.runs).toHaveLength(1);
    expect(second.json.next_page_token).toBeUndefined();
    const bad = await search({ filter: 'metrics.acc >> 1' });
    expect(bad.status).toBe(400);
    expect(bad.json.error_code).toBe('INVALID_PARAMETER_VALUE');
    expect((await search({ max_results: 50_001 })).status).toBe(400);
  });

  it('records log-inputs and returns them with the run', async () => {
    const { runId } = await startRun('exp-inputs');
    const reply = await post('runs/log-inputs', {
      run_id: runId,
      datasets: [
        {
          tags: [{ key: 'mlflow.data.context', value: 'training' }],
          dataset: {
            name: 'iris',
            digest: 'abc123',
            source_type: 'local',
            source: '{"uri": "iris.csv"}',
            schema: '{}',
            profile: '{"num_rows": 150}',
          },
        },
      ],
    });
    expect(reply.status).toBe(200);
    const run = (await get('runs/get', { run_id: runId })).json.run as any;
    expect(run.inputs.dataset_inputs[0]).toMatchObject({
      tags: [{ key: 'mlflow.data.context', value: 'training' }],
      dataset: { name: 'iris', digest: 'abc123' },
    });
  });

  it('answers unknown runs with 404 RESOURCE_DOES_NOT_EXIST and unknown endpoints with 404', async () => {
    const missing = await get('runs/get', { run_id: 'f'.repeat(32) });
    expect(missing.status).toBe(404);
    expect(missing.json.error_code).toBe('RESOURCE_DOES_NOT_EXIST');
    expect((await post('runs/log-metric', { run_id: 'nope', key: 'a', value: 1, timestamp: 1 })).status).toBe(404);
    expect((await post('runs/nonsense', {})).json.error_code).toBe('ENDPOINT_NOT_FOUND');
    expect((await call('GET', api('runs/create'))).status).toBe(405);
    expect((await post('runs/log-metric', {})).json.error_code).toBe('INVALID_PARAMETER_VALUE');
    expect((await call('POST', api('runs/log-metric'), '{not json')).status).toBe(400);
  });

  it('serves the same API under /ajax-api/2.0/mlflow/', async () => {
    const reply = await call('GET', '/ajax-api/2.0/mlflow/experiments/get?experiment_id=0');
    expect(reply.json.experiment).toMatchObject({ name: 'Default' });
  });

  it('requires the token (Bearer), like every route', async () => {
    const reply = await call('GET', api('experiments/get?experiment_id=0'), undefined, { Authorization: '' });
    expect(reply.status).toBe(401);
    expect(
      (await call('GET', api('experiments/get?experiment_id=0'), undefined, { Authorization: 'Bearer wrong' })).status,
    ).toBe(401);
  });

  it('stores all 30,000 points when three clients log 10,000 each at once', async () => {
    const { runId } = await startRun('exp-concurrent');
    const client = async (name: string) => {
      for (let offset = 0; offset < 10_000; offset += 1000) {
        const metrics = Array.from({ length: 1000 }, (_, i) => ({
          key: name,
          value: Math.random(),
          timestamp: Date.now(),
          step: offset + i,
        }));
        const reply = await post('runs/log-batch', { run_id: runId, metrics });
        expect(reply.status).toBe(200);
      }
    };
    await Promise.all([client('a'), client('b'), client('c')]);
    let total = 0;
    for (const key of ['a', 'b', 'c'])
      total += ((await get('metrics/get-history', { run_id: runId, metric_key: key })).json.metrics as unknown[])
        .length;
    expect(total).toBe(30_000);
  });
});

describe('artifacts through the proxy', () => {
  const proxy = '/api/2.0/mlflow-artifacts/artifacts';

  it('uploads with PUT, lists with artifacts/list and the proxy, downloads with GET', async () => {
    const { runId, experimentId } = await startRun('exp-artifacts');
    const root = `${proxy}/${experimentId}/${runId}/artifacts`;
    expect((await call('PUT', `${root}/model/config.json`, Buffer.from('{"layers": 3}'))).status).toBe(200);
    expect((await call('PUT', `${root}/notes%20v1.txt`, Buffer.from('hello'))).status).toBe(200);
    const listed = await get('artifacts/list', { run_id: runId, run_uuid: runId });
    expect(listed.json).toEqual({
      root_uri: `mlflow-artifacts:/${experimentId}/${runId}/artifacts`,
      files: [
        { path: 'model', is_dir: true },
        { path: 'notes v1.txt', is_dir: false, file_size: 5 },
      ],
    });
    const sub = await get('artifacts/list', { run_id: runId, path: 'model' });
    expect(sub.json.files).toEqual([{ path: 'model/config.json', is_dir: false, file_size: 13 }]);
    const proxied = await call(
      'GET',
      `${proxy}?path=${encodeURIComponent(`${experimentId}/${runId}/artifacts/model`)}`,
    );
    expect(proxied.json).toEqual({ files: [{ path: 'config.json', is_dir: false, file_size: 13 }] });
    const download = await call('GET', `${root}/model/config.json`);
    expect(download.status).toBe(200);
    expect(download.body).toBe('{"layers": 3}');
    expect(download.headers['content-type']).toBe('application/octet-stream');
    expect((await call('GET', `${root}/missing.txt`)).status).toBe(404);
    expect(
      (await call('GET', `/ajax-api/2.0/mlflow-artifacts/artifacts/${experimentId}/${runId}/artifacts/notes%20v1.txt`))
        .body,
    ).toBe('hello');
  });

  it('refuses every traversal and scheme trick with 400 and writes nothing outside the store', async () => {
    const { runId, experimentId } = await startRun('exp-evil');
    const root = `${proxy}/${experimentId}/${runId}/artifacts`;
    const before = readdirSync(home).sort();
    const attacks = [
      `${root}/../../../../secret.txt`,
      `${root}/%2e%2e/%2e%2e/secret.txt`,
      `${root}/%252e%252e/secret.txt`,
      `${root}/a%2f..%2f..%2fsecret.txt`,
      `${root}/..%5c..%5csecret.txt`,
      `${root}/a\\..\\secret.txt`,
      `${root}//etc/passwd`,
      `${root}//proc/self/root/etc/passwd`,
      `${root}/%2Fetc%2Fpasswd`,
      `${root}/file:%2F%2F%2Fetc%2Fpasswd`,
      `${root}/file:/etc/passwd`,
      `${root}/a%23b`,
      `${root}/a;b`,
      `${root}/a%3Bb`,
      `${root}/C:%5Cwindows`,
      `${proxy}/${experimentId}/${runId}/../${runId}/artifacts/x`,
      `${proxy}/../../../secret.txt`,
      `${proxy}/${experimentId}/${runId}/notartifacts/x`,
    ];
    for (const path of attacks) {
      for (const method of ['PUT', 'GET']) {
        const reply = await call(method, path, method === 'PUT' ? Buffer.from('pwned') : undefined);
        expect(reply.status, `${method} ${path}`).toBe(400);
        expect(reply.body).not.toContain('outside every artifact root');
      }
    }
    for (const path of [
      '../secret.txt',
      '%2e%2e/secret.txt',
      '/etc/passwd',
      'a/../../b',
      'file:///etc/passwd',
      's3://bucket/x',
    ]) {
      expect((await get('artifacts/list', { run_id: runId, path })).status, path).toBe(400);
      expect(
        (await call('GET', `${proxy}?path=${encodeURIComponent(`${experimentId}/${runId}/artifacts/${path}`)}`)).status,
        path,
      ).toBe(400);
    }
    expect(readdirSync(home).sort()).toEqual(before);
    expect(existsSync(join(home, 'pwned'))).toBe(false);
    expect((await get('artifacts/list', { run_id: runId })).json.files).toEqual([]);
  });

  it('answers 404 for unknown runs or a run under the wrong experiment', async () => {
    const { runId } = await startRun('exp-wrong');
    expect((await call('PUT', `${proxy}/0/${runId}/artifacts/x.txt`, Buffer.from('x'))).status).toBe(404);
    expect((await call('PUT', `${proxy}/0/${'a'.repeat(32)}/artifacts/x.txt`, Buffer.from('x'))).status).toBe(404);
  });
});

describe('the npm mlflow client', () => {
  it('drives experiments, runs, metrics and artifacts', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {}); // the package prints every body it sends
    try {
      const require = createRequire(import.meta.url);
      const MLflow = require('mlflow') as new (options: { endpoint: string; headers: Record<string, string> }) => any;
      const client = new MLflow({ endpoint: base, headers: { Authorization: `Bearer ${token}` } });
      const { experiment_id } = await client.Experiments.create({ name: 'npm-client' });
      const { experiment } = await client.Experiments.get({ experiment_id });
      expect(experiment.name).toBe('npm-client');
      const { run } = await client.Runs.create({
        experiment_id,
        user_id: 'carol',
        start_time: Date.now(),
        tags: [{ key: 'source', value: 'npm' }],
      });
      const runId = run.info.run_id as string;
      await client.Runs.logParameter({ run_id: runId, key: 'lr', value: '0.3' });
      await client.Runs.logMetric({ run_id: runId, key: 'loss', value: 0.25, timestamp: Date.now(), step: 1 });
      await client.Runs.logBatch({
        run_id: runId,
        metrics: [{ key: 'loss', value: 0.125, timestamp: Date.now(), step: 2 }],
        params: [],
        tags: [{ key: 'k', value: 'v' }],
      });
      await client.Runs.setTag({ run_id: runId, key: 'stage', value: 'test' });
      await client.Runs.update({ run_id: runId, status: 'FINISHED', end_time: Date.now() });
      const history = await client.Metrics.getHistory({ run_id: runId, metric_key: 'loss' });
      expect(history.metrics.map((m: { value: number }) => m.value)).toEqual([0.25, 0.125]);
      const { runs } = await client.Runs.search({ experiment_ids: [experiment_id], filter: "params.lr = '0.3'" });
      expect(runs).toHaveLength(1);
      expect(runs[0].info.status).toBe('FINISHED');
      const listed = await client.Artifacts.list({ run_id: runId, path: '' });
      expect(listed.root_uri).toBe(`mlflow-artifacts:/${experiment_id}/${runId}/artifacts`);
      const experiments = await client.Experiments.list();
      expect(experiments.experiments.map((e: { name: string }) => e.name)).toContain('npm-client');
      await client.Experiments.update({ experiment_id, new_name: 'npm-client-2' });
      expect((await client.Experiments.get({ experiment_id })).experiment.name).toBe('npm-client-2');
      await client.Runs.delete({ run_id: runId });
      await expect(
        client.Runs.logMetric({ run_id: runId, key: 'loss', value: 1, timestamp: Date.now(), step: 3 }),
      ).rejects.toThrow(/INVALID_PARAMETER_VALUE/);
    } finally {
      log.mockRestore();
    }
  });
});
