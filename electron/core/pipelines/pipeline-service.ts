/**
 * The pipelines room (`core.pipelines`): definitions, runs and the executor. A run is rows first (queued,
 * its steps pending) and work second; each step records its idempotency key (step + resolved inputs +
 * what else decides its work) before its side effects, and its outputs, lineage edges and "done" in one
 * transaction after, so a run interrupted by a crash resumes from its last finished step and a step is
 * never done twice for the same input. The executor (started by the app, `lathe serve` and `lathe
 * pipeline watch`) claims queued runs, resumes those whose owner process died, and listens to triggers.
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import type {
  PipelineCheck,
  PipelineDetail,
  PipelineRunDetail,
  PipelineRunSummary,
  PipelineRunTrigger,
  PipelineSpec,
  PipelineSummary,
} from '../../../shared/contract/pipelines.js';
import { LatheError, toErrorShape } from '../../../shared/errors.js';
import type { EventBus } from '../events.js';
import type { LineageService } from '../lineage/lineage-service.js';
import type { Db } from '../store/database.js';
import { checkDefinition, parseDefinition, type TriggerConfig } from './definition.js';
import { PipelineStore, runSummary, type StoredRun } from './pipeline-store.js';
import type { StepServices } from './steps.js';
import { ShutdownSignal, StepRunner } from './step-runner.js';
import { TrainingSlots } from './training-slots.js';
import { PipelineTriggers } from './triggers.js';

/** How the executor behaves (tests shorten the timers). */
export interface ExecutorOptions {
  /** How often queued runs of other processes and cancel requests are looked for. */
  pollMs?: number;
  /** Concurrent trainings in this process (default 1). */
  trainings?: number;
}

/** How often a running run's owner records that it is alive (and looks for a cancel from another process). */
const heartbeatMs = 1000;
/** A run whose owner has not beaten for this long is an orphan even if a process has its pid. */
const staleAfterMs = 600_000;

interface ActiveRun {
  controller: AbortController;
  done: Promise<PipelineRunSummary>;
}

/** The pipelines service. */
export class PipelineService {
  private readonly store: PipelineStore;
  private readonly active = new Map<string, ActiveRun>();
  private readonly trainings = new TrainingSlots();
  private readonly steps: StepRunner;
  private started = false;
  private timer: NodeJS.Timeout | undefined;
  private triggers: PipelineTriggers | undefined;
  private disposed = false;

  constructor(
    db: Db,
    private readonly events: EventBus,
    private readonly lineage: LineageService,
    private readonly services: StepServices,
  ) {
    this.store = new PipelineStore(db);
    this.steps = new StepRunner(this.store, events, lineage, services, () => this.trainings.acquire());
    lineage.registerKind('pipeline_run', {
      prefix: 'pipeline-run',
      resolve: (id) => this.store.run(id).id,
      describe: (id) => {
        try {
          const run = this.store.run(id);
          return { label: `pipeline ${run.pipeline} run ${id.slice(0, 8)} (${run.status})`, name: run.pipeline };
        } catch {
          return undefined;
        }
      },
    });
  }

  /** Checks a definition without saving it. */
  check(yaml: string, file?: string): PipelineCheck {
    const checked = checkDefinition(yaml);
    if (!checked.ok) return { ok: false, problems: checked.problems, spec: null };
    const problems = folderProblems(checked.definition.triggers, checked.definition.spec, file);
    if (problems.length > 0) return { ok: false, problems, spec: null };
    return { ok: true, problems: [], spec: checked.definition.spec };
  }

  /** Saves a definition under its name; BAD_INPUT names the file, line and field of the first problem. */
  save(yaml: string, file?: string): PipelineDetail {
    const label = file ?? 'pipeline.yaml';
    const definition = parseDefinition(yaml, label);
    const problems = folderProblems(definition.triggers, definition.spec, file);
    if (problems.length > 0) {
      const first = problems[0]!;
      throw new LatheError('BAD_INPUT', `${label}:${first.line}:${first.column} (${first.field}): ${first.message}`, {
        file: label,
        ...first,
        problems,
      });
    }
    // Relative folders are kept as written in the YAML, resolved against the definition's own folder in the spec.
    const spec = withResolvedFolders(definition.spec, file);
    this.store.saveDefinition(spec.name, yaml, spec);
    this.events.emit('pipelines.changed', { name: spec.name, change: 'saved' });
    this.triggers?.refresh();
    return this.get(spec.name);
  }

