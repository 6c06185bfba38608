/**
 * Training jobs as the app, `lathe serve` and the CLI see them: resolves the data, starts a tracked
 * run, trains in the train worker while streaming progress events and logging per-epoch metrics,
 * checks the ONNX export against TensorFlow.js, registers the model version with its lineage and
 * artifacts, and ends the run FINISHED, FAILED or KILLED (cancel).
 */
import { randomUUID } from 'node:crypto';
import { type z } from 'zod';
import {
  TrainOptions,
  type TrainingJob,
  type TrainingProgress,
  type TrainResult,
} from '../../../shared/contract/index.js';
import { LatheError, toErrorShape } from '../../../shared/errors.js';
import { chooseTrainingBackendProbe } from '../compute/training-backends.js';
import { adapterLine, prepareDawnEnvironment } from '../compute/webgpu.js';
import type { EventBus } from '../events.js';
import type { ExperimentService } from '../experiments/experiment-service.js';
import type { ModelService } from '../models/model-service.js';
import type { TrackingService } from '../tracking/tracking-service.js';
import { describeTable } from '../data/read-table.js';
import { latheVersion } from '../app-root.js';
import type { DataResolver } from '../models/data-source.js';
import { agreementTolerance, type TrainJobResult } from './train-protocol.js';
import { startTraining, type TrainHandle } from './train-runner.js';

type ParsedTrainOptions = z.output<typeof TrainOptions>;

interface Job {
  record: TrainingJob;
  handle?: TrainHandle;
  cancelRequested: boolean;
  done: Promise<TrainResult>;
  /** Settles once the data and options are checked and the run exists (or with the first error). */
  onDidStart: (error?: unknown) => void;
}

/** Runs and tracks training jobs. */
export class TrainingService {
  private readonly jobs = new Map<string, Job>();

  constructor(
    private readonly deps: {
      events: EventBus;
      experiments: ExperimentService;
      tracking: TrackingService;
      models: ModelService;
      resolveData: DataResolver;
    },
  ) {}

  /** Starts a job and returns its id at once; progress and the end arrive as events (and to `onProgress`). */
  start(
    input: z.input<typeof TrainOptions>,
    onProgress?: (p: TrainingProgress) => void,
  ): { jobId: string; done: Promise<TrainResult>; started: Promise<void> } {
    const options = TrainOptions.parse(input);
    const jobId = randomUUID();
    const record: TrainingJob = {
      jobId,
      data: options.data,
      target: options.target,
      status: 'running',
      runId: null,
      progress: null,
      result: null,
      error: null,
      startedAt: Date.now(),
      finishedAt: null,
      settings: {
        data: options.data,
        target: options.target,
        task: options.task,
        hidden: options.hidden.join(','),
        epochs: String(options.epochs),
        batch_size: String(options.batchSize),
        learning_rate: String(options.learningRate),
        patience: String(options.patience),
        validation_share: String(options.validationShare),
        seed: String(options.seed),
        ...(options.features?.length ? { features: options.features.join(',') } : {}),
        ...(options.backend ? { backend: options.backend } : {}),
      },
    };
    let onDidStart: (error?: unknown) => void = () => undefined;
    const started = new Promise<void>((resolve, reject) => {
      onDidStart = (error) => (error === undefined ? resolve() : reject(error));
    });
    started.catch(() => undefined);
    const job: Job = {
      record,
      cancelRequested: false,
      done: Promise.resolve() as unknown as Promise<TrainResult>,
      onDidStart,
    };
    this.jobs.set(jobId, job);
    const stop = onProgress ? this.onProgress(jobId, onProgress) : () => undefined;
    job.done = this.run(job, options).finally(stop);
    job.done.catch(() => undefined);
    return { jobId, done: job.done, started };
  }

  /** Trains and waits for the end (the CLI's `lathe train`). */
  async train(input: z.input<typeof TrainOptions>, onProgress?: (p: TrainingProgress) => void): Promise<TrainResult> {
    return this.start(input, onProgress).done;
  }

  /** Jobs of this process, newest first. */
  list(): TrainingJob[] {
    return [...this.jobs.values()].map((j) => j.record).sort((a, b) => b.startedAt - a.startedAt);
  }

  /** Asks a job to stop; its run ends KILLED. False when it was not running. */
  cancel(jobId: string): boolean {
    const job = this.jobs.get(jobId);
    if (!job) throw new LatheError('NOT_FOUND', `No training job ${jobId}`, { jobId });
    if (job.record.status !== 'running') return false;
    job.cancelRequested = true;
    job.handle?.cancel();
    return true;
  }

