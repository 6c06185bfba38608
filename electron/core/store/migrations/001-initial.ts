/** Migration 1: experiments with tags, and the generic lineage edge table every later entity uses. */
export const migration001 = {
  version: 1,
  name: 'initial',
  sql: `
    CREATE TABLE experiments (
      id INTEGER PRIMARY KEY,
      name TEXT NOT NULL UNIQUE,
      lifecycle_stage TEXT NOT NULL DEFAULT 'active' CHECK (lifecycle_stage IN ('active', 'deleted')),
      artifact_location TEXT NOT NULL DEFAULT '',
      created_at INTEGER NOT NULL,
      updated_at INTEGER NOT NULL
    );
    CREATE TABLE experiment_tags (
      experiment_id INTEGER NOT NULL REFERENCES experiments(id) ON DELETE CASCADE,
      key TEXT NOT NULL,
      value TEXT NOT NULL,
      PRIMARY KEY (experiment_id, key)
    );
    -- MLflow clients expect experiment "0" named Default to exist.
    INSERT INTO experiments (id, name, lifecycle_stage, created_at, updated_at)
      VALUES (0, 'Default', 'active', CAST(unixepoch('subsec') * 1000 AS INTEGER), CAST(unixepoch('subsec') * 1000 AS INTEGER));

    -- Lineage: "where did this come from" walks edges backwards, "what was made from this" forwards.
    CREATE TABLE lineage_edges (
      id INTEGER PRIMARY KEY,
      from_kind TEXT NOT NULL,
      from_id TEXT NOT NULL,
      to_kind TEXT NOT NULL,
      to_id TEXT NOT NULL,
      relation TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      UNIQUE (from_kind, from_id, to_kind, to_id, relation)
    );
    CREATE INDEX lineage_edges_to ON lineage_edges (to_kind, to_id);
  `,
};
