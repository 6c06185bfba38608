/**
 * What each step type does, over the core's services (each of which keeps heavy work in its workers, so
 * a step never blocks the event loop). A handler checks its resolved settings with a strict zod schema,
 * says what besides its settings makes its work unique (the fingerprint in its idempotency key: the
 * dataset version `@latest` meant, the champion it is compared with), may recover the result of an
 * attempt a crash interrupted, and runs.
 */
import { spawn } from 'node:child_process';
import { readFileSync, rmSync, statSync } from 'node:fs';
import { basename, isAbsolute, join, resolve } from 'node:path';
import { z } from 'zod';
import type { PipelineStepType } from '../../../shared/contract/pipelines.js';
import { TrainOptions } from '../../../shared/contract/models.js';
import { LatheError } from '../../../shared/errors.js';
import type { DatasetService } from '../data/dataset-service.js';
import type { DriftService } from '../drift/drift-service.js';
import type { ModelService } from '../models/model-service.js';
import type { MonitorService } from '../monitor/monitor-service.js';
import type { RegistryService } from '../registry/registry-service.js';
import type { TrainingService } from '../train/training-service.js';
import type { TrackingService } from '../tracking/tracking-service.js';
import type { LineageService } from '../lineage/lineage-service.js';
import type { ValidationService } from '../validation/validation-service.js';
import type { BundleService } from '../bundles/bundle-service.js';
import type { Produced } from './pipeline-store.js';

/** The services steps use. */
export interface StepServices {
  datasets: DatasetService;
  training: TrainingService;
  tracking: TrackingService;
  models: ModelService;
  registry: RegistryService;
  drift: DriftService;
  monitors: MonitorService;
  validation: ValidationService;
  bundles: BundleService;
  lineage: LineageService;
  /** Where scratch files go (the object store's temp folder: same file system, swept by gc). */
  tempPath: (prefix: string) => string;
  /** The running `lathe serve` of this home (its `server.json`), for `train: command`; nulls when none runs. */
  trackingConnection: () => { uri: string | null; token: string | null };
  /** Emits a notification (desktop shells show it; others log it). */
  notify: (message: string, level: 'info' | 'warn' | 'error') => void;
}

/** What a running step can use besides its settings. */
export interface StepContext {
  services: StepServices;
  runId: string;
  step: string;
  signal: AbortSignal;
  log: (message: string, level?: 'info' | 'warn' | 'error') => void;
  /** Stores a checkpoint with the ledger key (the tracking run a training started), for recovery. */
  checkpoint: (value: Record<string, unknown>) => void;
  /** Waits for the one training slot (one training at a time by default). */
  trainingSlot: () => Promise<() => void>;
}

/** What a step gives back. */
export interface StepResult {
  outputs: Record<string, unknown>;
  produced: Produced[];
}

/** One step type's behaviour. */
export interface StepHandler {
  settings: z.ZodType<Record<string, unknown>>;
  /**
   * Values beyond the settings that decide what the step does (resolved versions, file identity; the run
   * itself for steps that act once per run, such as a notification).
   */
  fingerprint?: (settings: Record<string, unknown>, services: StepServices, runId: string) => unknown;
  /** Finds what an interrupted attempt with this checkpoint already committed; undefined when nothing. */
  recover?: (checkpoint: Record<string, unknown>, context: StepContext) => StepResult | undefined;
  run: (settings: Record<string, unknown>, context: StepContext) => Promise<StepResult>;
}

const DataRef = z.string().min(1);

/** Checked settings of one step type, typed. */
function handler<S extends z.ZodType<Record<string, unknown>>>(h: {
  settings: S;
  fingerprint?: (settings: z.output<S>, services: StepServices, runId: string) => unknown;
  recover?: (checkpoint: Record<string, unknown>, context: StepContext) => StepResult | undefined;
  run: (settings: z.output<S>, context: StepContext) => Promise<StepResult>;
}): StepHandler {
  return h as unknown as StepHandler;
}

function datasetProduced(versionId: string, name: string, version: number): Produced {
  return { kind: 'dataset_version', id: versionId, label: `${name}@${version}` };
}

