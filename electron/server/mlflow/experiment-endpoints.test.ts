/** MLflow's experiments/* endpoints, driven as the Python client drives them. */
import { describe, expect, it } from 'vitest';
import { get, post, useMlflowServer } from './testing/mlflow-server.js';

useMlflowServer();

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

describe('experiments/search', () => {
  it('matches LIKE patterns in linear time: a pathological pattern returns in milliseconds', async () => {
    await post('experiments/create', { name: 'my-experiment-number-one-2024' });
    const started = performance.now();
    const reply = await post('experiments/search', {
      filter: `name LIKE '${'%'.repeat(9)}a'`,
      view_type: 'ALL',
    });
    const elapsed = performance.now() - started;
    expect(reply.status).toBe(200);
    expect(reply.json.experiments ?? []).toEqual([]);
    expect(elapsed).toBeLessThan(1000);
    const many = await post('experiments/search', { filter: `name LIKE '${'%'.repeat(200)}a'` });
    expect(many.status).toBe(200);
    const hit = await post('experiments/search', { filter: `name LIKE '%%number%%2024'`, view_type: 'ALL' });
    expect((hit.json.experiments as { name: string }[]).map((e) => e.name)).toEqual(['my-experiment-number-one-2024']);
  });
});