  /** Cancels every running job (when the core closes). */
  dispose(): void {
    for (const job of this.jobs.values()) if (job.record.status === 'running') this.cancel(job.record.jobId);
  }

  private onProgress(jobId: string, listener: (p: TrainingProgress) => void): () => void {
    return this.deps.events.onDidEmit((event, payload) => {
      if (event === 'models.trainingProgress' && (payload as TrainingProgress).jobId === jobId)
        listener(payload as TrainingProgress);
    });
  }

  private progress(job: Job, patch: Partial<TrainingProgress> & Pick<TrainingProgress, 'phase'>): void {
    const previous = job.record.progress;
    const progress: TrainingProgress = {
      jobId: job.record.jobId,
      epoch: 0,
      epochs: 0,
      batch: 0,
      batches: 0,
      loss: null,
      valLoss: null,
      valMetric: null,
      valMetricName: null,
      etaSeconds: null,
      etaEarlyStopSeconds: null,
      epochsWithoutImprovement: null,
      patience: null,
      backend: null,
      ...(previous ?? {}),
      ...patch,
    };
    job.record.progress = progress;
    this.deps.events.emit('models.trainingProgress', progress);
  }

  private async run(job: Job, options: ParsedTrainOptions): Promise<TrainResult> {
    const { tracking, experiments, models } = this.deps;
    let runId: string | null = null;
    try {
      this.progress(job, { phase: 'loading', epochs: options.epochs });
      const data = await this.deps.resolveData(options.data);
      const description = await describeTable(data.path, { format: data.format });
      if (description.rows === 0) throw new LatheError('BAD_INPUT', `${data.label} has no rows`, { data: data.label });
      const names = description.columns.map((c) => c.name);
      if (!names.includes(options.target)) {
        throw new LatheError(
          'BAD_INPUT',
          `Target column "${options.target}" is not in ${data.label} (columns: ${names.join(', ')})`,
          { column: options.target },
        );
      }
      // By default every other column except free text and timestamps, which one-hot encoding cannot use well.
      // Identifier columns (id, customer_id, userId, uuid) carry no signal a model should learn from, only row identity.
      const skipped = options.features?.length
        ? []
        : description.columns
            .filter(
              (c) =>
                c.name !== options.target && (c.type === 'text' || c.type === 'datetime' || isIdentifierName(c.name)),
            )
            .map((c) => c.name);
      const features =
        options.features && options.features.length > 0
          ? options.features
          : names.filter((n) => n !== options.target && !skipped.includes(n));
      if (features.length === 0)
        throw new LatheError(
          'BAD_INPUT',
          `No feature columns in ${data.label}: only the target${skipped.length ? ` and text, datetime or identifier columns (${skipped.join(', ')}; name them with --features to use them)` : ''}`,
        );
      const missing = features.filter((f) => !names.includes(f));
      if (missing.length > 0)
        throw new LatheError(
          'BAD_INPUT',
          `Not in ${data.label}: ${missing.join(', ')} (columns: ${names.join(', ')})`,
          { missing },
        );
      const chosen = await chooseTrainingBackendProbe(options.backend).catch((error: Error) => {
        throw new LatheError('BAD_INPUT', error.message, { field: 'backend' });
      });
      const backend = chosen.name;
      const adapter = chosen.adapter;
      const dawn = adapter ? { backend: adapter.backend, featureLevel: adapter.featureLevel } : undefined;
      if (dawn) prepareDawnEnvironment(dawn.backend);
      if (job.cancelRequested) throw new CancelledBeforeStart();

      const experimentName = options.experiment ?? 'Default';
      const experiment = experiments.findByName(experimentName) ?? experiments.create(experimentName);
      const modelName = options.modelName ?? defaultModelName(data.name, options.target);
      const run = tracking.createRun({
        experimentId: experiment.id,
        name: `train ${modelName}`,
        tags: {
          'lathe.kind': 'training',
          'lathe.backend': backend,
          // Which GPU (or CPU rasteriser) trained it: vendor, architecture, Dawn backend, software or hardware.
          ...(adapter ? { 'lathe.adapter': adapterLine(adapter) } : {}),
          'lathe.data': data.label,
          'lathe.model': modelName,
        },
      });
      runId = run.id;
      job.record.runId = run.id;
      job.onDidStart();
      tracking.logParams(run.id, {
        data: data.label,
        target: options.target,
        task: options.task,
        features: features.join(','),
        ...(skipped.length > 0 ? { skipped_columns: skipped.join(',') } : {}),
        hidden: options.hidden.join(','),
        epochs: String(options.epochs),
        batch_size: String(options.batchSize),
        learning_rate: String(options.learningRate),
        seed: String(options.seed),
        patience: String(options.patience),
        validation_share: String(options.validationShare),
        backend,
      });
      if (data.hash)
        tracking.logInputs(run.id, [
          { name: data.name, digest: data.hash.slice(0, 16), sourceType: 'lathe-dataset', source: data.label },
        ]);

      const metricName = { classification: 'val_accuracy', regression: 'val_rmse' } as const;
      const booleanTarget = description.columns.find((c) => c.name === options.target)?.type === 'boolean';
      // Known for sure once the worker has looked at the target ('prepared'); names the validation metric.
      let task: 'classification' | 'regression' | null = options.task === 'auto' ? null : options.task;
      job.handle = startTraining(
        { kind: 'file', path: data.path, format: data.format, columns: [...features, options.target] },
        {
          target: options.target,
          task: options.task,
          features,
          hidden: options.hidden,
          epochs: options.epochs,
          batchSize: options.batchSize,
          learningRate: options.learningRate,
          seed: options.seed,
          patience: options.patience,
          validationShare: options.validationShare,
          backend,
          dawn,
          producerVersion: latheVersion(),
          booleanTarget,
        },
        {
          onPhase: (phase) => this.progress(job, { phase, backend }),
          onPrepared: (prepared) => (task = prepared),
          onProgress: (p) =>
            this.progress(job, {
              phase: 'training',
              ...p,
              epochs: options.epochs,
              backend,
              valMetricName: task ? metricName[task] : null,
            }),
          onEpoch: (e) => {
            const now = Date.now();
            const points = [
              { key: 'loss', value: e.loss, step: e.epoch, timestamp: now },
              { key: 'val_loss', value: e.valLoss, step: e.epoch, timestamp: now },
              { key: 'epoch_seconds', value: e.seconds, step: e.epoch, timestamp: now },
            ];
            if (e.valMetric !== null && task)
              points.push({ key: metricName[task], value: e.valMetric, step: e.epoch, timestamp: now });
            tracking.logMetrics(run.id, points);
            this.progress(job, { phase: 'training', epoch: e.epoch, valLoss: e.valLoss, valMetric: e.valMetric });
          },
        },
      );
      if (job.cancelRequested) job.handle.cancel();
      const finished = await job.handle.result;
      if (finished === 'cancelled') throw new CancelledBeforeStart();
      const { result: outcome, agreement } = finished;

      this.progress(job, { phase: 'saving' });
      if (agreement.maxDifference > agreementTolerance) {
        throw new LatheError(
          'INTERNAL',
          `The exported ONNX graph disagrees with TensorFlow.js on the test split (max difference ${agreement.maxDifference.toExponential(2)} > ${agreementTolerance})`,
        );
      }
      const metrics: Record<string, number> = { ...outcome.metrics, onnx_max_difference: agreement.maxDifference };
      const version = await models.registerTrained({
        name: modelName,
        onnx: outcome.onnx,
        preprocessing: new TextEncoder().encode(JSON.stringify(outcome.preprocessing, null, 1)),
        task: outcome.task,
        features: outcome.features,
        featureSpecs: outcome.preprocessing.steps.map((s) =>
          s.kind === 'numeric'
            ? { name: s.name, kind: s.kind }
            : { name: s.name, kind: s.kind, categories: s.categories },
        ),
        target: options.target,
        classes: outcome.preprocessing.target.task === 'classification' ? outcome.preprocessing.target.classes : null,
        metrics,
        backend,
        runId: run.id,
        datasetVersionId: data.datasetVersionId,
      });
      await logArtifacts(tracking, run.id, outcome);
      tracking.logParams(run.id, {
        rows_train: String(outcome.rows.train),
        rows_validation: String(outcome.rows.validation),
        rows_test: String(outcome.rows.test),
      });
      const now = Date.now();
      tracking.logMetrics(
        run.id,
        Object.entries(metrics)
          .filter(([, v]) => Number.isFinite(v))
          .map(([key, value]) => ({ key: `test_${key}`.replace('test_val_', 'val_'), value, step: 0, timestamp: now })),
      );
      tracking.setTags(run.id, {
        'lathe.model_version': `${version.model}@${version.version}`,
        'lathe.task': outcome.task,
      });
      tracking.endRun(run.id, 'FINISHED');
      const result: TrainResult = { run: run.id, model: version.model, version: version.version, backend, metrics };
      job.record.status = 'finished';
      job.record.result = result;
      job.record.finishedAt = Date.now();
      this.deps.events.emit('models.trainingFinished', { ...job.record });
      return result;
    } catch (error) {
      const cancelled = error instanceof CancelledBeforeStart;
      job.onDidStart(cancelled ? new LatheError('CONFLICT', 'Training was cancelled before it started') : error);
      if (runId) {
        try {
          if (!cancelled) tracking.setTags(runId, { 'lathe.error': toErrorShape(error).message.slice(0, 5000) });
          tracking.endRun(runId, cancelled ? 'KILLED' : 'FAILED');
        } catch (endError) {
          console.error('lathe: could not end the training run', endError);
        }
      }
      job.record.status = cancelled ? 'killed' : 'failed';
      job.record.error = cancelled ? 'Cancelled' : toErrorShape(error).message;
      job.record.finishedAt = Date.now();
      this.deps.events.emit('models.trainingFinished', { ...job.record });
      if (cancelled)
        throw new LatheError('CONFLICT', `Training was cancelled${runId ? `; run ${runId} ended KILLED` : ''}`, {
          runId,
        });
      throw error;
    }
  }
}