function throwIfAborted(signal: AbortSignal): void {
  if (signal.aborted) throw new LatheError('CONFLICT', 'cancelled');
}

const ingest = handler({
  settings: z
    .object({
      /** The dataset the file becomes a version of. */
      dataset: z.string().min(1),
      /** The file (usually `${{ trigger.file }}`). */
      file: z.string().min(1),
      message: z.string().optional(),
    })
    .strict(),
  fingerprint: (settings) => {
    // The same path with other bytes is another input: size and modification time tell them apart.
    try {
      const stat = statSync(settings.file);
      return { size: stat.size, mtime: stat.mtimeMs };
    } catch {
      return { missing: true };
    }
  },
  run: async (settings, context) => {
    let size: number;
    try {
      size = statSync(settings.file).size;
    } catch {
      throw new LatheError(
        'NOT_FOUND',
        `${settings.file} is gone: it was removed or renamed before it could be ingested`,
        {
          file: settings.file,
        },
      );
    }
    context.log(`adding ${settings.file} (${size} bytes) to ${settings.dataset}`);
    const added = await context.services.datasets
      .add({
        path: settings.file,
        name: settings.dataset,
        message: settings.message ?? `pipeline run ${context.runId}`,
      })
      .catch((error: unknown) => {
        // A file that vanished mid-read reaches us as a read error: say so plainly.
        try {
          statSync(settings.file);
        } catch {
          throw new LatheError(
            'NOT_FOUND',
            `${settings.file} disappeared while it was being ingested; nothing was added`,
            {
              file: settings.file,
            },
          );
        }
        throw error;
      });
    context.log(
      added.deduplicated
        ? `same bytes as ${added.name}@${added.version}: nothing new added`
        : `${added.name}@${added.version}: ${added.rows} rows, ${added.columns} columns`,
    );
    return {
      outputs: {
        dataset: `${added.name}@${added.version}`,
        name: added.name,
        version: added.version,
        versionId: added.versionId,
        rows: added.rows,
        deduplicated: added.deduplicated,
        file: settings.file,
      },
      produced: [datasetProduced(added.versionId, added.name, added.version)],
    };
  },
});

const validateData = handler({
  settings: z
    .object({
      data: DataRef,
      /** A reference version whose columns and types the data must have, and against which drift is measured. */
      reference: DataRef.optional(),
      /** Columns that must be there. */
      columns: z.array(z.string().min(1)).default([]),
      /** The drift gate: fail when at least this share of columns drifts from the reference. */
      maxDriftShare: z.number().gt(0).max(1).optional(),
    })
    .strict(),
  fingerprint: (settings, services) => ({
    data: services.datasets.resolve(settings.data).versionId,
    reference: settings.reference ? services.datasets.resolve(settings.reference).versionId : null,
  }),
  run: async (settings, context) => {
    const { datasets, drift } = context.services;
    const data = datasets.resolve(settings.data);
    const label = `${data.name}@${data.version}`;
    const columns = new Map(data.columns.map((c) => [c.name, c.type]));
    const problems: string[] = [];
    for (const column of settings.columns) if (!columns.has(column)) problems.push(`column "${column}" is missing`);
    let driftShare: number | null = null;
    let drifted: string[] = [];
    let report: string | null = null;
    if (settings.reference) {
      const reference = datasets.resolve(settings.reference);
      for (const column of reference.columns) {
        const type = columns.get(column.name);
        if (type === undefined) problems.push(`column "${column.name}" of the reference is missing`);
        else if (type !== column.type)
          problems.push(`column "${column.name}" is ${type}, the reference has ${column.type}`);
      }
      if (problems.length === 0 && settings.maxDriftShare !== undefined) {
        throwIfAborted(context.signal);
        const result = await drift.run({
          reference: `${reference.name}@${reference.version}`,
          current: label,
        });
        driftShare = result.driftShare;
        drifted = result.columns.filter((c) => c.verdict === 'drift').map((c) => c.column);
        report = result.id;
        context.log(`drift share ${driftShare.toFixed(3)} (${drifted.join(', ') || 'no column drifted'})`);
        if (driftShare >= settings.maxDriftShare)
          problems.push(
            `drift share ${driftShare.toFixed(3)} reaches the gate ${settings.maxDriftShare} (${drifted.join(', ')})`,
          );
      }
    }
    if (problems.length > 0)
      throw new LatheError('BAD_INPUT', `${label} failed its checks: ${problems.join('; ')}`, { problems });
    context.log(`${label}: schema checks passed`);
    return {
      outputs: { data: label, passed: true, driftShare, drifted: drifted.length > 0, driftedColumns: drifted, report },
      produced: report ? [{ kind: 'drift_report', id: report, label: `drift report ${report.slice(0, 8)}` }] : [],
    };
  },
});

