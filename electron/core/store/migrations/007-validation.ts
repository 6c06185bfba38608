/**
 * Migration 7: validation reports and alias gates (issue 13). A report's JSON and its standalone HTML are
 * objects of the content-addressed store (`report_hash`, `html_hash`, so the collector sees them as
 * referenced); the row keeps what lists and the alias gate query on. Its links to the model version, the
 * holdout and the baseline are lineage edges, like every other entity's.
 */
export const migration007 = {
  version: 7,
  name: 'validation',
  sql: `
    CREATE TABLE validation_reports (
      id TEXT PRIMARY KEY,
      model_version_id TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      suite TEXT NOT NULL,
      passed INTEGER NOT NULL CHECK (passed IN (0, 1)),
      report_hash TEXT NOT NULL,
      html_hash TEXT NOT NULL,
      summary_json TEXT NOT NULL
    );
    CREATE INDEX validation_reports_version ON validation_reports (model_version_id, created_at);
    CREATE TABLE alias_gates (
      id INTEGER PRIMARY KEY,
      model_id INTEGER REFERENCES models(id) ON DELETE CASCADE,
      alias TEXT NOT NULL,
      suite TEXT,
      created_at INTEGER NOT NULL
    );
    CREATE UNIQUE INDEX alias_gates_rule ON alias_gates (COALESCE(model_id, 0), alias);
  `,
};
