/**
 * Where an entity of the lineage graph opens in the app. The core answers with entities (kind, id,
 * name, version, experiment), never with URLs: routes belong to the renderer, so they live here.
 */
import type { LineageEntity } from '../../../shared/contract/index';

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
    default:
      return null;
  }
}

/** How an entity is named in a list of mixed kinds: a model version says it is one (`model churn@1`). */
export function entityDisplayName(entity: Pick<LineageEntity, 'kind' | 'label'>): string {
  return entity.kind === 'model_version' ? `model ${entity.label}` : entity.label;
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
