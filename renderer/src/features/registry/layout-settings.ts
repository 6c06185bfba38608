/**
 * Layout settings shared by the layout worker, the model graph page and the models bench (which times the
 * same layouts the page gets): elkjs's options, the node count above which the fast layout takes over, and
 * the size of a model graph node's box. Pure, so node code can import it (the worker file cannot be).
 */

/** Above this many nodes the worker uses fast-layout.ts instead of elkjs (on a busy 2-core machine elk took 2 s for 145 nodes, 11–20 s for 2,000). */
export const elkNodeLimit = 150;

/** elkjs layered options: top-down (model graphs) or left-to-right (lineage), with the given layer spacing. */
export function elkOptions(direction: 'DOWN' | 'RIGHT' = 'DOWN', layerSpacing = 28): Record<string, string> {
  return {
    'elk.algorithm': 'layered',
    'elk.direction': direction,
    'elk.layered.spacing.nodeNodeBetweenLayers': String(layerSpacing),
    'elk.spacing.nodeNode': '16',
    'elk.layered.nodePlacement.strategy': 'LINEAR_SEGMENTS',
    'elk.layered.crossingMinimization.strategy': 'LAYER_SWEEP',
    'elk.layered.thoroughness': '1',
  };
}

/** The box of a model graph node labelled with its op type. */
export function modelNodeBox(opType: string): { width: number; height: number } {
  return { width: Math.max(60, opType.length * 7 + 16), height: 26 };
}
