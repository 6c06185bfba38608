/** The one worker launcher, through the real worker entry points: replies, progress, errors and cancel. */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LatheError } from '../../../shared/errors.js';
import type { IngestRequest, IngestResponse } from '../data/ingest-protocol.js';
import type { PredictDone, PredictProgress, PredictRequest } from '../infer/predict-protocol.js';
import type { TrainOutcome, TrainProgress, TrainRequest } from '../train/train-protocol.js';
import { syntheticTable } from '../train/testing/training-data.js';
import { runWorker, runWorkerToEnd } from './run-worker.js';

let folder: string;
beforeEach(() => (folder = mkdtempSync(join(tmpdir(), 'lathe-run-worker-'))));
afterEach(() => rmSync(folder, { recursive: true, force: true }));

describe('runWorker', () => {
  it('answers with the worker’s reply (ingest hashes the file)', async () => {
    const source = join(folder, 'a.csv');
    writeFileSync(source, 'x,y\n1,2\n3,4\n');
    const reply = await runWorkerToEnd<IngestRequest, IngestResponse>('dataset-ingest', { source, format: 'csv' });
    expect(reply.ok).toBe(true);
    expect(reply.ok && reply.hash).toBe(createHash('sha256').update('x,y\n1,2\n3,4\n').digest('hex'));
  });

  it('rejects with the LatheError the worker threw, code and details kept', async () => {
    const request: PredictRequest = {
      modelPath: join(folder, 'missing.onnx'),
      inputs: [],
      outputs: [],
      features: [],
      dataPath: join(folder, 'missing.csv'),
      out: join(folder, 'out.txt'),
      batchRows: 10,
      providers: ['cpu'],
    };
    const failure = await runWorkerToEnd<PredictRequest, PredictDone, PredictProgress>('predict', request).catch(
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(LatheError);
    expect((failure as LatheError).toShape()).toEqual({
      code: 'BAD_INPUT',
      message: `--out must end in .csv or .parquet: ${request.out}`,
      details: { file: request.out },
    });
  });

  it('hears progress in order, and a cancel ends the job as cancelled', async () => {
    const columns = syntheticTable(2000, 3, 'classification');
    const request: TrainRequest = {
      source: { kind: 'columns', columns: [...columns] },
      options: {
        target: 'target',
        task: 'auto',
        hidden: [8],
        epochs: 50,
        batchSize: 16,
        learningRate: 0.01,
        seed: 1,
        patience: 50,
        backend: 'cpu',
        producerVersion: 'test',
      },
    };
    const heard: string[] = [];
    const job = runWorker<TrainRequest, TrainOutcome, TrainProgress>('train', request, {
      onProgress: (message) => {
        heard.push(message.type);
        if (message.type === 'epoch') job.cancel();
      },
    });
    expect(await job.result).toBe('cancelled');
    expect(heard.slice(0, 2)).toEqual(['phase', 'prepared']);
    expect(heard).toContain('epoch');
  });
});
