/**
 * How a model and a model version are stored: the row shapes of `models` and `model_versions`, the
 * SELECTs that join their tags and aliases, and the mapping to the contract's types. Kept apart from the
 * service so the registry's readers and the service share one mapping.
 */
import type { BenchResult, FeatureSpec, ModelSummary, ModelVersion } from '../../../shared/contract/index.js';

/** A `models` row with its version count, latest version, tags and aliases (see {@link modelSelect}). */
export interface ModelRow {
  id: number;
  name: string;
  created_at: number;
  updated_at: number;
  version_count: number;
  latest_version: number | null;
  latest_source: 'trained' | 'imported' | 'mlflow' | null;
  latest_task: 'classification' | 'regression' | null;
  description: string;
  tags_json: string;
  aliases_json: string;
}

/** A `model_versions` row with its model's name, tags and aliases (see {@link versionSelect}). */
export interface VersionRow {
  id: number;
  model_id: number;
  model_name: string;
  version: number;
  source: 'trained' | 'imported' | 'mlflow';
  task: 'classification' | 'regression' | null;
  object_hash: string;
  size: number;
  signature_json: string;
  features_json: string;
  feature_specs_json: string | null;
  target: string | null;
  classes_json: string | null;
  preprocessing_hash: string | null;
  metrics_json: string;
  backend: string | null;
  run_id: string | null;
  dataset_version_id: string | null;
  bench_json: string | null;
  created_at: number;
  description: string;
  scorable: number;
  tags_json: string;
  aliases_json: string;
}

/** Every model with its summary columns; add WHERE / ORDER BY. */
export const modelSelect = `
  SELECT m.*, (SELECT COUNT(*) FROM model_versions v WHERE v.model_id = m.id) AS version_count,
    (SELECT MAX(version) FROM model_versions v WHERE v.model_id = m.id) AS latest_version,
    (SELECT source FROM model_versions v WHERE v.model_id = m.id ORDER BY version DESC LIMIT 1) AS latest_source,
    (SELECT task FROM model_versions v WHERE v.model_id = m.id ORDER BY version DESC LIMIT 1) AS latest_task,
    (SELECT json_group_object(key, value) FROM model_tags t WHERE t.model_id = m.id) AS tags_json,
    (SELECT json_group_object(a.alias, v.version) FROM model_aliases a JOIN model_versions v ON v.id = a.version_id
      WHERE a.model_id = m.id) AS aliases_json
  FROM models m`;

/** Every version with its model's name, tags and aliases; add WHERE / ORDER BY. */
export const versionSelect = `SELECT v.*, m.name AS model_name,
    (SELECT json_group_object(key, value) FROM model_version_tags t WHERE t.version_id = v.id) AS tags_json,
    (SELECT json_group_array(alias) FROM (SELECT alias FROM model_aliases a WHERE a.version_id = v.id ORDER BY alias))
      AS aliases_json
  FROM model_versions v JOIN models m ON m.id = v.model_id`;

/** A model row as the contract's summary. */
export function toSummary(row: ModelRow): ModelSummary {
  return {
    id: String(row.id),
    name: row.name,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    versionCount: row.version_count,
    latestVersion: row.latest_version,
    latestSource: row.latest_source,
    latestTask: row.latest_task,
    description: row.description,
    tags: JSON.parse(row.tags_json) as Record<string, string>,
    aliases: JSON.parse(row.aliases_json) as Record<string, number>,
  };
}

/** A version row as the contract's version. */
export function toVersion(row: VersionRow): ModelVersion {
  const signature = JSON.parse(row.signature_json) as Pick<
    ModelVersion,
    'inputs' | 'outputs' | 'opset' | 'producer' | 'nodes' | 'parameters'
  >;
  return {
    id: String(row.id),
    model: row.model_name,
    version: row.version,
    source: row.source,
    task: row.task,
    hash: row.object_hash,
    size: row.size,
    ...signature,
    features: JSON.parse(row.features_json) as string[],
    featureSpecs: row.feature_specs_json ? (JSON.parse(row.feature_specs_json) as FeatureSpec[]) : null,
    target: row.target,
    classes: row.classes_json ? (JSON.parse(row.classes_json) as string[]) : null,
    metrics: JSON.parse(row.metrics_json) as Record<string, number>,
    backend: row.backend,
    runId: row.run_id,
    datasetVersionId: row.dataset_version_id,
    bench: row.bench_json ? (JSON.parse(row.bench_json) as BenchResult) : null,
    createdAt: row.created_at,
    description: row.description,
    tags: JSON.parse(row.tags_json) as Record<string, string>,
    aliases: JSON.parse(row.aliases_json) as string[],
    scorable: row.scorable === 1,
  };
}
