/* eslint-disable @typescript-eslint/no-explicit-any -- MLflow responses are checked field by field with expect(); typing each shape adds nothing */
/** MLflow's metric endpoints: log-metric, log-batch (limits, concurrency) and get-history. */
import { describe, expect, it } from 'vitest';
import { api, call, get, post, startRun, useMlflowServer } from './testing/mlflow-server.js';

useMlflowServer();

describe('metrics', () => {
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
