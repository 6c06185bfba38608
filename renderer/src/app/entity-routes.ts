/**
 * Where an entity of the lineage graph opens in the app. The core answers with entities (kind, id,
 * name, version, experiment), never with URLs: routes belong to the renderer, so they live here.
 */
import type { LineageEntity } from '../../../shared/contract/index';

/** A drift report's page (DriftPage: `/drift/:id`). */
export const driftReportRoute = (id: string) => `/drift/${encodeURIComponent(id)}`;
/** A monitor's page (MonitorsPage: `/monitors/:name`). */
export const monitorRoute = (name: string) => `/monitors/${encodeURIComponent(name)}`;
/**
 * A validation report (issue 13, branch `validate`): it opens from its model's page (the Validate button
 * lists a version's reports), so the route is that page, with the report's id for the page to open it.
 */
export const validationReportRoute = (model: string, id: string) =>
  `/models/${encodeURIComponent(model)}?validation=${encodeURIComponent(id)}`;
/** A bundle (issue 13, branch `bundle`): like a validation report, on its model's page (the Bundles button). */
export const bundleRoute = (model: string, id: string) =>
  `/models/${encodeURIComponent(model)}?bundle=${encodeURIComponent(id)}`;
/** A pipeline run's page (PipelinesPage, branch `pipelines-ui`: `/pipelines/:name/runs/:runId`). */
export const pipelineRunRoute = (pipeline: string, runId: string) =>
  `/pipelines/${encodeURIComponent(pipeline)}/runs/${encodeURIComponent(runId)}`;

/** The app route of an entity, or null when it has no page (a file, or an entity that is gone). */
export function routeOfEntity(
  entity: Pick<LineageEntity, 'kind' | 'id' | 'name' | 'experimentId' | 'exists'>,
): string | null {
  if (!entity.exists) return null;
  switch (entity.kind) {
    case 'model_version':
      return entity.name ? `/models/${encodeURIComponent(entity.name)}` : null;
    case 'dataset_version':
      return entity.name ? `/datasets/${encodeURIComponent(entity.name)}` : null;
    case 'run':
      return entity.experimentId ? `/experiments/${entity.experimentId}/runs/${entity.id}` : null;
    case 'drift_report':
      return driftReportRoute(entity.id);
    case 'monitor':
      return entity.name ? monitorRoute(entity.name) : null;
    // Their lineage entities need `name` (the model's) to link; without it they have no page to open.
    case 'validation_report':
      return entity.name ? validationReportRoute(entity.name, entity.id) : null;
    case 'bundle':
      return entity.name ? bundleRoute(entity.name, entity.id) : null;
    case 'pipeline_run':
      return entity.name ? pipelineRunRoute(entity.name, entity.id) : null;
    default:
      return null;
  }
}

/** The word that says what an entity is, for kinds whose label may not say it (a model version's is `churn@1`). */
const kindWords: Record<string, string> = {
  model_version: 'model',
  drift_report: 'drift',
  monitor: 'monitor',
  validation_report: 'validation',
  bundle: 'bundle',
  pipeline_run: 'pipeline',
};

/**
 * How an entity is named in a list of mixed kinds: it says what it is (`model churn@1`, `monitor churn-live`),
 * without repeating the word when its label already starts with it or names itself (`csv bundle of …`).
 */
export function entityDisplayName(entity: Pick<LineageEntity, 'kind' | 'label'>): string {
  const word = kindWords[entity.kind];
  if (!word) return entity.label;
  if (entity.kind === 'model_version') return `model ${entity.label}`;
  return new RegExp(`(^|\\s)${word}(\\s|$)`, 'i').test(entity.label) ? entity.label : `${word} ${entity.label}`;
}

/** What the app knows exists, to tell a `NAME@V` value that names something from one that only looks like it. */
export interface KnownEntities {
  /** Dataset name → its latest version. */
  datasets: ReadonlyMap<string, number>;
  /** Model name → its latest version. */
  models: ReadonlyMap<string, number>;
}

/**
 * The page a run's tag or param value names, or null: `NAME@V` of an existing dataset version or model
 * version (training writes `lathe.data = iris@2` and `lathe.model_version = churn@1`). When a name is both
 * a dataset and a model, the key decides (a key that mentions "model" means the model).
 */
export function routeOfValue(key: string, value: string, known: KnownEntities): string | null {
  const match = /^(.+)@([1-9]\d*)$/.exec(value.trim());
  if (!match) return null;
  const name = match[1]!;
  const version = Number(match[2]);
  const exists = (latest: number | undefined) => latest !== undefined && version <= latest;
  const dataset = exists(known.datasets.get(name));
  const model = exists(known.models.get(name));
  const preferModel = /model/i.test(key);
  if (model && (preferModel || !dataset)) return `/models/${encodeURIComponent(name)}?v=${version}`;
  if (dataset) return `/datasets/${encodeURIComponent(name)}?v=${version}`;
  return null;
}
