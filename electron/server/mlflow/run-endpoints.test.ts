/* eslint-disable @typescript-eslint/no-explicit-any -- MLflow responses are checked field by field with expect(); typing each shape adds nothing */
/** MLflow's runs/* endpoints (create, get, update, delete, restore, params, tags, inputs, search). */
import { describe, expect, it } from 'vitest';
import { api, call, get, post, startRun, useMlflowServer } from './testing/mlflow-server.js';

useMlflowServer();

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

  it('runs/get and runs/search show the logged models a run produced (RunOutputs.model_outputs)', async () => {
    const { runId, experimentId } = await startRun('exp-outputs');
    const before = await get('runs/get', { run_id: runId, run_uuid: runId });
    expect((before.json.run as any).outputs).toEqual({ model_outputs: [] });
    // The bodies MLflow 3's client sends for log_model: CreateLoggedModel, then LogOutputs (rest_store.py).
    const created = await post('logged-models', {
      experiment_id: experimentId,
      name: 'model',
      model_type: 'sklearn',
      source_run_id: runId,
      params: [{ key: 'alpha', value: '0.5' }],
      tags: [{ key: 'mlflow.user', value: 'alice' }],
    });
    expect(created.status, created.body).toBe(200);
    const modelId = (created.json.model as any).info.model_id as string;
    const logged = await post('runs/outputs', { run_id: runId, models: [{ model_id: modelId, step: 3 }] });
    expect(logged.status, logged.body).toBe(200);
    const got = await get('runs/get', { run_id: runId, run_uuid: runId });
    expect((got.json.run as any).outputs).toEqual({ model_outputs: [{ model_id: modelId, step: 3 }] });
    const found = await post('runs/search', { experiment_ids: [experimentId], max_results: 10 });
    const listed = (found.json.runs as any[]).find((r) => r.info.run_id === runId);
    expect(listed.outputs).toEqual({ model_outputs: [{ model_id: modelId, step: 3 }] });
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
});

describe('runs/search limits', () => {
  it('answers 400 INVALID_PARAMETER_VALUE to runs/search past its documented limits', async () => {
    const orderBy = Array.from({ length: 70 }, (_, i) => `params.p${i} DESC`);
    const ordered = await post('runs/search', { experiment_ids: ['0'], order_by: orderBy });
    expect(ordered.status).toBe(400);
    expect(ordered.json.error_code).toBe('INVALID_PARAMETER_VALUE');
    const ids = Array.from({ length: 33_000 }, (_, i) => String(i));
    const wide = await post('runs/search', { experiment_ids: ids });
    expect(wide.status).toBe(400);
    expect(wide.json.error_code).toBe('INVALID_PARAMETER_VALUE');
  });
});