// A template training takes exactly what `lathe train` and the Train form take (their limits and defaults).
const TrainTemplate = TrainOptions;

const TrainCommand = z
  .object({
    /** argv of a program that logs through the MLflow API and registers a model version (`mlflow` client). */
    command: z.array(z.string().min(1)).min(1),
    /** The registered model the command creates a version of. */
    modelName: z.string().min(1),
    cwd: z.string().optional(),
    env: z.record(z.string(), z.string()).default({}),
  })
  .strict();

const train = handler({
  // Not a z.union: its failure says only "Invalid input"; the step's kind is plain from `command`, so the
  // issues are those of the schema it meant (a field, a limit), as the definition's author needs them.
  settings: z.record(z.string(), z.unknown()).transform((value, context) => {
    const parsed = ('command' in value ? TrainCommand : TrainTemplate).safeParse(value);
    if (parsed.success) return parsed.data as Record<string, unknown>;
    for (const issue of parsed.error.issues) {
      // A custom issue carries no `keys`: an unknown key goes into the path, so its line can be found.
      const path = issue.code === 'unrecognized_keys' ? [...issue.path, ...issue.keys.slice(0, 1)] : issue.path;
      context.addIssue({ code: 'custom', message: issue.message, path });
    }
    return z.NEVER;
  }),
  fingerprint: (settings, services) =>
    'data' in settings && typeof settings.data === 'string'
      ? { data: services.datasets.resolve(settings.data).versionId }
      : { command: true },
  recover: (checkpoint, context) => {
    // A command the crash interrupted: a version it registered is whole (MLflow registers after logging the
    // model), so it is taken rather than trained and registered a second time.
    if (typeof checkpoint.commandModel === 'string' && Array.isArray(checkpoint.versionsBefore)) {
      const version = newVersionOf(checkpoint.commandModel, new Set(checkpoint.versionsBefore as string[]), context);
      if (version) {
        context.log(`the interrupted command had registered ${version.model}@${version.version}: taking it`);
        return trainResult(version.model, version.version, version.id, version.runId ?? '', {}, 'recovered');
      }
      return undefined;
    }
    // A training the crash interrupted: adopt its model version if it finished, else close its run.
    const runId = typeof checkpoint.trackingRun === 'string' ? checkpoint.trackingRun : undefined;
    if (!runId) return undefined;
    const { tracking, lineage, models } = context.services;
    let status: string;
    try {
      status = tracking.getRun(runId).status;
    } catch {
      return undefined;
    }
    const made = lineage.targetIds({ kind: 'run', id: runId }, 'model_version');
    if (status === 'FINISHED' && made.length > 0) {
      const version = models
        .list()
        .flatMap((m) => models.get(m.name).versions)
        .find((v) => v.id === made[0]);
      if (version) {
        context.log(`the interrupted training's run ${runId} had finished: taking ${version.model}@${version.version}`);
        return trainResult(version.model, version.version, version.id, runId, {}, 'recovered');
      }
    }
    if (status === 'RUNNING') {
      tracking.endRun(runId, 'KILLED');
      context.log(`the interrupted training's run ${runId} was left running: ended KILLED, training again`, 'warn');
    }
    return undefined;
  },
  run: async (settings, context) => {
    const release = await context.trainingSlot();
    try {
      if ('command' in settings) return await trainCommand(TrainCommand.parse(settings), context);
      return await trainTemplate(TrainTemplate.parse(settings), context);
    } finally {
      release();
    }
  },
});

