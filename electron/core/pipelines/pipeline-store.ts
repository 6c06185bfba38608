/**
 * The pipelines room's tables (migration 9): definitions, runs, step runs, logs, the idempotency ledger
 * and trigger marks. Only this file writes them. Every state change is one statement or one transaction,
 * so a crash leaves each run and step in a state the executor knows how to pick up.
 */
import { randomUUID } from 'node:crypto';
import type {
  PipelineLogLine,
  PipelineRunStatus,
  PipelineRunSummary,
  PipelineRunTrigger,
  PipelineSpec,
  PipelineStepRun,
  PipelineStepStatus,
  PipelineStepType,
} from '../../../shared/contract/pipelines.js';
import { LatheError } from '../../../shared/errors.js';
import type { Db } from '../store/database.js';

interface RunRow {
  id: string;
  pipeline: string;
  status: PipelineRunStatus;
  trigger_json: string;
  spec_json: string;
  created_at: number;
  started_at: number | null;
  ended_at: number | null;
  error: string | null;
  resumes: number;
  owner_pid: number | null;
  heartbeat_at: number | null;
  cancel_requested: number;
}

interface StepRow {
  run_id: string;
  step: string;
  type: PipelineStepType;
  status: PipelineStepStatus;
  attempt: number;
  started_at: number | null;
  ended_at: number | null;
  inputs_json: string | null;
  outputs_json: string | null;
  error: string | null;
  idempotency_key: string | null;
  produced_json: string;
}

/** A stored definition. */
export interface StoredPipeline {
  name: string;
  createdAt: number;
  updatedAt: number;
  yaml: string;
  spec: PipelineSpec;
}

/** A run row with what the executor needs beyond the summary. */
export interface StoredRun extends PipelineRunSummary {
  spec: PipelineSpec;
  ownerPid: number | null;
  heartbeatAt: number | null;
  cancelRequested: boolean;
}

/** One entity a step produced. */
export interface Produced {
  kind: string;
  id: string;
  label: string;
}

/** A finished key of the idempotency ledger. */
export interface LedgerEntry {
  key: string;
  runId: string;
  step: string;
  state: 'started' | 'done';
  outputs: Record<string, unknown> | null;
  produced: Produced[];
  /** What an attempt recorded while it ran (the tracking run a training started). */
  checkpoint: Record<string, unknown> | null;
}

/** Reads and writes the pipeline tables. */
export class PipelineStore {
  constructor(private readonly db: Db) {}

  /** Saves a definition (insert or replace, keeping its creation time). */
  saveDefinition(name: string, yaml: string, spec: PipelineSpec, now = Date.now()): void {
    this.db
      .prepare(
        `INSERT INTO pipelines (name, created_at, updated_at, yaml, spec_json) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (name) DO UPDATE SET updated_at = excluded.updated_at, yaml = excluded.yaml, spec_json = excluded.spec_json`,
      )
      .run(name, now, now, yaml, JSON.stringify(spec));
  }

  /** Every definition, by name. */
  definitions(): StoredPipeline[] {
    return (this.db.prepare('SELECT * FROM pipelines ORDER BY name').all() as DefinitionRow[]).map(toDefinition);
  }

  /** One definition, or undefined. */
  findDefinition(name: string): StoredPipeline | undefined {
    const row = this.db.prepare('SELECT * FROM pipelines WHERE name = ?').get(name) as DefinitionRow | undefined;
    return row && toDefinition(row);
  }

  /** One definition; NOT_FOUND otherwise. */
  definition(name: string): StoredPipeline {
    const found = this.findDefinition(name);
    if (!found) throw new LatheError('NOT_FOUND', `No pipeline named "${name}"`, { pipeline: name });
    return found;
  }

  /** Removes a definition (its runs stay). */
  deleteDefinition(name: string): boolean {
    return this.db.prepare('DELETE FROM pipelines WHERE name = ?').run(name).changes > 0;
  }

