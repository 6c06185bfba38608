/**
 * The `train` step: a training template (what `lathe train` takes) or a given command that logs and registers
 * through the MLflow API; either way one training at a time, and recovery after a crash adopts what the
 * interrupted attempt already registered instead of training twice.
 */
import { spawn } from 'node:child_process';
import { z } from 'zod';
import { TrainOptions } from '../../../shared/contract/models.js';
import { LatheError } from '../../../shared/errors.js';
import { handler, throwIfAborted, type StepContext, type StepResult } from './step-handler.js';

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

export const train = handler({
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
      // Its program died with Lathe: a run it left open will never end by itself.
      for (const run of context.services.tracking.runningRunsTagged(commandRunTags(context))) {
        context.services.tracking.endRun(run, 'KILLED');
        context.log(`the interrupted command left run ${run} running: ended KILLED`, 'warn');
      }
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
  const tags = commandRunTags(context);
  const [program, ...args] = settings.command;
  const ended = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
    const child = spawn(program!, args, {
      cwd: settings.cwd,
      env: {
        ...process.env,
        ...settings.env,
        ...(uri && token ? { MLFLOW_TRACKING_URI: uri, MLFLOW_TRACKING_TOKEN: token } : {}),
        // MLflow's client tags every run it starts with these (its SystemEnvironmentContext), so the runs this
        // command leaves RUNNING when it is killed or fails can be found and ended.
        MLFLOW_RUN_CONTEXT: runContext(settings.env?.MLFLOW_RUN_CONTEXT ?? process.env.MLFLOW_RUN_CONTEXT, tags),
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
    child.on('close', (exitCode, signal) => {
      context.signal.removeEventListener('abort', onAbort);
      resolve({ code: exitCode, signal });
    });
  });
  const code = ended.code;
  // A run the command left open did not finish: cancelled or killed → KILLED, a failing exit → FAILED, and a
  // clean exit that forgot to end its run → FINISHED (what MLflow's client does at exit).
  const leftStatus = context.signal.aborted || ended.signal ? 'KILLED' : code === 0 ? 'FINISHED' : 'FAILED';
  for (const run of context.services.tracking.runningRunsTagged(tags)) {
    context.services.tracking.endRun(run, leftStatus);
    context.log(
      `the command left run ${run} running: ended ${leftStatus}`,
      leftStatus === 'FINISHED' ? 'info' : 'warn',
    );
  }
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

/** The tags MLflow puts on the runs a `train: command` step's program starts. */
function commandRunTags(context: StepContext): Record<string, string> {
  return { 'lathe.pipeline_run': context.runId, 'lathe.pipeline_step': context.step };
}

/** MLFLOW_RUN_CONTEXT (a JSON object of tags) with the step's tags added to whatever the user set. */
function runContext(existing: string | undefined, tags: Record<string, string>): string {
  let base: Record<string, unknown> = {};
  try {
    const parsed: unknown = existing ? JSON.parse(existing) : {};
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) base = parsed as Record<string, unknown>;
  } catch {
    // Not JSON: MLflow itself would fail on it; the step's tags replace it.
  }
  return JSON.stringify({ ...base, ...tags });
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