function trainResult(
  model: string,
  version: number,
  versionId: string,
  run: string,
  metrics: Record<string, number>,
  backend: string,
): StepResult {
  return {
    outputs: { model: `${model}@${version}`, name: model, version, run, metrics, backend },
    produced: [
      { kind: 'run', id: run, label: `run ${run.slice(0, 8)}` },
      { kind: 'model_version', id: versionId, label: `${model}@${version}` },
    ],
  };
}

async function trainTemplate(settings: z.output<typeof TrainTemplate>, context: StepContext): Promise<StepResult> {
  const { training, models } = context.services;
  throwIfAborted(context.signal);
  const job = training.start(settings);
  const onAbort = () => training.cancel(job.jobId);
  context.signal.addEventListener('abort', onAbort);
  try {
    await job.started;
    const record = training.list().find((j) => j.jobId === job.jobId);
    if (record?.runId) {
      context.checkpoint({ trackingRun: record.runId });
      context.log(`training ${settings.data} → run ${record.runId}`);
    }
    const result = await job.done;
    const version = models.resolve(`${result.model}@${result.version}`);
    context.log(`trained ${result.model}@${result.version} on ${result.backend}`);
    return trainResult(result.model, result.version, version.id, result.run, result.metrics, result.backend);
  } finally {
    context.signal.removeEventListener('abort', onAbort);
  }
}

async function trainCommand(settings: z.output<typeof TrainCommand>, context: StepContext): Promise<StepResult> {
  const { models, tracking } = context.services;
  const before = new Set(
    models.list().some((m) => m.name === settings.modelName)
      ? models.get(settings.modelName).versions.map((v) => v.id)
      : [],
  );
  // Before anything can register: after a crash, recovery compares with this list (see `recover`).
  context.checkpoint({ commandModel: settings.modelName, versionsBefore: [...before] });
  const { uri, token } = context.services.trackingConnection();
  if (!uri) context.log('no `lathe serve` is running for this home: the command gets no MLFLOW_TRACKING_URI', 'warn');
  const [program, ...args] = settings.command;
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(program!, args, {
      cwd: settings.cwd,
      env: {
        ...process.env,
        ...settings.env,
        ...(uri && token ? { MLFLOW_TRACKING_URI: uri, MLFLOW_TRACKING_TOKEN: token } : {}),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const onAbort = () => child.kill('SIGTERM');
    context.signal.addEventListener('abort', onAbort);
    const forward = (level: 'info' | 'warn') => (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) context.log(line, level);
    };
    child.stdout.on('data', forward('info'));
    child.stderr.on('data', forward('warn'));
    child.on('error', (error) => reject(new LatheError('BAD_INPUT', `${program} could not start: ${error.message}`)));
    child.on('close', (exitCode) => {
      context.signal.removeEventListener('abort', onAbort);
      resolve(exitCode);
    });
  });
  throwIfAborted(context.signal);
  if (code !== 0) throw new LatheError('INTERNAL', `the training command exited with code ${code}`, { exitCode: code });
  const version = newVersionOf(settings.modelName, before, context);
  if (!version)
    throw new LatheError('NOT_FOUND', `the training command registered no new version of ${settings.modelName}`);
  const run = version.runId ?? '';
  const metrics = run
    ? Object.fromEntries(Object.entries(tracking.getRunDetail(run).metrics).map(([k, m]) => [k, m.value ?? NaN]))
    : {};
  return trainResult(version.model, version.version, version.id, run, metrics, 'command');
}

/** The newest version of `model` not in `before` (what a training command registered), if any. */
function newVersionOf(model: string, before: ReadonlySet<string>, context: StepContext) {
  const { models } = context.services;
  if (!models.list().some((m) => m.name === model)) return undefined;
  return models
    .get(model)
    .versions.filter((v) => !before.has(v.id))
    .sort((a, b) => b.version - a.version)[0];
}

const lowerIsBetter = /rmse|mae|mse|loss|error/i;