  /**
   * Creates a queued run with its step rows (all pending), in one transaction. With a `mark`, the run is
   * created only if that mark was never taken for this pipeline (a file, alert, tick or upstream run
   * starts at most one run, whichever process sees it first); undefined when the mark was taken.
   */
  createRun(
    spec: PipelineSpec,
    trigger: PipelineRunTrigger,
    mark?: { source: string; mark: string },
    now = Date.now(),
    /** Creates it already claimed by this process (`lathe pipeline run`), so no other executor takes it. */
    ownerPid?: number,
    /** Other writes of the same transaction (the lineage edge from what caused the run). */
    also?: (id: string) => void,
  ): string | undefined {
    const id = randomUUID();
    const create = this.db.transaction(() => {
      if (mark) {
        const taken = this.db
          .prepare(
            'INSERT OR IGNORE INTO pipeline_trigger_marks (pipeline, source, mark, run_id, created_at) VALUES (?, ?, ?, ?, ?)',
          )
          .run(spec.name, mark.source, mark.mark, id, now);
        if (taken.changes === 0) return undefined;
      }
      this.db
        .prepare(
          `INSERT INTO pipeline_runs (id, pipeline, status, trigger_json, spec_json, created_at, started_at, owner_pid, heartbeat_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          id,
          spec.name,
          ownerPid === undefined ? 'queued' : 'running',
          JSON.stringify(trigger),
          JSON.stringify(spec),
          now,
          ownerPid === undefined ? null : now,
          ownerPid ?? null,
          ownerPid === undefined ? null : now,
        );
      const insertStep = this.db.prepare(
        `INSERT INTO pipeline_step_runs (run_id, step, position, type, status) VALUES (?, ?, ?, ?, 'pending')`,
      );
      spec.steps.forEach((step, position) => insertStep.run(id, step.id, position, step.type));
      also?.(id);
      return id;
    });
    return create.immediate();
  }

  /** True when the mark was already taken (a file already started a run). */
  hasMark(pipeline: string, source: string, mark: string): boolean {
    return (
      this.db
        .prepare('SELECT 1 FROM pipeline_trigger_marks WHERE pipeline = ? AND source = ? AND mark = ?')
        .get(pipeline, source, mark) !== undefined
    );
  }

  /** The newest mark of a source (the last alert id seen), or undefined. */
  latestMarks(pipeline: string, source: string): string[] {
    return (
      this.db
        .prepare('SELECT mark FROM pipeline_trigger_marks WHERE pipeline = ? AND source = ?')
        .all(pipeline, source) as { mark: string }[]
    ).map((row) => row.mark);
  }

  /**
   * Claims a queued run for this process, or (`orphanOf`) a running one whose owner is gone, as a resume:
   * compare-and-set on the owner and heartbeat seen, so two executors never both claim a run.
   */
  claim(
    id: string,
    pid: number,
    orphanOf?: { ownerPid: number | null; heartbeatAt: number | null },
    now = Date.now(),
  ): boolean {
    if (orphanOf) {
      return (
        this.db
          .prepare(
            `UPDATE pipeline_runs SET owner_pid = ?, heartbeat_at = ?, resumes = resumes + 1
             WHERE id = ? AND status = 'running' AND owner_pid IS ? AND heartbeat_at IS ?`,
          )
          .run(pid, now, id, orphanOf.ownerPid, orphanOf.heartbeatAt).changes > 0
      );
    }
    return (
      this.db
        .prepare(
          `UPDATE pipeline_runs SET status = 'running', owner_pid = ?, heartbeat_at = ?, started_at = ? WHERE id = ? AND status = 'queued'`,
        )
        .run(pid, now, now, id).changes > 0
    );
  }

  /** Records that the owner is alive; false when the run is no longer this owner's (another executor took it). */
  heartbeat(id: string, pid: number, now = Date.now()): boolean {
    return (
      this.db
        .prepare(`UPDATE pipeline_runs SET heartbeat_at = ? WHERE id = ? AND owner_pid = ? AND status = 'running'`)
        .run(now, id, pid).changes > 0
    );
  }

  /** Ends a run (its steps that never started become skipped or cancelled in the same transaction). */
  finishRun(id: string, status: 'succeeded' | 'failed' | 'cancelled', error: string | null, now = Date.now()): void {
    this.db.transaction(() => {
      this.db
        .prepare(
          `UPDATE pipeline_runs SET status = ?, error = ?, ended_at = ?, owner_pid = NULL WHERE id = ? AND status IN ('queued', 'running')`,
        )
        .run(status, error, now, id);
      const leftover = status === 'cancelled' ? 'cancelled' : 'skipped';
      this.db
        .prepare(
          `UPDATE pipeline_step_runs SET status = ?, ended_at = ? WHERE run_id = ? AND status IN ('pending', 'running', 'retrying')`,
        )
        .run(leftover, now, id);
    })();
  }

  /** Asks for a cancel (the owner sees it); returns the run. */
  requestCancel(id: string): void {
    this.db.prepare('UPDATE pipeline_runs SET cancel_requested = 1 WHERE id = ?').run(id);
  }

  /** Ids of runs in a state, oldest first. */
  runIds(status: PipelineRunStatus): string[] {
    return (
      this.db.prepare('SELECT id FROM pipeline_runs WHERE status = ? ORDER BY created_at, rowid').all(status) as {
        id: string;
      }[]
    ).map((row) => row.id);
  }

  /** Active (queued or running) runs of a pipeline. */
  activeRunCount(pipeline: string): number {
    return (
      this.db
        .prepare(`SELECT COUNT(*) AS n FROM pipeline_runs WHERE pipeline = ? AND status IN ('queued', 'running')`)
        .get(pipeline) as { n: number }
    ).n;
  }

  /** One run; NOT_FOUND otherwise. */
  run(id: string): StoredRun {
    const row = this.db.prepare('SELECT * FROM pipeline_runs WHERE id = ?').get(id) as RunRow | undefined;
    if (!row) throw new LatheError('NOT_FOUND', `No pipeline run ${id}`, { run: id });
    return this.toRun(row);
  }

  /** Runs newest first. */
  runs(pipeline: string | undefined, limit: number): StoredRun[] {
    const rows = (
      pipeline === undefined
        ? this.db.prepare('SELECT * FROM pipeline_runs ORDER BY created_at DESC, rowid DESC LIMIT ?').all(limit)
        : this.db
            .prepare('SELECT * FROM pipeline_runs WHERE pipeline = ? ORDER BY created_at DESC, rowid DESC LIMIT ?')
            .all(pipeline, limit)
    ) as RunRow[];
    return rows.map((row) => this.toRun(row));
  }

  /** The steps of a run, in DAG order, with their logs. */
  steps(runId: string): PipelineStepRun[] {
    const rows = this.db
      .prepare('SELECT * FROM pipeline_step_runs WHERE run_id = ? ORDER BY position')
      .all(runId) as StepRow[];
    const logs = this.db
      .prepare('SELECT step, at, level, message FROM pipeline_step_logs WHERE run_id = ? ORDER BY id')
      .all(runId) as (PipelineLogLine & { step: string })[];
    return rows.map((row) => ({
      runId: row.run_id,
      step: row.step,
      type: row.type,
      status: row.status,
      attempt: row.attempt,
      startedAt: row.started_at,
      endedAt: row.ended_at,
      inputs: row.inputs_json === null ? null : (JSON.parse(row.inputs_json) as Record<string, unknown>),
      outputs: row.outputs_json === null ? null : (JSON.parse(row.outputs_json) as Record<string, unknown>),
      error: row.error,
      idempotencyKey: row.idempotency_key,
      produced: JSON.parse(row.produced_json) as Produced[],
      logs: logs
        .filter((line) => line.step === row.step)
        .map((line) => ({ at: line.at, level: line.level, message: line.message })),
    }));
  }

  /** Sets a step's state (and, when given, its attempt, inputs, key, outputs, error, produced). */
  updateStep(
    runId: string,
    step: string,
    change: {
      status: PipelineStepStatus;
      attempt?: number;
      inputs?: Record<string, unknown>;
      key?: string;
      outputs?: Record<string, unknown>;
      produced?: Produced[];
      error?: string | null;
      started?: boolean;
      ended?: boolean;
    },
    now = Date.now(),
  ): void {
    this.db
      .prepare(
        `UPDATE pipeline_step_runs SET status = ?,
           attempt = COALESCE(?, attempt),
           inputs_json = COALESCE(?, inputs_json),
           idempotency_key = COALESCE(?, idempotency_key),
           outputs_json = COALESCE(?, outputs_json),
           produced_json = COALESCE(?, produced_json),
           error = CASE WHEN ? THEN ? ELSE error END,
           started_at = CASE WHEN ? THEN ? ELSE started_at END,
           ended_at = CASE WHEN ? THEN ? ELSE ended_at END
         WHERE run_id = ? AND step = ?`,
      )
      .run(
        change.status,
        change.attempt ?? null,
        change.inputs === undefined ? null : JSON.stringify(change.inputs),
        change.key ?? null,
        change.outputs === undefined ? null : JSON.stringify(change.outputs),
        change.produced === undefined ? null : JSON.stringify(change.produced),
        change.error === undefined ? 0 : 1,
        change.error ?? null,
        change.started ? 1 : 0,
        now,
        change.ended ? 1 : 0,
        now,
        runId,
        step,
      );
  }

  /** Appends a log line to a step. */
  log(runId: string, step: string, line: PipelineLogLine): void {
    this.db
      .prepare('INSERT INTO pipeline_step_logs (run_id, step, at, level, message) VALUES (?, ?, ?, ?, ?)')
      .run(runId, step, line.at, line.level, line.message);
  }

  /** The ledger entry of a key, or undefined. */
  ledger(key: string): LedgerEntry | undefined {
    const row = this.db.prepare('SELECT * FROM pipeline_step_keys WHERE idempotency_key = ?').get(key) as
      | {
          idempotency_key: string;
          run_id: string;
          step: string;
          state: 'started' | 'done';
          outputs_json: string | null;
          produced_json: string | null;
          checkpoint_json: string | null;
        }
      | undefined;
    if (!row) return undefined;
    return {
      key: row.idempotency_key,
      runId: row.run_id,
      step: row.step,
      state: row.state,
      outputs: row.outputs_json === null ? null : (JSON.parse(row.outputs_json) as Record<string, unknown>),
      produced: row.produced_json === null ? [] : (JSON.parse(row.produced_json) as Produced[]),
      checkpoint: row.checkpoint_json === null ? null : (JSON.parse(row.checkpoint_json) as Record<string, unknown>),
    };
  }

  /** Records an attempt's checkpoint with its started key. */
  checkpoint(key: string, value: Record<string, unknown>): void {
    this.db
      .prepare(`UPDATE pipeline_step_keys SET checkpoint_json = ? WHERE idempotency_key = ? AND state = 'started'`)
      .run(JSON.stringify(value), key);
  }

  /** Records that a key's side effects are about to happen (before they commit). */
  ledgerStart(key: string, runId: string, step: string, now = Date.now()): void {
    this.db
      .prepare(
        `INSERT INTO pipeline_step_keys (idempotency_key, run_id, step, state, started_at) VALUES (?, ?, ?, 'started', ?)
         ON CONFLICT (idempotency_key) DO UPDATE SET run_id = excluded.run_id, step = excluded.step, started_at = excluded.started_at
         WHERE state = 'started'`,
      )
      .run(key, runId, step, now);
  }

  /** Drops a started key whose attempt failed with nothing committed (so a retry may take it again). */
  ledgerForget(key: string): void {
    this.db.prepare(`DELETE FROM pipeline_step_keys WHERE idempotency_key = ? AND state = 'started'`).run(key);
  }

  /**
   * Marks a key done and the step succeeded, with its outputs and lineage edges written by `also`, in one
   * transaction: either the step is recorded done with everything it produced, or not at all.
   */
  completeStep(
    runId: string,
    step: string,
    key: string,
    outputs: Record<string, unknown>,
    produced: Produced[],
    status: 'succeeded' | 'reused',
    also: () => void,
    now = Date.now(),
  ): void {
    this.db.transaction(() => {
      this.db
        .prepare(
          `INSERT INTO pipeline_step_keys (idempotency_key, run_id, step, state, outputs_json, produced_json, started_at, finished_at)
           VALUES (?, ?, ?, 'done', ?, ?, ?, ?)
           ON CONFLICT (idempotency_key) DO UPDATE SET state = 'done', outputs_json = excluded.outputs_json,
             produced_json = excluded.produced_json, finished_at = excluded.finished_at`,
        )
        .run(key, runId, step, JSON.stringify(outputs), JSON.stringify(produced), now, now);
      this.updateStep(runId, step, { status, outputs, produced, error: null, ended: true }, now);
      also();
    })();
  }

  private toRun(row: RunRow): StoredRun {
    const counts = this.db
      .prepare('SELECT status, COUNT(*) AS n FROM pipeline_step_runs WHERE run_id = ? GROUP BY status')
      .all(row.id) as { status: string; n: number }[];
    return {
      id: row.id,
      pipeline: row.pipeline,
      status: row.status,
      trigger: JSON.parse(row.trigger_json) as PipelineRunTrigger,
      createdAt: row.created_at,
      startedAt: row.started_at,
      endedAt: row.ended_at,
      error: row.error,
      stepCounts: Object.fromEntries(counts.map((c) => [c.status, c.n])),
      resumes: row.resumes,
      spec: JSON.parse(row.spec_json) as PipelineSpec,
      ownerPid: row.owner_pid,
      heartbeatAt: row.heartbeat_at,
      cancelRequested: row.cancel_requested === 1,
    };
  }
}

interface DefinitionRow {
  name: string;
  created_at: number;
  updated_at: number;
  yaml: string;
  spec_json: string;
}

function toDefinition(row: DefinitionRow): StoredPipeline {
  return {
    name: row.name,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    yaml: row.yaml,
    spec: JSON.parse(row.spec_json) as PipelineSpec,
  };
}

/** The summary part of a stored run (what the contract sends). */
export function runSummary(run: StoredRun): PipelineRunSummary {
  return {
    id: run.id,
    pipeline: run.pipeline,
    status: run.status,
    trigger: run.trigger,
    createdAt: run.createdAt,
    startedAt: run.startedAt,
    endedAt: run.endedAt,
    error: run.error,
    stepCounts: run.stepCounts,
    resumes: run.resumes,
  };
}
