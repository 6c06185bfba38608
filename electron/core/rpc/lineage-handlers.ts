/** Handlers for lineage: the graph around a dataset version, run or model version. */
import type { lineageMethods } from '../../../shared/contract/index.js';
import type { Core } from '../core.js';
import type { HandlersFor } from './handlers.js';

/** lineage.* */
export function lineageHandlers(core: Core): HandlersFor<keyof typeof lineageMethods> {
  return {
    'lineage.graph': (input) =>
      core.lineage.graph(core.lineage.parseEntity(input.entity), { direction: input.direction, depth: input.depth }),
  };
}
