/**
 * Migration 10: MLflow 3 ties metrics and runs to logged models. A Metric may carry `model_id`,
 * `dataset_name` and `dataset_digest` (service.proto); the point is written to `metrics` as always and, when
 * it names a model, also here (same transaction), so logged-models/get and search can answer `data.metrics`.
 * `runs/log-inputs` with `models` records which logged models a run used (runs/get `inputs.model_inputs`).
 */
export const migration010 = {
  // Numbered 9 on branch house2 (pipelines' 009 is not merged yet): 10 once it is.
  version: 10,
  name: 'model-metrics',
  sql: `
    CREATE TABLE logged_model_metrics (
      model_id TEXT NOT NULL REFERENCES logged_models(id) ON DELETE CASCADE,
      run_key INTEGER NOT NULL REFERENCES runs(key) ON DELETE CASCADE,
      key TEXT NOT NULL,
      step INTEGER NOT NULL,
      timestamp INTEGER NOT NULL,
      value REAL,
      dataset_name TEXT,
      dataset_digest TEXT
    );
    CREATE INDEX logged_model_metrics_model ON logged_model_metrics (model_id, key, step);
    CREATE TABLE run_model_inputs (
      run_key INTEGER NOT NULL REFERENCES runs(key) ON DELETE CASCADE,
      model_id TEXT NOT NULL REFERENCES logged_models(id) ON DELETE CASCADE,
      PRIMARY KEY (run_key, model_id)
    );
  `,
};
