/**
 * Lays out a model graph inside a web worker, so a graph of thousands of nodes never blocks the page.
 * Receives nodes (with their box sizes) and edges; answers positions and edge routes, or an error message.
 * Up to `elkNodeLimit` nodes elkjs's layered algorithm does it (the nicest drawing); above, elk takes tens of
 * seconds (20 s for 2,000 nodes), so fast-layout.ts's linear-pass layered layout does it in well under one.
 * When asked, the worker also posts progress messages before its answer.
 */
import ELK, { type ElkNode } from 'elkjs/lib/elk.bundled.js';
import { layeredLayout } from './fast-layout';
import { elkNodeLimit, elkOptions } from './layout-settings';

/** What the page sends. */
export interface LayoutRequest {
  nodes: { id: string; width: number; height: number }[];
  edges: { id: string; from: string; to: string }[];
  /** Which way layers run: DOWN (the default, model graphs) or RIGHT (the lineage page). */
  direction?: 'DOWN' | 'RIGHT';
  /** Space between layers in pixels (28 unless given). */
  layerSpacing?: number;
  /** Post {@link LayoutProgress} messages before the answer (only pages that handle them ask). */
  progress?: boolean;
}

/** A step of a layout under way: what it is doing and how far it is (0..1). */
export interface LayoutProgress {
  progress: true;
  step: string;
  fraction: number;
  engine: 'elk' | 'fast';
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

/** Which layout answered (set on ok replies of pages that ask for progress). */
export type LayoutEngine = LayoutProgress['engine'];

const elk = new ELK();

self.onmessage = async (event: MessageEvent<LayoutRequest>) => {
  const { nodes, edges, direction, layerSpacing, progress } = event.data;
  const engine: LayoutEngine = nodes.length > elkNodeLimit ? 'fast' : 'elk';
  const report = (step: string, fraction: number) => {
    if (progress) self.postMessage({ progress: true, step, fraction, engine } satisfies LayoutProgress);
  };
  try {
    if (engine === 'fast') {
      const laid = layeredLayout({ nodes, edges, direction, layerSpacing }, report);
      self.postMessage({ ok: true, ...laid } satisfies LayoutReply);
      return;
    }
    report('elk layered layout', 0.1);
    const input: ElkNode = {
      id: 'root',
      layoutOptions: elkOptions(direction, layerSpacing),
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