  /** Every pipeline with its last run. */
  list(): PipelineSummary[] {
    return this.store.definitions().map((stored) => this.summary(stored.name));
  }

  /** One pipeline with its YAML and spec. */
  get(name: string): PipelineDetail {
    const stored = this.store.definition(name);
    return { ...this.summary(name), yaml: stored.yaml, spec: stored.spec };
  }

  /** Deletes a definition; refused while a run of it is active. */
  delete(name: string): { name: string; deleted: boolean } {
    this.store.definition(name);
    if (this.store.activeRunCount(name) > 0)
      throw new LatheError('CONFLICT', `Pipeline ${name} has an active run: cancel it first`, { pipeline: name });
    const deleted = this.store.deleteDefinition(name);
    this.events.emit('pipelines.changed', { name, change: 'deleted' });
    this.triggers?.refresh();
    return { name, deleted };
  }

  /** Runs newest first. */
  runs(pipeline: string | undefined, limit = 100): PipelineRunSummary[] {
    return this.store.runs(pipeline, limit).map(runSummary);
  }

  /** One run with its steps. */
  run(id: string): PipelineRunDetail {
    const run = this.store.run(this.resolveRunId(id));
    return { run: runSummary(run), spec: run.spec, steps: this.store.steps(run.id) };
  }

  /** Definitions as stored (the triggers read them). */
  definitions() {
    return this.store.definitions();
  }

  /** Queues a run by hand; the executor (this process's, if started, or `execute`) runs it. */
  trigger(name: string, values: Record<string, unknown> = {}): PipelineRunSummary {
    const stored = this.store.definition(name);
    const id = this.enqueue(stored.spec, { kind: 'manual', detail: 'manual', values })!;
    return runSummary(this.store.run(id));
  }

  /**
   * Queues a run for a trigger. With a mark, at most one run is ever made for it (a file, an alert):
   * undefined when another process or an earlier call already made it.
   */
  enqueue(
    spec: PipelineSpec,
    trigger: PipelineRunTrigger,
    mark?: { source: string; mark: string },
    /** What caused the run (a monitor, an upstream run): a `triggered` lineage edge to the run. */
    cause?: { kind: string; id: string },
  ): string | undefined {
    const id = this.store.createRun(spec, trigger, mark, Date.now(), undefined, (runId) => {
      if (cause) this.lineage.add(cause, { kind: 'pipeline_run', id: runId }, 'triggered');
    });
    if (!id) return undefined;
    this.events.emit('pipelines.runChanged', runSummary(this.store.run(id)));
    if (this.started) queueMicrotask(() => this.pump());
    return id;
  }

  /** True when a trigger mark was already taken. */
  hasMark(pipeline: string, source: string, mark: string): boolean {
    return this.store.hasMark(pipeline, source, mark);
  }

  /** Cancels a queued or running run. A run owned by another live process is stopped by that process. */
  cancel(id: string): PipelineRunSummary {
    const run = this.store.run(this.resolveRunId(id));
    if (run.status !== 'queued' && run.status !== 'running')
      throw new LatheError('CONFLICT', `Run ${run.id} already ended (${run.status})`, { run: run.id });
    this.store.requestCancel(run.id);
    const mine = this.active.get(run.id);
    if (mine) mine.controller.abort();
    else if (run.status === 'queued' || !isAlive(run.ownerPid)) this.finish(run.id, 'cancelled', 'cancelled');
    return runSummary(this.store.run(run.id));
  }

