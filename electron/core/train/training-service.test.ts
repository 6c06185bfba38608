import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TrainingProgress } from '../../../shared/contract/index.js';
import type { Core } from '../core.js';
import { writeTable } from '../data/read-table.js';
import { openTempCore } from '../testing/temp-core.js';
import { syntheticTable } from './testing/training-data.js';
import { isIdentifierName } from './training-service.js';

let core: Core;
let cleanup: () => void;
let scratch: string;
beforeEach(() => {
  ({ core, cleanup } = openTempCore());
  scratch = mkdtempSync(join(tmpdir(), 'lathe-train-'));
});
afterEach(async () => {
  core.training.dispose();
  await core.models.dispose();
  cleanup();
  rmSync(scratch, { recursive: true, force: true });
});

async function addDataset(rows: number, task: 'classification' | 'regression' = 'classification'): Promise<void> {
  const file = join(scratch, 'customers.csv');
  await writeTable(
    file,
    [...syntheticTable(rows, 11, task)].map(([name, values]) => ({ name, values })),
  );
  await core.datasets.add({ path: file, name: 'customers' });
}

describe('TrainingService (train worker, tracked run, model version)', () => {
  it('trains from a dataset version into a FINISHED run and a model version linked to both', async () => {
    await addDataset(600);
    const progress: TrainingProgress[] = [];
    const result = await core.training.train(
      {
        data: 'customers@1',
        target: 'target',
        epochs: 5,
        hidden: [16],
        batchSize: 64,
        learningRate: 0.01,
        experiment: 'churn',
        backend: 'wasm',
      },
      (p) => progress.push(p),
    );
    expect(result).toMatchObject({ model: 'customers-target', version: 1, backend: 'wasm' });
    expect(result.metrics.accuracy).toBeGreaterThan(0.6);
    expect(result.metrics.onnx_max_difference).toBeLessThanOrEqual(1e-4);
    expect(progress.map((p) => p.phase)).toEqual(
      expect.arrayContaining(['loading', 'preprocessing', 'training', 'evaluating', 'saving']),
    );
    const training = progress.filter((p) => p.phase === 'training');
    expect(training.at(-1)).toMatchObject({ epochs: 5, valMetricName: 'val_accuracy', backend: 'wasm' });
    expect(training.some((p) => p.etaSeconds !== null && p.batches > 0)).toBe(true);

    const run = core.tracking.getRunDetail(result.run);
    expect(run.status).toBe('FINISHED');
    expect(core.tracking.metricHistory(result.run, 'val_loss').points.length).toBeGreaterThanOrEqual(1);
    const artifacts = core.tracking.listArtifacts(result.run).map((a) => a.path);
    expect(artifacts).toEqual(
      expect.arrayContaining(['model', 'feature_importance.json', 'confusion_matrix.json', 'test_predictions.json']),
    );
    // The test split's labels and probabilities (the model page's ROC and PR curves), one row per test row.
    const preview = await core.tracking.artifactPreview(result.run, 'test_predictions.json');
    const stored = JSON.parse(preview.content) as { classes: string[]; labels: number[]; probabilities: number[][] };
    expect(stored.classes).toEqual(['high', 'low', 'mid']);
    expect(stored.labels.length).toBe(Number(run.params.rows_test));
    expect(stored.probabilities[0]!.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
    // The honest ETA: the patience window's estimate never exceeds the one to the last epoch.
    expect(training.some((p) => p.etaEarlyStopSeconds !== null && p.patience === 5)).toBe(true);
    for (const p of training)
      if (p.etaEarlyStopSeconds !== null) expect(p.etaEarlyStopSeconds).toBeLessThanOrEqual(p.etaSeconds! + 1e-9);

    const { version, lineage } = core.models.versionWithLineage('customers-target@1');
    expect(version).toMatchObject({
      source: 'trained',
      task: 'classification',
      runId: result.run,
      backend: 'wasm',
      classes: ['high', 'low', 'mid'],
    });
    expect(lineage).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ direction: 'upstream', kind: 'run', id: result.run, relation: 'produced' }),
        expect.objectContaining({
          direction: 'upstream',
          kind: 'dataset_version',
          label: 'customers@1',
          relation: 'trained_on',
        }),
      ]),
    );
    const prediction = await core.models.predictRow('customers-target', { x1: 14, x2: 40, noise: 0, color: 'red' });
    expect(prediction.label).toBe('high');
  }, 60_000);

  it('cancel ends the run KILLED and registers nothing', async () => {
    await addDataset(3000);
    const { jobId, done } = core.training.start({
      data: 'customers',
      target: 'target',
      epochs: 500,
      patience: 500,
      batchSize: 8,
      backend: 'wasm',
    });
    const stop = core.events.onDidEmit((event, payload) => {
      if (event === 'models.trainingProgress' && (payload as TrainingProgress).phase === 'training') {
        stop();
        expect(core.training.cancel(jobId)).toBe(true);
      }
    });
    await expect(done).rejects.toThrow(/cancelled.*KILLED/);
    const job = core.training.list()[0]!;
    expect(job.status).toBe('killed');
    expect(core.tracking.getRun(job.runId!).status).toBe('KILLED');
    expect(core.models.list()).toEqual([]);
  }, 60_000);

  it('recognises identifier column names', () => {
    for (const name of ['id', 'ID', 'uuid', 'customer_id', 'order-id', 'userId', 'row id'])
      expect(isIdentifierName(name), name).toBe(true);
    for (const name of ['idle_time', 'paid', 'valid', 'width', 'identity_score', 'Idaho'])
      expect(isIdentifierName(name), name).toBe(false);
  });

  it('leaves free-text and identifier columns out of the default features, and says so in the params', async () => {
    const file = join(scratch, 'with-ids.csv');
    const columns = syntheticTable(300, 12, 'classification');
    columns.set(
      'customer_id',
      Array.from({ length: 300 }, (_, i) => `customer-${String(i).padStart(5, '0')}`),
    );
    columns.set(
      'row_id',
      Float64Array.from({ length: 300 }, (_, i) => i + 1),
    );
    await writeTable(
      file,
      [...columns].map(([name, values]) => ({ name, values })),
    );
    const result = await core.training.train({ data: file, target: 'target', epochs: 1, hidden: [4] });
    expect(core.models.resolve(result.model).features).toEqual(['x1', 'x2', 'noise', 'color']);
    expect(core.tracking.getRunDetail(result.run).params).toMatchObject({
      skipped_columns: 'customer_id,row_id',
      features: 'x1,x2,noise,color',
    });
  });

  it('names a missing target column', async () => {
    await addDataset(100);
    await expect(core.training.train({ data: 'customers', target: 'churned' })).rejects.toThrow(
      /Target column "churned" is not in customers@1/,
    );
    // The RPC answers only once the job has started, so the form shows this error itself.
    const { started, done } = core.training.start({ data: 'customers', target: 'target', features: ['x1', 'ghost'] });
    await expect(started).rejects.toThrow(/Not in customers@1: ghost/);
    await expect(done).rejects.toThrow();
    const ok = core.training.start({ data: 'customers', target: 'target', epochs: 1 });
    await expect(ok.started).resolves.toBeUndefined();
    await ok.done;
  });
});
