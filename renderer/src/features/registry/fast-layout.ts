/**
 * A layered (Sugiyama-style) layout in linear passes, for graphs too big for elkjs to lay out in a
 * reasonable time (elk's layered algorithm takes tens of seconds on a 2,000-node ONNX graph on a busy
 * laptop: network-simplex layering, orthogonal routing and its node placement do not scale). The steps:
 * back edges reversed by a depth-first walk; layers by longest path; long edges routed through shared
 * "dummy" points so they bend around the nodes between; order within layers by barycenter sweeps; x by
 * sweeps that place each layer as near as order and spacing allow to where its nodes want to be (their
 * neighbours' mean, or straight under the far end of a long edge, so skip connections run straight and
 * a residual stream does not drift sideways). Every pass is O(nodes + edges) (plus sorting within
 * layers), so thousands of nodes take well under a second. Pure: no DOM, so the worker, tests and the
 * models bench share it.
 */

/** What the layout needs: boxes and edges (the same shape as the worker's request). */
export interface FastLayoutInput {
  nodes: { id: string; width: number; height: number }[];
  edges: { id: string; from: string; to: string }[];
  direction?: 'DOWN' | 'RIGHT';
  layerSpacing?: number;
}

/** Positions of every node and the polyline of every edge, in one coordinate space from (0, 0). */
export interface FastLayoutResult {
  width: number;
  height: number;
  nodes: Record<string, { x: number; y: number; width: number; height: number }>;
  edges: { id: string; points: { x: number; y: number }[] }[];
}

/** Reports a step and how far through all steps the layout is (0..1). */
export type LayoutProgress = (step: string, fraction: number) => void;

const nodeSpacing = 16;
const dummyWidth = 6;
const orderSweeps = 8;
const placeSweeps = 6;
/** Long edges add at most this many dummy points per real node; longer chains beyond it are drawn straight. */
const dummyBudgetPerNode = 6;