  /** Runs one queued run (or resumes one whose owner died) in this process, to its end. */
  async execute(id: string): Promise<PipelineRunSummary> {
    const runId = this.resolveRunId(id);
    const existing = this.active.get(runId);
    if (existing) return existing.done;
    const run = this.store.run(runId);
    let claimed = false;
    if (run.status === 'queued') claimed = this.store.claim(runId, process.pid);
    else if (run.status === 'running' && this.isOrphan(run)) claimed = this.store.claim(runId, process.pid, run);
    if (!claimed) {
      if (run.status === 'queued' || run.status === 'running')
        throw new LatheError('CONFLICT', `Run ${runId} is being run by process ${run.ownerPid}`, { run: runId });
      return runSummary(run);
    }
    return this.runClaimed(runId).done;
  }

  /**
   * Starts a run of `name` now in this process and returns its id and end: the run is created already
   * claimed, so an executor of another process (the app, `lathe serve`) never takes it (`lathe pipeline run`).
   */
  runNow(name: string, values: Record<string, unknown> = {}): { id: string; done: Promise<PipelineRunSummary> } {
    const stored = this.store.definition(name);
    const id = this.store.createRun(
      stored.spec,
      { kind: 'manual', detail: 'manual', values },
      undefined,
      Date.now(),
      process.pid,
    )!;
    return { id, done: this.runClaimed(id).done };
  }

  private runClaimed(runId: string): ActiveRun {
    const controller = new AbortController();
    // Every process that runs a run (an executor or `lathe pipeline run`) beats its heart and looks for a
    // cancel asked by another process.
    const beat = setInterval(() => {
      try {
        const run = this.store.run(runId);
        if (run.status !== 'running') return;
        // Asleep past the stale limit, another executor took the run: stop here without touching it.
        if (!this.store.heartbeat(runId, process.pid)) controller.abort(new ShutdownSignal());
        else if (run.cancelRequested) controller.abort();
      } catch {
        // The store is closing: the run is resumed by the next executor.
      }
    }, heartbeatMs);
    beat.unref();
    const done = this.drive(runId, controller.signal).finally(() => {
      clearInterval(beat);
      this.active.delete(runId);
      if (this.started && !this.disposed) queueMicrotask(() => this.pump());
    });
    const active = { controller, done };
    this.active.set(runId, active);
    return active;
  }

  /**
   * Starts the executor: resumes runs whose owner died, runs queued ones (one at a time per pipeline),
   * and listens to triggers. Called by the app and `lathe serve` (through core) and `lathe pipeline watch`.
   */
  start(options: ExecutorOptions = {}): void {
    if (this.started || this.disposed) return;
    this.started = true;
    this.trainings.limit = options.trainings ?? 1;
    this.triggers = new PipelineTriggers(this, this.events, this.services);
    this.triggers.refresh();
    this.pump();
    this.timer = setInterval(() => this.tick(), options.pollMs ?? 1000);
    this.timer.unref();
  }

  /** Problems of the triggers being watched (a folder that vanished), for `lathe pipeline watch`. */
  triggerProblems(): string[] {
    return this.triggers?.problems() ?? [];
  }

  /** Ids of the runs this process is running now. */
  activeRuns(): string[] {
    return [...this.active.keys()];
  }

  /** Stops triggers and running steps; interrupted runs stay `running` and are resumed by the next executor. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    this.started = false;
    if (this.timer) clearInterval(this.timer);
    await this.triggers?.dispose();
    const running = [...this.active.values()];
    for (const run of running) run.controller.abort(new ShutdownSignal());
    await Promise.allSettled(running.map((run) => run.done));
  }

  private tick(): void {
    if (this.disposed) return;
    this.triggers?.poll();
    this.pump();
  }

  /** Picks up orphans and queued runs, oldest first, up to each pipeline's concurrency. */
  private pump(): void {
    if (!this.started || this.disposed) return;
    const activeOf = new Map<string, number>();
    const take = (pipeline: string) => activeOf.set(pipeline, (activeOf.get(pipeline) ?? 0) + 1);
    const limitOf = (run: StoredRun) => run.spec.concurrency ?? 1;
    const running = this.store.runIds('running').map((id) => this.store.run(id));
    for (const run of running) if (!this.isOrphan(run)) take(run.pipeline);
    for (const run of running) {
      if (!this.isOrphan(run)) continue;
      take(run.pipeline);
      this.execute(run.id).catch(() => undefined);
    }
    for (const id of this.store.runIds('queued')) {
      const run = this.store.run(id);
      if ((activeOf.get(run.pipeline) ?? 0) >= limitOf(run)) continue;
      take(run.pipeline);
      this.execute(id).catch(() => undefined);
    }
  }

