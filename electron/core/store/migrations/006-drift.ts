/**
 * Migration 6: drift reports, monitors, their runs and alerts (issue #11). A report's full result is one JSON document (columns,
 * statistics, shares for the charts); the columns beside it are what lists filter and sort on. Its links
 * to the reference, the current set and the model are lineage edges, like every other entity's.
 */
export const migration006 = {
  version: 6,
  name: 'drift',
  sql: `
    CREATE TABLE drift_reports (
      id TEXT PRIMARY KEY,
      created_at INTEGER NOT NULL,
      reference_label TEXT NOT NULL,
      reference_version_id TEXT,
      current_label TEXT NOT NULL,
      current_version_id TEXT,
      model_version_id TEXT,
      columns_tested INTEGER NOT NULL,
      columns_drifted INTEGER NOT NULL,
      drift_share REAL NOT NULL,
      dataset_drift INTEGER NOT NULL CHECK (dataset_drift IN (0, 1)),
      report_json TEXT NOT NULL
    );
    CREATE INDEX drift_reports_created ON drift_reports (created_at);
    CREATE TABLE monitors (
      id TEXT PRIMARY KEY,
      name TEXT NOT NULL UNIQUE,
      created_at INTEGER NOT NULL,
      model_version_id TEXT NOT NULL,
      reference_version_id TEXT NOT NULL,
      config_json TEXT NOT NULL
    );
    CREATE TABLE monitor_runs (
      id TEXT PRIMARY KEY,
      monitor_id TEXT NOT NULL REFERENCES monitors(id) ON DELETE CASCADE,
      created_at INTEGER NOT NULL,
      run_json TEXT NOT NULL
    );
    CREATE INDEX monitor_runs_monitor ON monitor_runs (monitor_id, created_at);
    CREATE TABLE monitor_alerts (
      id INTEGER PRIMARY KEY,
      monitor_id TEXT NOT NULL REFERENCES monitors(id) ON DELETE CASCADE,
      run_id TEXT NOT NULL REFERENCES monitor_runs(id) ON DELETE CASCADE,
      created_at INTEGER NOT NULL,
      window_label TEXT NOT NULL,
      kind TEXT NOT NULL CHECK (kind IN ('drift', 'performance')),
      message TEXT NOT NULL,
      value REAL NOT NULL,
      threshold REAL NOT NULL
    );
    CREATE INDEX monitor_alerts_created ON monitor_alerts (created_at);
  `,
};
