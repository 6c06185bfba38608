/**
 * Migration 2: tracking (issue #3). Runs with params, tags, metrics and artifacts.
 *
 * Metric points are one row each in `metrics` (what MLflow's get-history pages through). Beside them,
 * `metric_series` keeps per run and key the latest point (search and the runs table read it) and the
 * count, and `metric_tiles` keeps for every `size` consecutive points (64, 256 and 2048: three levels) their
 * first, last, minimum and maximum: long series are downsampled from the coarsest level that still has enough
 * tiles (MinMax preselection, then LTTB) without reading every row.
 */
export const migration002 = {
  version: 2,
  name: 'tracking',
  sql: `
    CREATE TABLE runs (
      key INTEGER PRIMARY KEY,
      id TEXT NOT NULL UNIQUE,
      experiment_id INTEGER NOT NULL REFERENCES experiments(id),
      name TEXT NOT NULL,
      status TEXT NOT NULL CHECK (status IN ('RUNNING', 'SCHEDULED', 'FINISHED', 'FAILED', 'KILLED')),
      start_time INTEGER NOT NULL,
      end_time INTEGER,
      user_id TEXT NOT NULL DEFAULT '',
      lifecycle_stage TEXT NOT NULL DEFAULT 'active' CHECK (lifecycle_stage IN ('active', 'deleted')),
      deleted_time INTEGER
    );
    CREATE INDEX runs_by_experiment ON runs (experiment_id, lifecycle_stage, start_time DESC);

    CREATE TABLE run_params (
      run_key INTEGER NOT NULL REFERENCES runs(key) ON DELETE CASCADE,
      key TEXT NOT NULL,
      value TEXT NOT NULL,
      PRIMARY KEY (run_key, key)
    ) WITHOUT ROWID;

    CREATE TABLE run_tags (
      run_key INTEGER NOT NULL REFERENCES runs(key) ON DELETE CASCADE,
      key TEXT NOT NULL,
      value TEXT NOT NULL,
      PRIMARY KEY (run_key, key)
    ) WITHOUT ROWID;

    -- value is NULL for NaN (SQLite has no NaN); ±Infinity are stored as REAL infinities.
    -- No foreign key here: a purge deletes the rows itself, and per-row FK checks would slow ingestion.
    CREATE TABLE metrics (
      run_key INTEGER NOT NULL,
      key TEXT NOT NULL,
      step INTEGER NOT NULL,
      timestamp INTEGER NOT NULL,
      value REAL
    );
    CREATE INDEX metrics_series ON metrics (run_key, key, step, timestamp);

    CREATE TABLE metric_series (
      run_key INTEGER NOT NULL REFERENCES runs(key) ON DELETE CASCADE,
      key TEXT NOT NULL,
      count INTEGER NOT NULL,
      latest_step INTEGER NOT NULL,
      latest_timestamp INTEGER NOT NULL,
      latest_value REAL,
      latest_nan INTEGER NOT NULL DEFAULT 0,
      PRIMARY KEY (run_key, key)
    ) WITHOUT ROWID;
    CREATE INDEX metric_series_by_value ON metric_series (key, latest_value);

    CREATE TABLE metric_tiles (
      run_key INTEGER NOT NULL,
      key TEXT NOT NULL,
      size INTEGER NOT NULL,
      tile INTEGER NOT NULL,
      n INTEGER NOT NULL,
      first_step INTEGER, first_timestamp INTEGER, first_value REAL,
      last_step INTEGER, last_timestamp INTEGER, last_value REAL,
      min_step INTEGER, min_timestamp INTEGER, min_value REAL,
      max_step INTEGER, max_timestamp INTEGER, max_value REAL,
      PRIMARY KEY (run_key, key, size, tile)
    ) WITHOUT ROWID;

    -- Artifacts are objects in the content-addressed store, named by a run-relative path.
    CREATE TABLE run_artifacts (
      run_key INTEGER NOT NULL REFERENCES runs(key) ON DELETE CASCADE,
      path TEXT NOT NULL,
      object_hash TEXT NOT NULL,
      size INTEGER NOT NULL,
      created_at INTEGER NOT NULL,
      PRIMARY KEY (run_key, path)
    ) WITHOUT ROWID;
    CREATE INDEX run_artifacts_by_object ON run_artifacts (object_hash);

    -- MLflow's log-inputs: datasets a run used, with their tags.
    CREATE TABLE run_inputs (
      id INTEGER PRIMARY KEY,
      run_key INTEGER NOT NULL REFERENCES runs(key) ON DELETE CASCADE,
      name TEXT NOT NULL,
      digest TEXT NOT NULL,
      source_type TEXT NOT NULL,
      source TEXT NOT NULL,
      schema TEXT,
      profile TEXT,
      tags TEXT NOT NULL DEFAULT '[]',
      UNIQUE (run_key, name, digest)
    );
  `,
};