  private isOrphan(run: StoredRun): boolean {
    if (this.active.has(run.id)) return false;
    // Our own pid but not in our table: an earlier core of this same process (a test, an app restart of the core).
    // A heart that stopped beating long ago: its pid was reused by another program after a reboot.
    return (
      run.ownerPid === null ||
      run.ownerPid === process.pid ||
      !isAlive(run.ownerPid) ||
      (run.heartbeatAt !== null && Date.now() - run.heartbeatAt > staleAfterMs)
    );
  }

  private resolveRunId(id: string): string {
    if (id.length >= 36) return id;
    const matches = this.store.runs(undefined, 100_000).filter((run) => run.id.startsWith(id));
    if (matches.length === 1) return matches[0]!.id;
    if (matches.length === 0) throw new LatheError('NOT_FOUND', `No pipeline run ${id}`, { run: id });
    throw new LatheError('BAD_INPUT', `${id} is the start of ${matches.length} runs: give more of it`, { run: id });
  }

  private summary(name: string): PipelineSummary {
    const stored = this.store.definition(name);
    const last = this.store.runs(name, 1)[0];
    return {
      name: stored.name,
      description: stored.spec.description,
      createdAt: stored.createdAt,
      updatedAt: stored.updatedAt,
      stepCount: stored.spec.steps.length,
      triggers: stored.spec.triggers,
      lastRun: last ? runSummary(last) : null,
    };
  }

  /** Runs the steps of a claimed run until it ends; never throws. */
  private async drive(runId: string, signal: AbortSignal): Promise<PipelineRunSummary> {
    const run = this.store.run(runId);
    this.emitRun(runId);
    if (run.resumes > 0) this.logRun(runId, `resumed after an interruption (resume ${run.resumes})`);
    const spec = run.spec;
    const outputs: Record<string, Record<string, unknown> | undefined> = {};
    try {
      for (;;) {
        const steps = new Map(this.store.steps(runId).map((s) => [s.step, s]));
        for (const s of steps.values())
          if (s.status === 'succeeded' || s.status === 'reused') outputs[s.step] = s.outputs ?? {};
        if (signal.aborted) break;
        // A step whose need failed, was skipped or whose gate closed is skipped.
        let changed = false;
        for (const step of spec.steps) {
          const row = steps.get(step.id)!;
          if (row.status !== 'pending') continue;
          const blocked = step.needs.find((need) => {
            const n = steps.get(need)!;
            return (
              n.status === 'failed' ||
              n.status === 'skipped' ||
              n.status === 'cancelled' ||
              (n.type === 'gate' && (n.status === 'succeeded' || n.status === 'reused') && n.outputs?.open === false)
            );
          });
          if (blocked) {
            this.store.updateStep(runId, step.id, { status: 'skipped', ended: true, error: null });
            this.store.log(runId, step.id, {
              at: Date.now(),
              level: 'info',
              message: `skipped: "${blocked}" did not open the way`,
            });
            this.steps.emitStep(runId, spec.name, step.id);
            changed = true;
          }
        }
        if (changed) continue;
        const ready = spec.steps.filter((step) => {
          const row = steps.get(step.id)!;
          // A step left running or retrying by an interrupted process is taken up again (its key guards it).
          const waiting = row.status === 'pending' || row.status === 'running' || row.status === 'retrying';
          return waiting && step.needs.every((need) => ['succeeded', 'reused'].includes(steps.get(need)!.status));
        });
        if (ready.length === 0) break;
        await Promise.all(ready.map((step) => this.steps.run(run, step.id, outputs, signal)));
      }
      const final = this.store.steps(runId);
      if (signal.aborted) {
        if (signal.reason instanceof ShutdownSignal) return runSummary(this.store.run(runId));
        return this.finish(runId, 'cancelled', 'cancelled');
      }
      const failed = final.find((s) => s.status === 'failed');
      if (failed) return this.finish(runId, 'failed', `step ${failed.step}: ${failed.error ?? 'failed'}`);
      return this.finish(runId, 'succeeded', null);
    } catch (error) {
      if (signal.aborted && signal.reason instanceof ShutdownSignal) return runSummary(this.store.run(runId));
      return this.finish(runId, 'failed', toErrorShape(error).message);
    }
  }

