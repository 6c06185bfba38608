/**
 * Migration 3: datasets and their versions. A version's bytes live in the object store under its
 * SHA-256 (`hash`); the row holds the schema, the profile and the origin. Parent links and origins
 * are also lineage edges (`dataset_version` → `dataset_version` "parent", `file` → `dataset_version`
 * "origin") so lineage walks see them. The stat cache lets a re-add skip hashing an unchanged file.
 */
export const migration003 = {
  version: 3,
  name: 'datasets',
  sql: `
    CREATE TABLE datasets (
      id TEXT PRIMARY KEY,
      name TEXT NOT NULL UNIQUE,
      created_at INTEGER NOT NULL,
      updated_at INTEGER NOT NULL
    );
    CREATE TABLE dataset_versions (
      id TEXT PRIMARY KEY,
      dataset_id TEXT NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
      version INTEGER NOT NULL CHECK (version >= 1),
      hash TEXT NOT NULL CHECK (length(hash) = 64),
      size INTEGER NOT NULL,
      format TEXT NOT NULL CHECK (format IN ('csv', 'tsv', 'parquet', 'jsonl')),
      row_count INTEGER NOT NULL,
      -- [{name, type, inferredType}]: the effective schema, overrides applied.
      schema_json TEXT NOT NULL,
      profile_json TEXT NOT NULL,
      -- How DuckDB must read the bytes (e.g. a full-file type sniff), so every reader sees the same types.
      read_options_json TEXT NOT NULL DEFAULT '{}',
      message TEXT NOT NULL DEFAULT '',
      origin_path TEXT,
      origin_size INTEGER,
      origin_mtime_ms REAL,
      parent_id TEXT REFERENCES dataset_versions(id),
      created_at INTEGER NOT NULL,
      UNIQUE (dataset_id, version),
      UNIQUE (dataset_id, hash)
    );
    CREATE INDEX dataset_versions_hash ON dataset_versions (hash);
    CREATE TABLE dataset_stat_cache (
      path TEXT PRIMARY KEY,
      size INTEGER NOT NULL,
      mtime_ns TEXT NOT NULL,
      inode TEXT NOT NULL,
      hash TEXT NOT NULL,
      checked_at INTEGER NOT NULL
    );
  `,
};
