import { describe, expect, it } from 'vitest';
import { useTempDispatch } from '../testing/temp-core.js';

const t = useTempDispatch();

describe('runs.* through the dispatcher', () => {
  it('searches with a filter and reports a filter mistake with its position', async () => {
    const run = t.core.tracking.createRun({ experimentId: '0', name: 'a' });
    t.core.tracking.logMetrics(run.id, [{ key: 'acc', value: 0.95, step: 0, timestamp: 1 }]);
    const found = await t.dispatch('runs.search', {
      experimentIds: ['0'],
      filter: 'metrics.acc > 0.9',
      withTotal: true,
    });
    expect(found).toMatchObject({
      ok: true,
      value: { total: 1, runs: [{ id: run.id, metrics: { acc: { value: 0.95 } } }] },
    });
    const bad = await t.dispatch('runs.search', { experimentIds: ['0'], filter: 'metrics.acc >' });
    expect(bad).toMatchObject({ ok: false, error: { code: 'BAD_INPUT', details: { field: 'filter', position: 13 } } });
    const unknownField = await t.dispatch('runs.search', { experimentIds: ['0'], filtr: 'x' });
    expect(unknownField).toMatchObject({ ok: false, error: { code: 'BAD_INPUT' } });
  });

  it('answers NOT_FOUND for unknown runs and BAD_INPUT for malformed ids', async () => {
    expect(await t.dispatch('runs.get', { id: 'f'.repeat(32) })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
    expect(await t.dispatch('runs.get', { id: '../etc' })).toMatchObject({ ok: false, error: { code: 'BAD_INPUT' } });
    expect(await t.dispatch('runs.artifactPreview', { runId: 'f'.repeat(32), path: '../x' })).toMatchObject({
      ok: false,
      error: { code: 'BAD_INPUT' },
    });
  });

  it('renames and purges', async () => {
    const run = t.core.tracking.createRun({ experimentId: '0', name: 'old' });
    expect(await t.dispatch('runs.rename', { id: run.id, name: 'new' })).toMatchObject({
      ok: true,
      value: { name: 'new' },
    });
    expect(await t.dispatch('runs.purge', { ids: [run.id] })).toMatchObject({ ok: true, value: { runs: 1 } });
    expect(await t.dispatch('runs.get', { id: run.id })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });
});