  private finish(
    runId: string,
    status: 'succeeded' | 'failed' | 'cancelled',
    error: string | null,
  ): PipelineRunSummary {
    this.store.finishRun(runId, status, error);
    const summary = runSummary(this.store.run(runId));
    if (error && status === 'failed') this.logRun(runId, `run failed: ${error}`);
    this.events.emit('pipelines.runChanged', summary);
    this.onRunEnded(summary);
    return summary;
  }

  /** Queues the pipelines triggered by this one's end (whoever ends a run does this, in any process). */
  private onRunEnded(summary: PipelineRunSummary): void {
    for (const stored of this.store.definitions()) {
      for (const trigger of stored.spec.triggers) {
        if (trigger.kind !== 'pipeline') continue;
        const config = trigger.config as Extract<TriggerConfig, { kind: 'pipeline' }>;
        if (config.pipeline !== summary.pipeline) continue;
        if (config.status !== 'any' && config.status !== summary.status) continue;
        this.enqueue(
          stored.spec,
          {
            kind: 'pipeline',
            detail: `end of ${summary.pipeline} run ${summary.id.slice(0, 8)} (${summary.status})`,
            values: { pipeline: summary.pipeline, run: summary.id, status: summary.status },
          },
          { source: 'pipeline', mark: summary.id },
          { kind: 'pipeline_run', id: summary.id },
        );
      }
    }
  }

  private logRun(runId: string, message: string): void {
    const first = this.store.run(runId).spec.steps[0];
    if (first) this.store.log(runId, first.id, { at: Date.now(), level: 'info', message });
  }

  private emitRun(runId: string): void {
    this.events.emit('pipelines.runChanged', runSummary(this.store.run(runId)));
  }
}

function isAlive(pid: number | null): boolean {
  if (pid === null) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A folder trigger must name an existing folder (relative paths are relative to the definition file). */
function folderProblems(triggers: TriggerConfig[], spec: PipelineSpec, file: string | undefined) {
  const problems: { line: number; column: number; field: string; message: string }[] = [];
  triggers.forEach((trigger, index) => {
    if (trigger.kind !== 'folder') return;
    const line = spec.triggers[index]!.line;
    const field = `triggers.${index}.path`;
    const base = file && isAbsolute(file) ? dirname(file) : undefined;
    if (!isAbsolute(trigger.path) && !base) {
      problems.push({ line, column: 1, field, message: `"${trigger.path}" is relative: give an absolute folder` });
      return;
    }
    const path = base ? resolve(base, trigger.path) : trigger.path;
    if (!existsSync(path)) problems.push({ line, column: 1, field, message: `folder ${path} does not exist` });
    else if (!statSync(path).isDirectory())
      problems.push({ line, column: 1, field, message: `${path} is not a folder` });
  });
  return problems;
}

function withResolvedFolders(spec: PipelineSpec, file: string | undefined): PipelineSpec {
  const base = file && isAbsolute(file) ? dirname(file) : undefined;
  return {
    ...spec,
    triggers: spec.triggers.map((trigger) =>
      trigger.kind === 'folder' && base
        ? { ...trigger, config: { ...trigger.config, path: resolve(base, String(trigger.config.path)) } }
        : trigger,
    ),
  };
}
