/**
 * Lays out a model graph with elkjs's layered algorithm inside a web worker, so a graph of thousands of
 * nodes never blocks the page. Receives nodes (with their box sizes) and edges; answers positions and
 * edge routes, or an error message.
 */
import ELK, { type ElkNode } from 'elkjs/lib/elk.bundled.js';

/** What the page sends. */
export interface LayoutRequest {
  nodes: { id: string; width: number; height: number }[];
  edges: { id: string; from: string; to: string }[];
  /** Which way layers run: DOWN (the default, model graphs) or RIGHT (the lineage page). */
  direction?: 'DOWN' | 'RIGHT';
  /** Space between layers in pixels (28 unless given). */
  layerSpacing?: number;
}

/** What the worker answers. */
export type LayoutReply =
  | {
      ok: true;
      width: number;
      height: number;
      nodes: Record<string, { x: number; y: number; width: number; height: number }>;
      edges: { id: string; points: { x: number; y: number }[] }[];
    }
  | { ok: false; message: string };

const elk = new ELK();

self.onmessage = async (event: MessageEvent<LayoutRequest>) => {
  const { nodes, edges, direction, layerSpacing } = event.data;
  try {
    const input: ElkNode = {
      id: 'root',
      layoutOptions: {
        'elk.algorithm': 'layered',
        'elk.direction': direction ?? 'DOWN',
        'elk.layered.spacing.nodeNodeBetweenLayers': String(layerSpacing ?? 28),
        'elk.spacing.nodeNode': '16',
        // Linear-time choices keep thousands of nodes to seconds.
        'elk.layered.nodePlacement.strategy': 'LINEAR_SEGMENTS',
        'elk.layered.crossingMinimization.strategy': 'LAYER_SWEEP',
        'elk.layered.thoroughness': '1',
      },
      children: nodes,
      edges: edges.map((e) => ({ id: e.id, sources: [e.from], targets: [e.to] })),
    };
    const laid = await elk.layout(input);
    const positions: Extract<LayoutReply, { ok: true }>['nodes'] = {};
    for (const child of laid.children ?? [])
      positions[child.id] = { x: child.x ?? 0, y: child.y ?? 0, width: child.width ?? 0, height: child.height ?? 0 };
    const routes = (laid.edges ?? []).map((edge) => ({
      id: edge.id,
      points: (edge.sections ?? []).flatMap((s) => [s.startPoint, ...(s.bendPoints ?? []), s.endPoint]),
    }));
    const reply: LayoutReply = {
      ok: true,
      width: laid.width ?? 0,
      height: laid.height ?? 0,
      nodes: positions,
      edges: routes,
    };
    self.postMessage(reply);
  } catch (error) {
    const reply: LayoutReply = { ok: false, message: (error as Error).message };
    self.postMessage(reply);
  }
};
