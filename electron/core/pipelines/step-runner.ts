/**
 * Runs one step of a pipeline run, the executor's unit of durable work: it resolves the step's references,
 * checks its settings, computes its idempotency key (step + resolved inputs + fingerprint) and records it
 * before any side effect; a key already done is reused, one left started by a crash is offered to the
 * handler's recovery, and otherwise the step runs with retries and backoff. Outputs, the done mark and the
 * lineage edges commit in one transaction (`complete`).
 */
import { createHash } from 'node:crypto';
import type { PipelineStepRun } from '../../../shared/contract/pipelines.js';
import { LatheError, toErrorShape } from '../../../shared/errors.js';
import type { EventBus } from '../events.js';
import type { LineageService } from '../lineage/lineage-service.js';
import type { PipelineStore, StoredRun } from './pipeline-store.js';
import { resolveReferences } from './references.js';
import { stepHandlers, type StepContext, type StepServices } from './steps.js';

/** The reason a step is stopped when the core closes (the run is resumed later, not cancelled). */
export class ShutdownSignal extends Error {
  constructor() {
    super('the core is closing');
  }
}

/** Runs steps for the pipelines service (which drives the runs). */
export class StepRunner {
  constructor(
    private readonly store: PipelineStore,
    private readonly events: EventBus,
    private readonly lineage: LineageService,
    private readonly services: StepServices,
    private readonly trainingSlot: () => Promise<() => void>,
  ) {}

  /** Runs one step of a run: settles its settings and key, reuses or recovers, else runs it with retries. */
  async run(
    run: StoredRun,
    stepId: string,
    outputs: Record<string, Record<string, unknown> | undefined>,
    signal: AbortSignal,
  ): Promise<void> {
    const spec = run.spec;
    const step = spec.steps.find((s) => s.id === stepId)!;
    const handler = stepHandlers[step.type];
    const previous = this.store.steps(run.id).find((s) => s.step === stepId)!;
    const retries = step.retries;
    const log = (message: string, level: 'info' | 'warn' | 'error' = 'info') => {
      const line = { at: Date.now(), level, message };
      this.store.log(run.id, stepId, line);
      this.events.emit('pipelines.log', { runId: run.id, pipeline: spec.name, step: stepId, line });
    };
    let settings: Record<string, unknown>;
    let key: string;
    try {
      const resolved = resolveReferences(step.with, {
        steps: outputs,
        trigger: run.trigger.values,
        pipeline: spec.name,
        runId: run.id,
      }) as Record<string, unknown>;
      const parsed = handler.settings.safeParse(resolved);
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!;
        throw new LatheError(
          'BAD_INPUT',
          `steps.${stepId}.with${issue.path.length ? `.${issue.path.join('.')}` : ''} (line ${step.line}): ${issue.message}`,
        );
      }
      settings = parsed.data;
      const fingerprint = handler.fingerprint?.(settings, this.services, run.id) ?? null;
      key = createHash('sha256')
        .update(JSON.stringify([spec.name, stepId, step.type, canonical(settings), canonical(fingerprint)]))
        .digest('hex');
      this.store.updateStep(run.id, stepId, { status: 'running', inputs: settings, key, started: true, error: null });
    } catch (error) {
      const message = toErrorShape(error).message;
      this.store.updateStep(run.id, stepId, { status: 'failed', error: message, started: true, ended: true });
      log(message, 'error');
      this.emitStep(run.id, spec.name, stepId);
      return;
    }
    this.emitStep(run.id, spec.name, stepId);

    const ledger = this.store.ledger(key);
    const context: StepContext = {
      services: this.services,
      runId: run.id,
      step: stepId,
      signal,
      log,
      checkpoint: (value) => this.store.checkpoint(key, value),
      trainingSlot: () => this.trainingSlot(),
    };
    if (ledger?.state === 'done') {
      log(`already done for the same inputs by run ${ledger.runId} (${ledger.step}): its outputs are reused`);
      this.complete(run, stepId, key, ledger.outputs ?? {}, ledger.produced, 'reused');
      return;
    }
    if (ledger?.state === 'started' && handler.recover) {
      const recovered = handler.recover(ledger.checkpoint ?? {}, context);
      if (recovered) {
        this.complete(run, stepId, key, recovered.outputs, recovered.produced, 'succeeded');
        return;
      }
    }
    for (let attempt = previous.attempt + 1; ; attempt++) {
      if (signal.aborted) return;
      this.store.ledgerStart(key, run.id, stepId);
      this.store.updateStep(run.id, stepId, { status: 'running', attempt });
      this.emitStep(run.id, spec.name, stepId);
      try {
        const result = await handler.run(settings, context);
        // Also when it finished as a cancel arrived: what it made is recorded, the run still ends cancelled.
        this.complete(run, stepId, key, result.outputs, result.produced, 'succeeded');
        return;
      } catch (error) {
        if (signal.aborted) {
          if (!(signal.reason instanceof ShutdownSignal)) {
            this.store.ledgerForget(key);
            this.store.updateStep(run.id, stepId, { status: 'cancelled', error: 'cancelled', ended: true });
            this.emitStep(run.id, spec.name, stepId);
          }
          return;
        }
        const message = toErrorShape(error).message;
        // Nothing of a failed attempt committed (each service's write is atomic): the key is free again.
        this.store.ledgerForget(key);
        const attemptsLeft = previous.attempt + 1 + retries - attempt;
        if (attemptsLeft <= 0) {
          log(`failed: ${message}`, 'error');
          this.store.updateStep(run.id, stepId, { status: 'failed', error: message, ended: true });
          this.emitStep(run.id, spec.name, stepId);
          return;
        }
        const wait = step.backoffMs * 2 ** (attempt - previous.attempt - 1);
        log(`attempt ${attempt} failed: ${message}; retrying in ${wait} ms (${attemptsLeft} left)`, 'warn');
        this.store.updateStep(run.id, stepId, { status: 'retrying', error: message });
        this.emitStep(run.id, spec.name, stepId);
        await sleep(wait, signal);
      }
    }
  }

  private complete(
    run: StoredRun,
    stepId: string,
    key: string,
    outputs: Record<string, unknown>,
    produced: { kind: string; id: string; label: string }[],
    status: 'succeeded' | 'reused',
  ): void {
    this.store.completeStep(run.id, stepId, key, outputs, produced, status, () => {
      for (const entity of produced)
        this.lineage.add({ kind: 'pipeline_run', id: run.id }, { kind: entity.kind, id: entity.id }, `step:${stepId}`);
    });
    this.emitStep(run.id, run.spec.name, stepId);
  }

  /** Tells the UI a step changed (status, attempt, error). */
  emitStep(runId: string, pipeline: string, step: string): void {
    const row: PipelineStepRun | undefined = this.store.steps(runId).find((s) => s.step === step);
    if (!row) return;
    this.events.emit('pipelines.stepChanged', {
      runId,
      pipeline,
      step,
      status: row.status,
      attempt: row.attempt,
      error: row.error,
    });
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((done) => {
    if (signal.aborted) return done();
    const timer = setTimeout(finish, ms);
    function finish() {
      clearTimeout(timer);
      signal.removeEventListener('abort', finish);
      done();
    }
    signal.addEventListener('abort', finish);
  });
}

/** JSON with sorted keys, so the same inputs always give the same key. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, canonical((value as Record<string, unknown>)[key])]),
    );
  return value;
}