class CancelledBeforeStart extends Error {}

/** `<dataset>-<target>` with characters a model name cannot hold replaced. */
export function defaultModelName(dataName: string, target: string): string {
  return (
    `${dataName}-${target}`
      .replace(/[^A-Za-z0-9._-]+/g, '-')
      .replace(/^[^A-Za-z0-9]+/, '')
      .slice(0, 200) || 'model'
  );
}

async function logArtifacts(tracking: TrackingService, runId: string, outcome: TrainJobResult): Promise<void> {
  const json = (value: unknown) => new TextEncoder().encode(JSON.stringify(value, null, 1));
  await tracking.logArtifactBytes(runId, 'model/model.onnx', outcome.onnx);
  await tracking.logArtifactBytes(runId, 'model/preprocessing.json', json(outcome.preprocessing));
  await tracking.logArtifactBytes(runId, 'feature_importance.json', json(outcome.importance));
  await tracking.logArtifactBytes(runId, 'history.json', json(outcome.history));
  if (outcome.confusion) await tracking.logArtifactBytes(runId, 'confusion_matrix.json', json(outcome.confusion));
  const testPredictions = testPredictionsArtifact(outcome);
  if (testPredictions)
    await tracking.logArtifactBytes(
      runId,
      testPredictionsPath,
      new TextEncoder().encode(JSON.stringify(testPredictions)),
    );
  if (outcome.residuals) {
    const csv =
      [
        'actual,predicted,residual',
        ...outcome.residuals.map((r) => `${r.actual},${r.predicted},${r.actual - r.predicted}`),
      ].join('\n') + '\n';
    await tracking.logArtifactBytes(runId, 'residuals.csv', new TextEncoder().encode(csv));
  }
}