/** Lays out a directed graph in layers; see the file header for the steps. */
export function layeredLayout(input: FastLayoutInput, progress: LayoutProgress = () => {}): FastLayoutResult {
  const across = input.direction === 'RIGHT';
  const count = input.nodes.length;
  const index = new Map(input.nodes.map((node, i) => [node.id, i]));
  // Work top-down; a left-to-right layout is the same one transposed.
  const widths = input.nodes.map((n) => (across ? n.height : n.width));
  const heights = input.nodes.map((n) => (across ? n.width : n.height));

  const edges = input.edges
    .map((edge) => ({ id: edge.id, from: index.get(edge.from), to: index.get(edge.to) }))
    .filter(
      (edge): edge is { id: string; from: number; to: number } => edge.from !== undefined && edge.to !== undefined,
    );
  const out: number[][] = Array.from({ length: count }, () => []);
  for (const edge of edges) if (edge.from !== edge.to) out[edge.from]!.push(edge.to);

  progress('breaking cycles', 0.05);
  const reversed = backEdges(count, out);
  const forward = (from: number, to: number) => (reversed.has(`${from}>${to}`) ? [to, from] : [from, to]);
  const succ: number[][] = Array.from({ length: count }, () => []);
  const pred: number[][] = Array.from({ length: count }, () => []);
  for (const edge of edges) {
    if (edge.from === edge.to) continue;
    const [a, b] = forward(edge.from, edge.to) as [number, number];
    succ[a]!.push(b);
    pred[b]!.push(a);
  }

  progress('assigning layers', 0.15);
  const layer = longestPathLayers(count, succ, pred);

  progress('routing long edges', 0.25);
  // Points of the layout: real nodes first, then dummies; `level` is each point's layer.
  const level = [...layer];
  const width = [...widths];
  /** For a source node, its chain of dummies: chain[k] is the dummy on layer layer[source] + 1 + k. */
  const chains = new Map<number, number[]>();
  /** Each point's real node: itself, or for a dummy the source of its chain. */
  const owner = Array.from({ length: count }, (_, v) => v);
  const farthest = new Map<number, number>();
  for (let v = 0; v < count; v++) for (const w of succ[v]!) farthest.set(v, Math.max(farthest.get(v) ?? 0, layer[w]!));
  const spans = [...farthest].map(([v, far]) => ({ v, span: far - layer[v]! - 1 })).filter((s) => s.span > 0);
  spans.sort((a, b) => a.span - b.span);
  let budget = Math.max(64, count * dummyBudgetPerNode);
  for (const { v, span } of spans) {
    if (span > budget) break;
    budget -= span;
    const chain: number[] = [];
    for (let k = 0; k < span; k++) {
      chain.push(level.length);
      owner.push(v);
      level.push(layer[v]! + 1 + k);
      width.push(dummyWidth);
    }
    chains.set(v, chain);
  }
  const total = level.length;
  // Adjacent-layer links: real edges of span 1, chain steps, and chain exits into their targets.
  const down: number[][] = Array.from({ length: total }, () => []);
  const up: number[][] = Array.from({ length: total }, () => []);
  const link = (a: number, b: number) => {
    down[a]!.push(b);
    up[b]!.push(a);
  };
  for (const [v, chain] of chains) {
    link(v, chain[0]!);
    for (let k = 1; k < chain.length; k++) link(chain[k - 1]!, chain[k]!);
  }
  for (let v = 0; v < count; v++)
    for (const w of succ[v]!) {
      const span = layer[w]! - layer[v]!;
      const chain = chains.get(v);
      if (span === 1) link(v, w);
      else if (chain) link(chain[span - 2]!, w);
    }

  progress('ordering layers', 0.35);
  let layerCount = 1;
  for (const l of level) layerCount = Math.max(layerCount, l + 1);
  const layers: number[][] = Array.from({ length: layerCount }, () => []);
  // Start from the input order (a model's nodes come in topological order), dummies after their source.
  for (let p = 0; p < total; p++) layers[level[p]!]!.push(p);
  const position = new Float64Array(total);
  const renumber = (list: number[]) => list.forEach((p, i) => (position[p] = i));
  layers.forEach(renumber);
  for (let sweep = 0; sweep < orderSweeps; sweep++) {
    const downward = sweep % 2 === 0;
    for (let step = 1; step < layerCount; step++) {
      const l = downward ? step : layerCount - 1 - step;
      const neighbours = downward ? up : down;
      const keyed = layers[l]!.map((p) => {
        const list = neighbours[p]!;
        if (list.length === 0) return { p, key: position[p]! };
        let sum = 0;
        for (const q of list) sum += position[q]!;
        return { p, key: sum / list.length };
      });
      keyed.sort((a, b) => a.key - b.key || position[a.p]! - position[b.p]!);
      layers[l] = keyed.map((k) => k.p);
      renumber(layers[l]!);
    }
    progress('ordering layers', 0.35 + (0.35 * (sweep + 1)) / orderSweeps);
  }

  progress('placing nodes', 0.75);
  const center = new Float64Array(total);
  for (const list of layers) {
    let x = 0;
    for (const p of list) {
      center[p] = x + width[p]! / 2;
      x += width[p]! + nodeSpacing;
    }
  }
  // One-sided sweeps first (each layer follows the one before), then both sides at once, which takes out
  // the lean that one-sided sweeps leave along a long chain (each step half a box to one side).
  const both = up.map((list, p) => [...list, ...down[p]!]);
  for (let sweep = 0; sweep < placeSweeps; sweep++) {
    const downward = sweep % 2 === 0;
    const neighbours = sweep < placeSweeps / 2 ? (downward ? up : down) : both;
    for (let step = 0; step < layerCount; step++) {
      const l = downward ? step : layerCount - 1 - step;
      placeLayer(layers[l]!, neighbours, center, width, count, owner);
    }
  }

  progress('routing edges', 0.9);
  let minLeft = 0;
  for (let p = 0; p < total; p++) minLeft = Math.min(minLeft, center[p]! - width[p]! / 2);
  const layerTop: number[] = [];
  const layerHeight: number[] = [];
  let y = 0;
  const spacing = input.layerSpacing ?? 28;
  for (let l = 0; l < layerCount; l++) {
    let tallest = 0;
    for (const p of layers[l]!) if (p < count) tallest = Math.max(tallest, heights[p]!);
    layerTop.push(y);
    layerHeight.push(tallest || 10);
    y += (tallest || 10) + spacing;
  }
  const boxes: FastLayoutResult['nodes'] = {};
  let right = 0;
  for (let v = 0; v < count; v++) {
    const x = center[v]! - widths[v]! / 2 - minLeft;
    const box = { x, y: layerTop[layer[v]!]!, width: widths[v]!, height: heights[v]! };
    boxes[input.nodes[v]!.id] = box;
    right = Math.max(right, x + box.width);
  }
  for (let p = count; p < total; p++) right = Math.max(right, center[p]! + width[p]! / 2 - minLeft);
  const bottom = Math.max(0, y - spacing);
  const routes = edges.map((edge) => {
    if (edge.from === edge.to) return { id: edge.id, points: [] };
    const [a, b] = forward(edge.from, edge.to) as [number, number];
    const points = [{ x: center[a]! - minLeft, y: layerTop[layer[a]!]! + heights[a]! }];
    const chain = chains.get(a);
    const span = layer[b]! - layer[a]!;
    if (chain && span > 1)
      for (let k = 0; k < span - 1; k++) {
        const d = chain[k]!;
        const top = layerTop[level[d]!]!;
        points.push({ x: center[d]! - minLeft, y: top }, { x: center[d]! - minLeft, y: top + layerHeight[level[d]!]! });
      }
    points.push({ x: center[b]! - minLeft, y: layerTop[layer[b]!]! });
    if (a !== edge.from) points.reverse();
    return { id: edge.id, points };
  });
  progress('done', 1);
  const result: FastLayoutResult = { width: right, height: bottom, nodes: boxes, edges: routes };
  return across ? transpose(result) : result;
}