const evaluate = handler({
  settings: z
    .object({
      /** The challenger. */
      model: z.string().min(1),
      /** The holdout set (labelled). */
      data: DataRef,
      /** The alias of the model to beat. */
      against: z.string().min(1).default('champion'),
      metric: z.string().min(1).default('accuracy'),
      /** How much better the challenger must be. */
      margin: z.number().min(0).default(0),
      label: z.string().min(1).optional(),
    })
    .strict(),
  fingerprint: (settings, services) => {
    const model = services.models.resolve(settings.model);
    let champion: string | null = null;
    try {
      champion = services.models.resolve(`${model.model}@${settings.against}`).id;
    } catch {
      champion = null;
    }
    return { champion, data: services.datasets.resolve(settings.data).versionId };
  },
  run: async (settings, context) => {
    const { models } = context.services;
    const challenger = models.resolve(settings.model);
    let champion: { model: string; version: number } | null = null;
    try {
      champion = models.resolve(`${challenger.model}@${settings.against}`);
    } catch {
      champion = null;
    }
    const score = async (ref: string): Promise<number> => {
      throwIfAborted(context.signal);
      const out = `${context.services.tempPath('evaluate')}.csv`;
      try {
        const result = await models.predict({ ref, data: settings.data, out, label: settings.label });
        const value = result.evaluation?.metrics[settings.metric];
        if (value === undefined)
          throw new LatheError(
            'BAD_INPUT',
            `${ref} on ${settings.data}: no metric "${settings.metric}" (${result.evaluation ? `has ${Object.keys(result.evaluation.metrics).join(', ')}` : 'the data has no label column'})`,
          );
        return value;
      } finally {
        rmSync(out, { force: true });
      }
    };
    const challengerRef = `${challenger.model}@${challenger.version}`;
    const value = await score(challengerRef);
    context.log(`${challengerRef}: ${settings.metric} ${value.toFixed(4)} on ${settings.data}`);
    let championValue: number | null = null;
    let better = true;
    if (champion && champion.version !== challenger.version) {
      const championRef = `${champion.model}@${champion.version}`;
      championValue = await score(championRef);
      context.log(`${settings.against} ${championRef}: ${settings.metric} ${championValue.toFixed(4)}`);
      better = lowerIsBetter.test(settings.metric)
        ? value < championValue - settings.margin
        : value > championValue + settings.margin;
    } else if (champion) {
      better = false;
      context.log(`${challengerRef} already is the ${settings.against}`);
    } else context.log(`no ${settings.against} yet: the challenger wins by default`);
    context.log(better ? 'the challenger is better' : 'the challenger is not better');
    return {
      outputs: {
        model: challengerRef,
        champion: champion ? `${champion.model}@${champion.version}` : null,
        metric: settings.metric,
        score: value,
        championScore: championValue,
        better,
      },
      produced: [],
    };
  },
});

const Comparison = z
  .object({
    value: z.unknown(),
    op: z.enum(['==', '!=', '>', '>=', '<', '<=']),
    than: z.unknown(),
  })
  .strict();

const gate = handler({
  settings: z
    .object({
      /** Opens when truthy (a boolean output such as `${{ steps.evaluate.outputs.better }}`). */
      condition: z.unknown().optional(),
      /** Opens when every comparison holds. */
      all: z.array(Comparison).default([]),
    })
    .strict()
    .refine((s) => s.condition !== undefined || s.all.length > 0, 'a gate needs a condition or comparisons in all'),
  // Decided again in every run (cheap, no side effect), so each run's page shows its own gate.
  fingerprint: (_settings, _services, runId) => ({ run: runId }),
  run: async (settings, context) => {
    const reasons: string[] = [];
    if (settings.condition !== undefined && !settings.condition)
      reasons.push(`condition is ${JSON.stringify(settings.condition)}`);
    for (const c of settings.all) {
      if (!compare(c.value, c.op, c.than))
        reasons.push(`${JSON.stringify(c.value)} ${c.op} ${JSON.stringify(c.than)} is false`);
    }
    const open = reasons.length === 0;
    const reason = open ? 'every condition holds' : reasons.join('; ');
    context.log(open ? `open: ${reason}` : `closed: ${reason}; the steps after it are skipped`);
    return { outputs: { open, reason }, produced: [] };
  },
});

function compare(value: unknown, op: z.infer<typeof Comparison>['op'], than: unknown): boolean {
  switch (op) {
    case '==':
      return value === than;
    case '!=':
      return value !== than;
    default: {
      const a = Number(value);
      const b = Number(than);
      if (Number.isNaN(a) || Number.isNaN(b)) return false;
      return op === '>' ? a > b : op === '>=' ? a >= b : op === '<' ? a < b : a <= b;
    }
  }
}