/** Where a classifier's test-split labels and probabilities are kept (the model page's ROC and PR curves). */
export const testPredictionsPath = 'test_predictions.json';

/**
 * At most this many probabilities are kept (evenly spaced rows, 5,000 rows at most), so the artifact stays
 * within an artifact preview (256 KB) on big data and many classes.
 */
export const testPredictionsMaxValues = 20_000;

/** The `test_predictions.json` document: one label (class index) and one probability row per test row. */
export interface TestPredictions {
  format: 'lathe-test-predictions/1';
  classes: string[];
  /** Test rows in the split, and how many are kept here. */
  testRows: number;
  labels: number[];
  probabilities: number[][];
}

/** The test split's labels and probabilities of a classifier (null for regression). */
export function testPredictionsArtifact(outcome: TrainJobResult): TestPredictions | null {
  const target = outcome.preprocessing.target;
  if (target.task !== 'classification' || !outcome.testLabels) return null;
  const classes = target.classes.length;
  const rows = outcome.testLabels.length;
  const step = Math.max(1, rows / Math.max(1, Math.min(5000, Math.floor(testPredictionsMaxValues / classes))));
  const labels: number[] = [];
  const probabilities: number[][] = [];
  for (let position = 0; Math.floor(position) < rows; position += step) {
    const i = Math.floor(position);
    labels.push(outcome.testLabels[i]!);
    probabilities.push(
      Array.from(outcome.testPredictions.subarray(i * classes, (i + 1) * classes), (p) => Number(p.toPrecision(5))),
    );
  }
  return { format: 'lathe-test-predictions/1', classes: target.classes, testRows: rows, labels, probabilities };
}

/** True for a column name that looks like a row identifier: id, uuid, customer_id, userId, order-id. */
export function isIdentifierName(name: string): boolean {
  return /^(id|uuid|guid)$/i.test(name) || /[_\-\s](id|uuid)$/i.test(name) || /[a-z]Id$/.test(name);
}
