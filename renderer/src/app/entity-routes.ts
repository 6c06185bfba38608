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