const promote = handler({
  settings: z.object({ model: z.string().min(1), alias: z.string().min(1).default('champion') }).strict(),
  fingerprint: (settings, services) => {
    const version = services.models.resolve(settings.model);
    try {
      return { current: services.models.resolve(`${version.model}@${settings.alias}`).id };
    } catch {
      return { current: null };
    }
  },
  run: async (settings, context) => {
    const moved = context.services.registry.setAlias(settings.model, settings.alias, 'lathe pipeline');
    const ref = `${moved.model}@${moved.version}`;
    context.log(
      moved.previousVersion === null
        ? `${settings.alias} → ${ref}`
        : `${settings.alias}: ${moved.model}@${moved.previousVersion} → ${ref}`,
    );
    return {
      outputs: {
        model: ref,
        alias: settings.alias,
        previous: moved.previousVersion === null ? null : `${moved.model}@${moved.previousVersion}`,
      },
      produced: [],
    };
  },
});

const monitor = handler({
  settings: z
    .object({
      monitor: z.string().min(1),
      /** Creates the monitor on first use when it does not exist (the fields of `lathe monitor create`). */
      create: z.record(z.string(), z.unknown()).optional(),
      /** Fail the step when the run raises an alert (otherwise alerts are outputs and events). */
      failOnAlert: z.boolean().default(false),
    })
    .strict(),
  fingerprint: (settings, services, runId) => {
    // A monitor over a dataset stream sees new data as new versions: the newest one is part of the input.
    try {
      const shown = services.monitors.show(settings.monitor).monitor;
      const stream = shown.config.stream;
      return stream.kind === 'dataset' ? { latest: services.datasets.resolve(stream.dataset).versionId } : { runId };
    } catch {
      return { runId };
    }
  },
  run: async (settings, context) => {
    const { monitors } = context.services;
    const exists = monitors.list().some((m) => m.name === settings.monitor);
    if (!exists) {
      if (!settings.create)
        throw new LatheError('NOT_FOUND', `No monitor named "${settings.monitor}" (give create: to make it)`);
      monitors.create({ name: settings.monitor, ...settings.create });
      context.log(`created monitor ${settings.monitor}`);
    }
    throwIfAborted(context.signal);
    const run = await monitors.run(settings.monitor);
    const alerts = run.windows.flatMap((w) => w.alerts.map((kind) => `${w.label}: ${kind}`));
    const last = run.windows[run.windows.length - 1];
    context.log(
      `${run.windows.length} windows; ${alerts.length ? `alerts: ${alerts.join(', ')}` : 'no alert'}`,
      alerts.length ? 'warn' : 'info',
    );
    if (settings.failOnAlert && alerts.length > 0)
      throw new LatheError(
        'CONFLICT',
        `monitor ${settings.monitor} raised ${alerts.length} alerts: ${alerts.join(', ')}`,
      );
    return {
      outputs: {
        monitor: settings.monitor,
        run: run.id,
        alerts: alerts.length,
        drift: run.windows.some((w) => w.alerts.includes('drift')),
        driftShare: last?.driftShare ?? null,
        estimatedAccuracy: last?.estimatedAccuracy ?? null,
      },
      produced: [
        { kind: 'monitor', id: monitors.show(settings.monitor).monitor.id, label: `monitor ${settings.monitor}` },
      ],
    };
  },
});

const notify = handler({
  settings: z
    .object({ message: z.string().min(1).max(2000), level: z.enum(['info', 'warn', 'error']).default('info') })
    .strict(),
  // Once per run: a resumed run does not notify again.
  fingerprint: (_settings, _services, runId) => ({ run: runId }),
  run: async (settings, context) => {
    context.services.notify(settings.message, settings.level);
    context.log(settings.message, settings.level);
    return { outputs: { message: settings.message }, produced: [] };
  },
});

