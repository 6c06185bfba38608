/**
 * `core.models.predict` on a Lathe-trained model: class-named output columns, input columns passed through
 * and metrics against the label column, all through the predict worker.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Core } from '../core.js';
import { readColumns, writeTable } from '../data/read-table.js';
import { openTempCore } from '../testing/temp-core.js';
import { syntheticTable } from '../train/testing/training-data.js';

let core: Core;
let cleanup: () => void;
let scratch: string;
beforeEach(() => {
  ({ core, cleanup } = openTempCore());
  scratch = mkdtempSync(join(tmpdir(), 'lathe-scoring-'));
});
afterEach(async () => {
  core.training.dispose();
  await core.models.dispose();
  cleanup();
  rmSync(scratch, { recursive: true, force: true });
});

async function table(rows: number, task: 'classification' | 'regression'): Promise<string> {
  const file = join(scratch, `${task}.csv`);
  const columns = syntheticTable(rows, 5, task);
  columns.set(
    'customer_id',
    Array.from({ length: rows }, (_, i) => `c-${i}`),
  );
  await writeTable(
    file,
    [...columns].map(([name, values]) => ({ name, values })),
  );
  return file;
}

describe('batch scoring', () => {
  it('names probability columns by class, keeps an id column and reports accuracy against the label', async () => {
    const file = await table(400, 'classification');
    const trained = await core.training.train({
      data: file,
      target: 'target',
      epochs: 2,
      hidden: [8],
      backend: 'wasm',
    });
    const classes = core.models.resolve(trained.model).classes!;
    const out = join(scratch, 'scores.csv');
    const result = await core.models.predict({
      ref: trained.model,
      data: file,
      out,
      keep: ['customer_id', 'x1'],
      batchRows: 150,
    });
    expect(result.columns).toEqual(['customer_id', 'x1', 'label', ...classes.map((c) => `probability_${c}`)]);
    const written = await readColumns(out, ['customer_id', 'x1', 'label']);
    // A numeric kept column comes through whole, every batch (the scan reuses its buffers between batches).
    expect(written.get('x1')).toEqual((await readColumns(file, ['x1'])).get('x1'));
    expect((written.get('customer_id') as string[]).slice(0, 3)).toEqual(['c-0', 'c-1', 'c-2']);
    const truth = (await readColumns(file, ['target'])).get('target') as string[];
    const predicted = written.get('label') as string[];
    const accuracy = truth.filter((t, i) => t === predicted[i]).length / truth.length;
    expect(result.evaluation).toMatchObject({ label: 'target', labeledRows: 400 });
    expect(result.evaluation!.metrics.accuracy).toBeCloseTo(accuracy, 10);
    expect(result.evaluation!.metrics.log_loss).toBeGreaterThan(0);
    // The page's preview and download: the first rows as written, and the file's bytes (only files predict wrote).
    expect(result.preview.columns).toEqual(result.columns);
    expect(result.preview.rows).toHaveLength(20);
    expect([result.preview.rows[1]![0], result.preview.rows[1]![2]]).toEqual(['c-1', predicted[1]]);
    const download = core.models.downloadScores(out);
    expect(download.fileName).toBe('scores.csv');
    expect(Buffer.from(download.base64, 'base64').toString('utf8').split('\n')[0]).toBe(result.columns.join(','));
    expect(() => core.models.downloadScores(file)).toThrow(/not an output this Lathe wrote/);
  });

  it('stops between batches when its signal aborts, leaving no output behind', async () => {
    const file = await table(3000, 'classification');
    const trained = await core.training.train({
      data: file,
      target: 'target',
      epochs: 1,
      hidden: [8],
      backend: 'wasm',
    });
    const out = join(scratch, 'cancelled.parquet');
    const controller = new AbortController();
    let progressed = 0;
    await expect(
      core.models.predict(
        { ref: trained.model, data: file, out, batchRows: 100 },
        (rows) => {
          progressed = rows;
          controller.abort();
        },
        controller.signal,
      ),
    ).rejects.toMatchObject({ code: 'CONFLICT', details: { cancelled: true } });
    // Stopped in the worker after a batch or a few (the abort travels while the next ones are read), not at the end.
    expect(progressed).toBeGreaterThan(0);
    expect(progressed).toBeLessThan(3000);
    expect(existsSync(out)).toBe(false);
  });

  it('reports RMSE and MAE for a regressor, and no metrics when the data lacks the label', async () => {
    const file = await table(300, 'regression');
    const trained = await core.training.train({
      data: file,
      target: 'target',
      epochs: 2,
      hidden: [8],
      backend: 'wasm',
    });
    const out = join(scratch, 'values.parquet');
    const result = await core.models.predict({ ref: trained.model, data: file, out });
    const value = (await readColumns(out, ['value'])).get('value') as Float64Array;
    const truth = (await readColumns(file, ['target'])).get('target') as Float64Array;
    const mae = truth.reduce((sum, y, i) => sum + Math.abs(value[i]! - y), 0) / truth.length;
    expect(result.evaluation!.metrics.mae).toBeCloseTo(mae, 4);
    expect(result.evaluation!.metrics.rmse).toBeGreaterThanOrEqual(result.evaluation!.metrics.mae!);
    const unlabeled = join(scratch, 'unlabeled.csv');
    const columns = syntheticTable(50, 5, 'regression');
    columns.delete('target');
    await writeTable(
      unlabeled,
      [...columns].map(([name, values]) => ({ name, values })),
    );
    const blind = await core.models.predict({ ref: trained.model, data: unlabeled, out: join(scratch, 'blind.csv') });
    expect(blind.evaluation).toBeNull();
    await expect(
      core.models.predict({ ref: trained.model, data: unlabeled, out: join(scratch, 'x.csv'), keep: ['ghost'] }),
    ).rejects.toThrow(/Cannot keep ghost: not a column of .*unlabeled\.csv$/);
  });
});
