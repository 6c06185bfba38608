/* eslint-disable @typescript-eslint/no-explicit-any -- MLflow responses are checked field by field with expect() */
/**
 * A `lathe serve` for the MLflow endpoint tests: one per test file, on a free port with its own home, and
 * requests shaped as MLflow's Python client (3.x) sends them (Bearer token, JSON bodies).
 */
import { afterAll, beforeAll, expect } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServing, type Serving } from '../../serve.js';

/** The token every test server uses. */
export const token = 'mlflow-test-token-0123456789';

let home: string;
let serving: Serving;

/** Starts a server before the file's tests and stops it after; returns accessors for its home and port. */
export function useMlflowServer(): { home: () => string; serving: () => Serving; base: () => string } {
  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'lathe-mlflow-'));
    writeFileSync(join(home, 'secret.txt'), 'outside every artifact root');
    serving = await startServing({ home, port: 0, token, rendererDir: join(home, 'renderer') });
  });
  afterAll(async () => {
    await serving.stop();
    rmSync(home, { recursive: true, force: true });
  });
  return { home: () => home, serving: () => serving, base: () => `http://127.0.0.1:${serving.server.port}` };
}

/** A reply: status, raw body, parsed JSON (empty when the body is not JSON) and headers. */
export interface Reply {
  status: number;
  body: string;
  json: Record<string, unknown> & { error_code?: string; message?: string };
  headers: Record<string, string | string[] | undefined>;
}

/** A raw request (exact path bytes, our own headers), as the Python client's `requests` session makes it. */
export function call(
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Reply> {
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
/** The path of an endpoint under /api/2.0/mlflow/. */
export const api = (path: string) => `/api/2.0/mlflow/${path}`;
/** POSTs a JSON body. */
export const post = (path: string, body: unknown) => call('POST', api(path), body);
/** GETs with a query string. */
export const get = (path: string, query: Record<string, string>) =>
  call('GET', `${api(path)}?${new URLSearchParams(query)}`);

/** What `mlflow.set_experiment(name)` + `mlflow.start_run()` send. */
export async function startRun(
  experimentName: string,
): Promise<{ experimentId: string; runId: string; run: Record<string, any> }> {
  let found = await get('experiments/get-by-name', { experiment_name: experimentName });
  let experimentId: string;
  // Get or create (the 404 and create answers themselves are tested in experiment-endpoints.test.ts);
  // either way an id comes back.
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
