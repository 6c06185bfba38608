/**
 * Migration 8: exports of deployable bundles (issue 13, item 2). One row per export: the version, the
 * target, where it was written, its sizes and digest, the manifest it carries and its last self-test, so
 * a version's page lists past exports without opening them. Its link to the model version is also a
 * lineage edge (`model_version -bundled-> bundle`).
 *
 * Numbering: validation's migration is 7 and this one 8. On the `bundle` branch alone (without 7) the
 * steps must stay 1..n without gaps, so `version` is 7 here; at merge it becomes 8, listed after 007.
 */
export const migration008 = {
  version: 8,
  name: 'bundles',
  sql: `
    CREATE TABLE bundle_exports (
      id TEXT PRIMARY KEY,
      model_version_id TEXT NOT NULL,
      ref TEXT NOT NULL,
      target TEXT NOT NULL CHECK (target IN ('server', 'lambda', 'gcf')),
      out_path TEXT NOT NULL,
      format TEXT NOT NULL CHECK (format IN ('dir', 'zip')),
      created_at INTEGER NOT NULL,
      unzipped_bytes INTEGER NOT NULL,
      zipped_bytes INTEGER,
      digest TEXT NOT NULL,
      manifest_json TEXT NOT NULL,
      selftest_json TEXT
    );
    CREATE INDEX bundle_exports_version ON bundle_exports (model_version_id, created_at);
  `,
};
