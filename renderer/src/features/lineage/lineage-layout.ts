/**
 * Pure mapping between the core's lineage graph and what the page draws: the layout request the elkjs
 * worker receives (boxes sized to their labels, laid out left to right), the reference string that
 * refocuses the page on a node, and each kind's colour and name for the legend. Kept free of React so
 * it is unit-tested directly.
 */
import type { LineageEntity, LineageGraph } from '../../../../shared/contract/index';
import type { LayoutRequest } from '../registry/graph-layout.worker';

/** A kind's colour (a Mantine palette name) and the word the legend shows. */
export interface KindStyle {
  color: string;
  name: string;
}

const kindStyles: Record<string, KindStyle> = {
  dataset_version: { color: 'blue', name: 'Dataset version' },
  run: { color: 'grape', name: 'Run' },
  model_version: { color: 'teal', name: 'Model version' },
  file: { color: 'gray', name: 'File' },
  drift_report: { color: 'orange', name: 'Drift report' },
  monitor: { color: 'red', name: 'Monitor' },
  validation_report: { color: 'lime', name: 'Validation report' },
  bundle: { color: 'cyan', name: 'Bundle' },
  pipeline_run: { color: 'indigo', name: 'Pipeline run' },
};

/** The colour and legend name of a kind; an unknown kind gets gray and its own name, spaced. */
export function styleOfKind(kind: string): KindStyle {
  return kindStyles[kind] ?? { color: 'gray', name: kind.replaceAll('_', ' ') };
}

/** One node's key in the layout: kind and id, unique across kinds. */
export function nodeKey(entity: Pick<LineageEntity, 'kind' | 'id'>): string {
  return `${entity.kind}:${entity.id}`;
}

/**
 * The reference `lineage.graph` accepts for an entity: `dataset:NAME@V`, `model:NAME@V` and `run:ID` when
 * the entity is named, else `KIND:ID` (which the lineage service also accepts).
 */
export function referenceOf(entity: Pick<LineageEntity, 'kind' | 'id' | 'name' | 'version'>): string {
  if (entity.kind === 'dataset_version' && entity.name && entity.version !== null)
    return `dataset:${entity.name}@${entity.version}`;
  if (entity.kind === 'model_version' && entity.name && entity.version !== null)
    return `model:${entity.name}@${entity.version}`;
  return `${entity.kind}:${entity.id}`;
}

/** The text of a node's alias line, or null when no alias points at it. */
export function aliasLine(entity: Pick<LineageEntity, 'aliases'>): string | null {
  return entity.aliases.length > 0 ? entity.aliases.map((alias) => `@${alias}`).join(' ') : null;
}

const characterWidth = 7;
const labelLimit = 40;

/** A label cut to what a node box shows (files are long paths: their end is what tells them apart). */
export function shownLabel(entity: Pick<LineageEntity, 'kind' | 'label'>): string {
  if (entity.label.length <= labelLimit) return entity.label;
  return entity.kind === 'file'
    ? `…${entity.label.slice(-(labelLimit - 1))}`
    : `${entity.label.slice(0, labelLimit - 1)}…`;
}

/** A node's box: wide enough for its kind, label and aliases; taller when it has an alias line. */
export function boxOf(entity: LineageEntity): { width: number; height: number } {
  const longest = Math.max(
    shownLabel(entity).length,
    styleOfKind(entity.kind).name.length,
    (aliasLine(entity) ?? '').length,
  );
  return { width: Math.max(120, longest * characterWidth + 24), height: aliasLine(entity) ? 58 : 42 };
}

/** An edge's relation as a reader says it: `trained_on` → "trained on", a pipeline's `step:fit` → "step fit". */
export function relationLabel(relation: string): string {
  return relation.startsWith('step:') ? `step ${relation.slice(5)}` : relation.replaceAll('_', ' ');
}

/** The edges drawn: those between two nodes of the graph, each with its layout id and relation. */
export function drawnEdges(graph: LineageGraph): { id: string; from: string; to: string; relation: string }[] {
  const keys = new Set(graph.nodes.map(nodeKey));
  return graph.edges
    .filter((edge) => keys.has(nodeKey(edge.from)) && keys.has(nodeKey(edge.to)))
    .map((edge, index) => ({
      id: `e${index}`,
      from: nodeKey(edge.from),
      to: nodeKey(edge.to),
      relation: edge.relation,
    }));
}

/** The elkjs request for a lineage graph: every node boxed, every drawn edge, left to right. */
export function layoutRequestOf(graph: LineageGraph): LayoutRequest {
  return {
    direction: 'RIGHT',
    layerSpacing: 64,
    nodes: graph.nodes.map((node) => ({ id: nodeKey(node), ...boxOf(node) })),
    edges: drawnEdges(graph).map(({ id, from, to }) => ({ id, from, to })),
  };
}

/** The kinds present in a graph, in the order of first appearance (the legend's rows). */
export function kindsOf(graph: LineageGraph): string[] {
  return [...new Set(graph.nodes.map((node) => node.kind))];
}

/** How much a graph may be enlarged to fill its panel: small graphs grow, but labels never turn poster-sized. */
export const maxEnlargement = 1.6;

/** How far a graph is shrunk at most to fit: below this its labels cannot be read, so it is panned instead. */
export const minLegible = 0.7;

/**
 * The scale that fits a laid-out graph in a panel `panelWidth` wide and at most `maxHeight` tall (margins
 * around it), enlarging a small graph up to `maxEnlargement` and shrinking a big one no further than
 * `minLegible`, and the panel height that fits the graph, so a short wide chain gets a short panel instead
 * of a small drawing in a big empty box.
 */
export function fitToPanel(
  graph: { width: number; height: number },
  panelWidth: number,
  maxHeight: number,
  margin: number,
  minHeight = 240,
): { scale: number; height: number } {
  const scale = Math.max(
    minLegible,
    Math.min(
      maxEnlargement,
      (panelWidth - 2 * margin) / Math.max(1, graph.width),
      (maxHeight - 2 * margin) / Math.max(1, graph.height),
    ),
  );
  const height = Math.round(Math.min(maxHeight, Math.max(minHeight, graph.height * scale + 2 * margin)));
  return { scale, height };
}

/**
 * Where the drawing starts along one axis: centred when it fits the panel; otherwise placed so the focused
 * node (at `focus`, in layout units) is in the middle, without leaving an empty band at either end.
 */
export function offsetAlong(panel: number, size: number, scale: number, focus: number, margin: number): number {
  const drawn = size * scale;
  if (drawn + 2 * margin <= panel) return Math.max(margin, (panel - drawn) / 2);
  const centred = panel / 2 - focus * scale;
  return Math.min(margin, Math.max(panel - margin - drawn, centred));
}
