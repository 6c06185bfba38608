/**
 * Migration 5: the model registry (issue #10). Today's `models` become MLflow-style registered models
 * (a description and tags), versions gain a description, tags and an MLflow origin, and aliases
 * (champion, production…) point at one version each, with every move kept in `model_alias_events`
 * (who, when, from which version to which) so "what was production last Tuesday" has an answer.
 *
 * `model_versions` is rebuilt because SQLite cannot widen a CHECK constraint in place: a version may now
 * come from MLflow (`source = 'mlflow'`), and one that is not ONNX is kept browsable but not scorable.
 * History keeps version numbers, not row ids, so it survives deleting a version.
 *
 * MLflow 3's logged models (`logged_models`) are what `mlflow.<flavor>.log_model` creates before anything
 * is registered: an id `m-<hex>`, the run that made it, params, tags and artifact files (objects of the
 * store, like run artifacts). `run_model_outputs` is MLflow's runs/outputs (which run produced which
 * logged model, at which step).
 */
export const migration005 = {
  version: 5,
  name: 'registry',
  sql: `
    ALTER TABLE models ADD COLUMN description TEXT NOT NULL DEFAULT '';

    CREATE TABLE model_versions_new (
      id INTEGER PRIMARY KEY,
      model_id INTEGER NOT NULL REFERENCES models(id) ON DELETE CASCADE,
      version INTEGER NOT NULL,
      source TEXT NOT NULL CHECK (source IN ('trained', 'imported', 'mlflow')),
      task TEXT CHECK (task IN ('classification', 'regression')),
      object_hash TEXT NOT NULL,
      size INTEGER NOT NULL,
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
      description TEXT NOT NULL DEFAULT '',
      -- 1 when object_hash is an ONNX graph Lathe scores; 0 for another MLflow flavor (browsable only)
      scorable INTEGER NOT NULL DEFAULT 1,
      -- MLflow's view of a version registered through its API: source URI, run, logged model, flavors
      mlflow_json TEXT,
      updated_at INTEGER,
      UNIQUE (model_id, version)
    );
    INSERT INTO model_versions_new (id, model_id, version, source, task, object_hash, size, signature_json,
      features_json, feature_specs_json, target, classes_json, preprocessing_hash, metrics_json, backend, run_id,
      dataset_version_id, bench_json, created_at, updated_at)
    SELECT id, model_id, version, source, task, object_hash, size, signature_json, features_json,
      feature_specs_json, target, classes_json, preprocessing_hash, metrics_json, backend, run_id,
      dataset_version_id, bench_json, created_at, created_at
    FROM model_versions;
    DROP TABLE model_versions;
    ALTER TABLE model_versions_new RENAME TO model_versions;
    CREATE INDEX model_versions_hash ON model_versions (object_hash);

    CREATE TABLE model_tags (
      model_id INTEGER NOT NULL REFERENCES models(id) ON DELETE CASCADE,
      key TEXT NOT NULL,
      value TEXT NOT NULL,
      PRIMARY KEY (model_id, key)
    );
    CREATE TABLE model_version_tags (
      version_id INTEGER NOT NULL REFERENCES model_versions(id) ON DELETE CASCADE,
      key TEXT NOT NULL,
      value TEXT NOT NULL,
      PRIMARY KEY (version_id, key)
    );
    CREATE TABLE model_aliases (
      model_id INTEGER NOT NULL REFERENCES models(id) ON DELETE CASCADE,
      alias TEXT NOT NULL,
      version_id INTEGER NOT NULL REFERENCES model_versions(id) ON DELETE CASCADE,
      set_by TEXT NOT NULL,
      set_at INTEGER NOT NULL,
      PRIMARY KEY (model_id, alias)
    );
    CREATE INDEX model_aliases_version ON model_aliases (version_id);
    CREATE TABLE model_alias_events (
      id INTEGER PRIMARY KEY,
      model_id INTEGER NOT NULL REFERENCES models(id) ON DELETE CASCADE,
      alias TEXT NOT NULL,
      from_version INTEGER,
      to_version INTEGER,
      actor TEXT NOT NULL,
      at INTEGER NOT NULL
    );
    CREATE INDEX model_alias_events_model ON model_alias_events (model_id, alias, id);

    CREATE TABLE logged_models (
      id TEXT PRIMARY KEY,
      experiment_id TEXT NOT NULL,
      name TEXT NOT NULL,
      model_type TEXT,
      source_run_id TEXT,
      status TEXT NOT NULL CHECK (status IN ('PENDING', 'READY', 'FAILED')),
      status_message TEXT,
      created_at INTEGER NOT NULL,
      updated_at INTEGER NOT NULL
    );
    CREATE INDEX logged_models_experiment ON logged_models (experiment_id, created_at);
    CREATE TABLE logged_model_params (
      model_id TEXT NOT NULL REFERENCES logged_models(id) ON DELETE CASCADE,
      key TEXT NOT NULL,
      value TEXT NOT NULL,
      PRIMARY KEY (model_id, key)
    );
    CREATE TABLE logged_model_tags (
      model_id TEXT NOT NULL REFERENCES logged_models(id) ON DELETE CASCADE,
      key TEXT NOT NULL,
      value TEXT NOT NULL,
      PRIMARY KEY (model_id, key)
    );
    CREATE TABLE logged_model_artifacts (
      model_id TEXT NOT NULL REFERENCES logged_models(id) ON DELETE CASCADE,
      path TEXT NOT NULL,
      object_hash TEXT NOT NULL,
      size INTEGER NOT NULL,
      created_at INTEGER NOT NULL,
      PRIMARY KEY (model_id, path)
    ) WITHOUT ROWID;
    CREATE INDEX logged_model_artifacts_by_object ON logged_model_artifacts (object_hash);
    CREATE TABLE run_model_outputs (
      run_id TEXT NOT NULL,
      model_id TEXT NOT NULL REFERENCES logged_models(id) ON DELETE CASCADE,
      step INTEGER NOT NULL DEFAULT 0,
      PRIMARY KEY (run_id, model_id)
    );
  `,
};
