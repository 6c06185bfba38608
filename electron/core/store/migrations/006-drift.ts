/**
 * Migration 6: drift reports (issue #11). A report's full result is one JSON document (columns,
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
  `,
};
