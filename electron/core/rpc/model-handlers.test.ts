import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Core } from '../core.js';
import { writeTable } from '../data/read-table.js';
import { openTempCore } from '../testing/temp-core.js';
import { syntheticTable } from '../train/testing/training-data.js';
import { createDispatch, type Dispatch } from './dispatch.js';
import { createHandlers } from './handlers.js';

const fixture = new URL('../../../resources/fixtures/pytorch-mlp/model.onnx', import.meta.url).pathname;
let core: Core;
let cleanup: () => void;
let dispatch: Dispatch;
let scratch: string;
beforeEach(() => {
  ({ core, cleanup } = openTempCore());
  dispatch = createDispatch(createHandlers(core, '0.0.0-test'));
  scratch = mkdtempSync(join(tmpdir(), 'lathe-model-rpc-'));
});
afterEach(async () => {
  core.training.dispose();
  await core.models.dispose();
  cleanup();
  rmSync(scratch, { recursive: true, force: true });
});

describe('models.* over the dispatcher', () => {
  it('validates inputs and names the field', async () => {
    expect(await dispatch('models.import', { path: fixture, name: 'has space' })).toMatchObject({
      ok: false,
      error: { code: 'BAD_INPUT', details: { field: 'name' } },
    });
    expect(await dispatch('models.train', { data: 'd', target: 't', epoch: 3 })).toMatchObject({
      ok: false,
      error: { code: 'BAD_INPUT' },
    });
    expect(await dispatch('models.version', { ref: 'nothing@1' })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
  });

  it('imports, predicts a row and lists', async () => {
    const imported = await dispatch('models.import', { path: fixture, name: 'iris', features: ['a', 'b', 'c', 'd'] });
    expect(imported).toMatchObject({ ok: true, value: { model: 'iris', version: 1 } });
    const predicted = await dispatch('models.predictRow', { ref: 'iris@1', row: { a: 5.1, b: 3.5, c: '1.4', d: 0.2 } });
    expect(
      predicted.ok && (predicted.value as { outputs: { probabilities: number[] } }).outputs.probabilities,
    ).toHaveLength(3);
    const bad = await dispatch('models.predictRow', { ref: 'iris@1', row: { a: 'five', b: 3.5, c: 1.4, d: 0.2 } });
    expect(bad).toMatchObject({ ok: false, error: { code: 'BAD_INPUT', message: 'a: "five" is not a number' } });
    expect(await dispatch('models.list', {})).toMatchObject({ ok: true, value: [{ name: 'iris', versionCount: 1 }] });
  });

  it(
    "models.cancelPredict stops the app's scoring of a version, which writes nothing",
    { timeout: 120_000 },
    async () => {
      const file = join(scratch, 'big.parquet');
      const table = syntheticTable(300_000, 3, 'classification');
      await writeTable(
        file,
        [...table].map(([name, values]) => ({ name, values })),
      );
      const trained = await core.training.train({
        data: file,
        target: 'target',
        epochs: 1,
        hidden: [8],
        backend: 'wasm',
      });
      const ref = `${trained.model}@${trained.version}`;
      expect(await dispatch('models.cancelPredict', { ref })).toEqual({ ok: true, value: { cancelled: 0 } });
      // Cancelled on the first batch's progress, as the Score panel's Cancel does.
      let cancelled: unknown;
      const off = core.events.onDidEmit((name) => {
        if (name === 'models.predictProgress' && cancelled === undefined)
          void dispatch('models.cancelPredict', { ref }).then((answer) => (cancelled = answer));
      });
      const out = join(scratch, 'scores.csv');
      try {
        const scored = await dispatch('models.predict', { ref, data: file, out });
        expect(scored).toMatchObject({ ok: false, error: { code: 'CONFLICT', details: { cancelled: true } } });
      } finally {
        off();
      }
      expect(cancelled).toEqual({ ok: true, value: { cancelled: 1 } });
      expect(existsSync(out)).toBe(false);
    },
  );

  it('models.train answers with a job only once the data checks out', async () => {
    const file = join(scratch, 'table.csv');
    await writeTable(
      file,
      [...syntheticTable(200, 1, 'classification')].map(([name, values]) => ({ name, values })),
    );
    expect(await dispatch('models.train', { data: file, target: 'nope' })).toMatchObject({
      ok: false,
      error: { code: 'BAD_INPUT', message: expect.stringContaining('Target column "nope"') },
    });
    const started = await dispatch('models.train', { data: file, target: 'target', epochs: 1 });
    expect(started).toMatchObject({ ok: true, value: { jobId: expect.any(String) } });
    const jobId = (started as { value: { jobId: string } }).value.jobId;
    await expect
      .poll(
        async () =>
          ((await dispatch('models.trainingJobs', {})) as { value: { jobId: string; status: string }[] }).value.find(
            (j) => j.jobId === jobId,
          )?.status,
        { timeout: 20_000 },
      )
      .toBe('finished');
    expect(await dispatch('models.cancelTraining', { jobId })).toMatchObject({ ok: true, value: { cancelled: false } });
  });
});