/** Edges that close a cycle in a depth-first walk (keys `from>to`), to be laid out reversed. */
function backEdges(count: number, out: number[][]): Set<string> {
  const state = new Uint8Array(count); // 0 unseen, 1 on the walk's stack, 2 done
  const reversed = new Set<string>();
  for (let start = 0; start < count; start++) {
    if (state[start]) continue;
    const stack: { v: number; next: number }[] = [{ v: start, next: 0 }];
    state[start] = 1;
    while (stack.length) {
      const top = stack[stack.length - 1]!;
      const targets = out[top.v]!;
      if (top.next >= targets.length) {
        state[top.v] = 2;
        stack.pop();
        continue;
      }
      const w = targets[top.next++]!;
      if (state[w] === 1) reversed.add(`${top.v}>${w}`);
      else if (state[w] === 0) {
        state[w] = 1;
        stack.push({ v: w, next: 0 });
      }
    }
  }
  return reversed;
}

/** Each node's layer: one more than its deepest predecessor's (sources on layer 0), in Kahn's order. */
function longestPathLayers(count: number, succ: number[][], pred: number[][]): number[] {
  const layer = new Array<number>(count).fill(0);
  const waiting = pred.map((list) => list.length);
  const queue: number[] = [];
  for (let v = 0; v < count; v++) if (waiting[v] === 0) queue.push(v);
  for (let head = 0; head < queue.length; head++) {
    const v = queue[head]!;
    for (const w of succ[v]!) {
      layer[w] = Math.max(layer[w]!, layer[v]! + 1);
      if (--waiting[w]! === 0) queue.push(w);
    }
  }
  return layer;
}

/** How much more a real node's wish counts than a dummy's when two want the same place. */
const realWeight = 1e6;

/**
 * Moves a layer's nodes toward the mean centre of their neighbours, keeping their order and spacing, as
 * close as possible in the least-squares sense: with y = left edge minus the room the nodes before need,
 * order and spacing say y never decreases, so the best placement is a weighted isotonic regression (pool
 * adjacent violators, linear time). Nodes that want one spot spread evenly around it (three branches
 * under one node stay centred), and a real node outweighs dummies, so chains stay straight while long
 * edges step aside.
 */
function placeLayer(
  list: number[],
  neighbours: number[][],
  center: Float64Array,
  width: number[],
  real: number,
  owner: number[],
): void {
  const n = list.length;
  const blocks: { weight: number; sum: number; count: number }[] = [];
  let offset = 0;
  const offsets = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const p = list[i]!;
    offsets[i] = offset;
    // A dummy follows its chain. A real node reached by long edges lines up under (or over) the nodes at
    // their far ends (the dummies' owners), so skip connections run straight and the main stream of a
    // residual network stays one column; otherwise it follows the mean of its neighbours.
    const all = neighbours[p]!;
    const long = p < real ? all.filter((q) => q >= real) : [];
    const near = long.length > 0 ? long.map((q) => owner[q]!) : all;
    let wantedCentre = center[p]!;
    if (near.length > 0) {
      let sum = 0;
      for (const q of near) sum += center[q]!;
      wantedCentre = sum / near.length;
    }
    const target = wantedCentre - width[p]! / 2 - offset;
    const weight = p < real ? realWeight : 1;
    blocks.push({ weight, sum: weight * target, count: 1 });
    // Pool while the last block would sit left of the one before it.
    while (blocks.length > 1) {
      const last = blocks[blocks.length - 1]!;
      const before = blocks[blocks.length - 2]!;
      if (before.sum / before.weight <= last.sum / last.weight) break;
      before.weight += last.weight;
      before.sum += last.sum;
      before.count += last.count;
      blocks.pop();
    }
    offset += width[p]! + nodeSpacing;
  }
  let i = 0;
  for (const block of blocks) {
    const y = block.sum / block.weight;
    for (let k = 0; k < block.count; k++, i++) center[list[i]!] = y + offsets[i]! + width[list[i]!]! / 2;
  }
}

function transpose(result: FastLayoutResult): FastLayoutResult {
  const nodes: FastLayoutResult['nodes'] = {};
  for (const [id, box] of Object.entries(result.nodes))
    nodes[id] = { x: box.y, y: box.x, width: box.height, height: box.width };
  return {
    width: result.height,
    height: result.width,
    nodes,
    edges: result.edges.map((edge) => ({ id: edge.id, points: edge.points.map((p) => ({ x: p.y, y: p.x })) })),
  };
}
