/**
 * Migration 9: pipelines (issue 16). Definitions (the YAML as saved and its checked spec), runs and step
 * runs with their inputs, outputs and logs, the idempotency ledger (a step key is recorded before the
 * step's side effects commit, so a resumed run never does the same step twice), and the trigger marks
 * (a file, alert, schedule tick or upstream run starts at most one run, even with several processes).
 */
export const migration009 = {
  version: 9,
  name: 'pipelines',
  sql: `
    CREATE TABLE pipelines (
      name TEXT PRIMARY KEY,
      created_at INTEGER NOT NULL,
      updated_at INTEGER NOT NULL,
      yaml TEXT NOT NULL,
      spec_json TEXT NOT NULL
    );
    CREATE TABLE pipeline_runs (
      id TEXT PRIMARY KEY,
      pipeline TEXT NOT NULL,
      status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
      trigger_json TEXT NOT NULL,
      spec_json TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      started_at INTEGER,
      ended_at INTEGER,
      error TEXT,
      resumes INTEGER NOT NULL DEFAULT 0,
      owner_pid INTEGER,
      heartbeat_at INTEGER,
      cancel_requested INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX pipeline_runs_pipeline ON pipeline_runs (pipeline, created_at);
    CREATE INDEX pipeline_runs_status ON pipeline_runs (status);
    CREATE TABLE pipeline_step_runs (
      run_id TEXT NOT NULL REFERENCES pipeline_runs(id) ON DELETE CASCADE,
      step TEXT NOT NULL,
      position INTEGER NOT NULL,
      type TEXT NOT NULL,
      status TEXT NOT NULL,
      attempt INTEGER NOT NULL DEFAULT 0,
      started_at INTEGER,
      ended_at INTEGER,
      inputs_json TEXT,
      outputs_json TEXT,
      error TEXT,
      idempotency_key TEXT,
      produced_json TEXT NOT NULL DEFAULT '[]',
      PRIMARY KEY (run_id, step)
    );
    CREATE TABLE pipeline_step_logs (
      id INTEGER PRIMARY KEY,
      run_id TEXT NOT NULL REFERENCES pipeline_runs(id) ON DELETE CASCADE,
      step TEXT NOT NULL,
      at INTEGER NOT NULL,
      level TEXT NOT NULL,
      message TEXT NOT NULL
    );
    CREATE INDEX pipeline_step_logs_step ON pipeline_step_logs (run_id, step, id);
    CREATE TABLE pipeline_step_keys (
      idempotency_key TEXT PRIMARY KEY,
      run_id TEXT NOT NULL,
      step TEXT NOT NULL,
      state TEXT NOT NULL CHECK (state IN ('started', 'done')),
      outputs_json TEXT,
      produced_json TEXT,
      checkpoint_json TEXT,
      started_at INTEGER NOT NULL,
      finished_at INTEGER
    );
    CREATE TABLE pipeline_trigger_marks (
      pipeline TEXT NOT NULL,
      source TEXT NOT NULL,
      mark TEXT NOT NULL,
      run_id TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      PRIMARY KEY (pipeline, source, mark)
    );
  `,
};
