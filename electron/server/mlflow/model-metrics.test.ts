/* eslint-disable @typescript-eslint/no-explicit-any -- MLflow responses are checked field by field with expect(); typing each shape adds nothing */
/**
 * MLflow 3 ties metrics to logged models: a Metric's `model_id`, `dataset_name` and `dataset_digest` (as the
 * Python client's RestStore.log_metric and log_batch send them) are kept, and logged-models/get and search
 * answer them in `data.metrics`; an unknown model id leaves nothing written.
 */
import { describe, expect, it } from 'vitest';
import { get, post, startRun, useMlflowServer } from './testing/mlflow-server.js';

useMlflowServer();

/** What `mlflow.<flavor>.log_model` sends first: LoggedModel create (service.proto CreateLoggedModel). */
async function createLoggedModel(experimentId: string, runId: string): Promise<string> {
  const created = await post('logged-models', { experiment_id: experimentId, name: 'model', source_run_id: runId });
  expect(created.status).toBe(200);
  return (created.json.model as any).info.model_id as string;
}

describe('metrics of logged models', () => {
  it('keeps model_id and the dataset of log-metric and log-batch points and answers them on the model', async () => {
    const { experimentId, runId } = await startRun('model-metrics');
    const modelId = await createLoggedModel(experimentId, runId);
    // RestStore.log_metric: LogMetric(run_uuid, run_id, key, value, timestamp, step, model_id, dataset_name, dataset_digest).
    const single = await post('runs/log-metric', {
      run_uuid: runId,
      run_id: runId,
      key: 'accuracy',
      value: 0.9,
      timestamp: 1_700_000_000_100,
      step: 0,
      model_id: modelId,
      dataset_name: 'eval',
      dataset_digest: 'a1b2c3',
    });
    expect(single.status, JSON.stringify(single.json)).toBe(200);
    // RestStore.log_batch: each Metric carries its run_id and model_id (log_model's log_model_metrics_for_step).
    const batch = await post('runs/log-batch', {
      run_id: runId,
      metrics: [
        { key: 'loss', value: 0.25, timestamp: 1_700_000_000_200, step: 1, run_id: runId, model_id: modelId },
        { key: 'loss', value: 0.5, timestamp: 1_700_000_000_150, step: 0, run_id: runId },
      ],
      params: [],
      tags: [],
    });
    expect(batch.status, JSON.stringify(batch.json)).toBe(200);

    const fetched = await get(`logged-models/${modelId}`, {});
    expect(fetched.status).toBe(200);
    expect((fetched.json.model as any).data.metrics).toEqual([
      {
        key: 'accuracy',
        value: 0.9,
        timestamp: 1_700_000_000_100,
        step: 0,
        run_id: runId,
        model_id: modelId,
        dataset_name: 'eval',
        dataset_digest: 'a1b2c3',
      },
      { key: 'loss', value: 0.25, timestamp: 1_700_000_000_200, step: 1, run_id: runId, model_id: modelId },
    ]);
    const found = await post('logged-models/search', { experiment_ids: [experimentId] });
    expect((found.json.models as any[]).map((m) => m.data.metrics.length)).toEqual([2]);
    // The run's own series are unchanged: every point is a run metric too.
    const history = await get('metrics/get-history', { run_id: runId, metric_key: 'loss' });
    expect((history.json.metrics as any[]).map((m) => m.step)).toEqual([0, 1]);
  });

  it('refuses an unknown model_id with NOT_FOUND and writes no point of the batch', async () => {
    const { runId } = await startRun('model-metrics-unknown');
    const refused = await post('runs/log-batch', {
      run_id: runId,
      metrics: [
        { key: 'kept-out', value: 1, timestamp: 1_700_000_000_100, step: 0 },
        {
          key: 'kept-out',
          value: 2,
          timestamp: 1_700_000_000_200,
          step: 1,
          model_id: 'm-00000000000000000000000000000000',
        },
      ],
    });
    expect(refused.status).toBe(404);
    expect(refused.json).toMatchObject({ error_code: 'RESOURCE_DOES_NOT_EXIST' });
    expect(String(refused.json.message)).toContain('m-00000000000000000000000000000000');
    const history = await get('metrics/get-history', { run_id: runId, metric_key: 'kept-out' });
    expect(history.json.metrics ?? []).toEqual([]);
  });
});

describe('logged models a run used', () => {
  it('stores LogInputs.models and answers them in runs/get inputs.model_inputs', async () => {
    const { experimentId, runId } = await startRun('model-inputs');
    const modelId = await createLoggedModel(experimentId, runId);
    // RestStore.log_inputs(run_id, datasets=None, models=[LoggedModelInput(model_id)]): empty datasets are omitted.
    const logged = await post('runs/log-inputs', { run_id: runId, models: [{ model_id: modelId }] });
    expect(logged.status, JSON.stringify(logged.json)).toBe(200);
    expect((await post('runs/log-inputs', { run_id: runId, models: [{ model_id: modelId }] })).status).toBe(200);
    const run = await get('runs/get', { run_id: runId });
    expect((run.json.run as any).inputs.model_inputs).toEqual([{ model_id: modelId }]);
    const unknown = await post('runs/log-inputs', {
      run_id: runId,
      models: [{ model_id: 'm-00000000000000000000000000000000' }],
    });
    expect(unknown.status).toBe(404);
    expect((await post('runs/log-inputs', { run_id: runId, models: [{}] })).status).toBe(400);
  });
});
