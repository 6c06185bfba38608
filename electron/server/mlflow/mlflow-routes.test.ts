/* eslint-disable @typescript-eslint/no-explicit-any -- MLflow responses are checked field by field with expect(); typing each shape adds nothing */
/** The MLflow router: both prefixes, the token, cookie-only requests refused, body nesting limit, and the npm `mlflow` package as a real third-party client. */
import { describe, expect, it, vi } from 'vitest';
import { createRequire } from 'node:module';
import { api, call, get, post, startRun, token, useMlflowServer } from './testing/mlflow-server.js';

const server = useMlflowServer();

describe('the router', () => {
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
});

describe('the npm mlflow client', () => {
  it('drives experiments, runs, metrics and artifacts', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {}); // the package prints every body it sends
    try {
      const require = createRequire(import.meta.url);
      const MLflow = require('mlflow') as new (options: { endpoint: string; headers: Record<string, string> }) => any;
      const client = new MLflow({ endpoint: server.base(), headers: { Authorization: `Bearer ${token}` } });
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

describe('hardening', () => {
  const cookie = () => `lathe_token_${server.serving().server.port}=${encodeURIComponent(token)}`;

  it('refuses a state-changing request on cookie authority alone (text/plain simple request, other origins)', async () => {
    const simple = { Authorization: '', Cookie: cookie(), 'Content-Type': 'text/plain;charset=UTF-8' };
    for (const headers of [
      simple,
      { ...simple, 'Content-Type': 'application/x-www-form-urlencoded' },
      { ...simple, 'Content-Type': 'multipart/form-data; boundary=x' },
      { ...simple, 'Content-Type': 'application/json', Origin: 'http://127.0.0.1:1' },
      { ...simple, 'Content-Type': 'application/json', 'Sec-Fetch-Site': 'same-site' },
    ]) {
      const created = await call('POST', api('experiments/create'), { name: 'csrf-made' }, headers);
      expect(created.status, JSON.stringify(headers)).toBe(403);
    }
    const run = await startRun('csrf-target');
    const deleted = await call('POST', api('runs/delete'), { run_id: run.runId }, simple);
    expect(deleted.status).toBe(403);
    expect((await get('runs/get', { run_id: run.runId })).json.run).toMatchObject({
      info: { lifecycle_stage: 'active' },
    });
    expect((await get('experiments/get-by-name', { experiment_name: 'csrf-made' })).status).toBe(404);
  });

  it("accepts the app's own page and Bearer clients unchanged (the Python client sends Bearer + JSON)", async () => {
    const own = await call(
      'POST',
      api('experiments/create'),
      { name: 'same-origin-page' },
      {
        Authorization: '',
        Cookie: cookie(),
        Origin: `http://127.0.0.1:${server.serving().server.port}`,
        'Sec-Fetch-Site': 'same-origin',
      },
    );
    expect(own.status).toBe(200);
    const python = await post('experiments/create', { name: 'python-client' });
    expect(python.status).toBe(200);
    const reading = await call('GET', api('experiments/get?experiment_id=0'), undefined, {
      Authorization: '',
      Cookie: cookie(),
      'Sec-Fetch-Site': 'same-site',
    });
    expect(reading.status).toBe(200);
  });

  it('answers 400 INVALID_PARAMETER_VALUE, not 500, to a field nested 5,000 levels deep', async () => {
    const nested = '['.repeat(5000) + ']'.repeat(5000);
    for (const body of [`{"name": ${nested}}`, `{"experiment_id": "0", "tags": ${nested}}`]) {
      const reply = await call('POST', api(body.includes('tags') ? 'runs/create' : 'experiments/create'), body);
      expect(reply.status, body.slice(0, 30)).toBe(400);
      expect(reply.json.error_code).toBe('INVALID_PARAMETER_VALUE');
    }
  });
});