const validate = handler({
  settings: z
    .object({
      model: z.string().min(1),
      /** The suite's YAML text (the model's default suite when neither this nor suiteFile is given). */
      suite: z.string().min(1).optional(),
      /** A suite file, read when the step runs (named in errors). */
      suiteFile: z.string().min(1).optional(),
      holdout: DataRef.optional(),
      baseline: z.string().min(1).optional(),
      /** Fail the step (and so the run) when the suite fails; otherwise `passed` is an output for a gate. */
      required: z.boolean().default(true),
    })
    .strict()
    .refine((s) => !(s.suite && s.suiteFile), 'give suite or suiteFile, not both'),
  fingerprint: (settings, services) => ({
    model: services.models.resolve(settings.model).id,
    holdout: settings.holdout ? services.datasets.resolve(settings.holdout).versionId : null,
    suiteFile: settings.suiteFile ? readSuite(settings.suiteFile) : null,
  }),
  run: async (settings, context) => {
    throwIfAborted(context.signal);
    const report = await context.services.validation.run({
      ref: settings.model,
      suite: settings.suiteFile ? readSuite(settings.suiteFile) : settings.suite,
      suiteFile: settings.suiteFile,
      holdout: settings.holdout,
      baseline: settings.baseline,
    });
    const failed = report.checks.filter((c) => !c.passed);
    for (const check of report.checks)
      context.log(`${check.passed ? 'pass' : 'FAIL'} ${check.name}`, check.passed ? 'info' : 'warn');
    const produced: Produced[] = [
      { kind: 'validation_report', id: report.id, label: `validation ${report.suite.name} of ${report.model.ref}` },
    ];
    if (!report.passed && settings.required)
      throw new LatheError(
        'CONFLICT',
        `${report.model.ref} failed validation suite ${report.suite.name}: ${failed.map((c) => c.name).join(', ')} (report ${report.id})`,
        { report: report.id },
      );
    return { outputs: { passed: report.passed, report: report.id, model: report.model.ref }, produced };
  },
});

function readSuite(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new LatheError('NOT_FOUND', `the suite file ${path} cannot be read: ${(error as Error).message}`, {
      file: path,
    });
  }
}

const exportBundle = handler({
  settings: z
    .object({
      model: z.string().min(1),
      target: z.enum(['server', 'lambda', 'gcf']),
      /** A new folder or .zip (use `${{ run.id }}` to make one per run); absolute, as no working folder is meant. */
      out: z.string().min(1).refine(isAbsolute, 'out must be an absolute path'),
      golden: z.string().min(1).optional(),
    })
    .strict(),
  fingerprint: (settings, services) => ({ model: services.models.resolve(settings.model).id }),
  recover: (checkpoint, context) => {
    // An export the crash interrupted after it was recorded: adopt it.
    if (typeof checkpoint.model !== 'string' || typeof checkpoint.out !== 'string') return undefined;
    const found = context.services.bundles.list(checkpoint.model).find((b) => b.out === checkpoint.out);
    return found ? bundleResult(found) : undefined;
  },
  run: async (settings, context) => {
    throwIfAborted(context.signal);
    context.checkpoint({ model: settings.model, out: resolve(settings.out) });
    const made = await context.services.bundles.export(
      { ref: settings.model, target: settings.target, out: settings.out, golden: settings.golden },
      (progress) => context.log(`${progress.phase}: ${progress.detail}`),
    );
    context.log(`${made.target} bundle of ${made.ref} at ${made.out} (sha256 ${made.sha256.slice(0, 12)})`);
    return bundleResult(made);
  },
});

function bundleResult(made: { id: string; ref: string; target: string; out: string }): StepResult {
  return {
    outputs: { bundle: made.id, path: made.out, target: made.target },
    produced: [{ kind: 'bundle', id: made.id, label: `${made.target} bundle of ${made.ref}` }],
  };
}

/** Every step type's handler. */
export const stepHandlers: Record<PipelineStepType, StepHandler> = {
  ingest,
  'validate-data': validateData,
  train,
  evaluate,
  validate,
  gate,
  promote,
  export: exportBundle,
  monitor,
  notify,
};

/** The file name a person knows a trigger file by. */
export function fileValues(path: string): Record<string, string> {
  const name = basename(path);
  return { file: path, name, stem: name.replace(/\.[^.]*$/, ''), folder: join(path, '..') };
}
