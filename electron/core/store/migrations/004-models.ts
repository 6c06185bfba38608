/**
 * Migration 4: models and their versions (issue #5). A version's bytes are one ONNX file in the object
 * store; its links to the run that trained it and the dataset version it learned from are lineage
 * edges (migration 1), so "where did this come from" works the same for every entity.
 */
export const migration004 = {
  version: 4,
  name: 'models',
  sql: `
    CREATE TABLE models (
      id INTEGER PRIMARY KEY,
      name TEXT NOT NULL UNIQUE,
      created_at INTEGER NOT NULL,
      updated_at INTEGER NOT NULL
    );
    CREATE TABLE model_versions (
      id INTEGER PRIMARY KEY,
      model_id INTEGER NOT NULL REFERENCES models(id) ON DELETE CASCADE,
      version INTEGER NOT NULL,
      source TEXT NOT NULL CHECK (source IN ('trained', 'imported')),
      task TEXT CHECK (task IN ('classification', 'regression')),
      object_hash TEXT NOT NULL,
      size INTEGER NOT NULL,
      -- inputs, outputs, opset, producer, nodes, parameters as read from the graph
      signature_json TEXT NOT NULL,
      features_json TEXT NOT NULL DEFAULT '[]',
      feature_specs_json TEXT,
      target TEXT,
      classes_json TEXT,
      preprocessing_hash TEXT,
      metrics_json TEXT NOT NULL DEFAULT '{}',
      backend TEXT,
      run_id TEXT,
      dataset_version_id TEXT,
      bench_json TEXT,
      created_at INTEGER NOT NULL,
      UNIQUE (model_id, version)
    );
    CREATE INDEX model_versions_hash ON model_versions (object_hash);
  `,
};
