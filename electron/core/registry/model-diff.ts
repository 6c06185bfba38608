/**
 * Two model versions side by side (of one model or two): settings and run params, metrics with deltas
 * judged by each metric's direction, training data, input/output schema, and for ONNX graphs the
 * operator histogram, nodes lined up by name (else by op and rank in topological order), initializer
 * shapes and, for aligned weights, how far they moved. Graph reading is one pass over each file's
 * structure; weights are then compared chunk by chunk straight from the two files, so memory stays
 * bounded by the chunk size however large the models are.
 */
import type { LineageLink, ModelDiff, ModelVersion, TensorSpec } from '../../../shared/contract/index.js';
import type { ModelService } from '../models/model-service.js';
import type { ObjectStore } from '../objects/object-store.js';
import type { TrackingService } from '../tracking/tracking-service.js';
import { openOnnxGraph, type GraphInitializer, type OnnxGraph, type OpenOnnxGraph } from './onnx-graph.js';

const higherIsBetter = /^(acc|accuracy|f1|auc|roc_auc|pr_auc|precision|recall|r2|balanced_accuracy)(_|$)/i;
const lowerIsBetter = /(loss|rmse|mse|mae|mape|error|log_loss)$/i;

/** Whether a larger value of a metric is better, when its name says so. */
export function metricDirection(key: string): 'higher' | 'lower' | null {
  if (higherIsBetter.test(key)) return 'higher';
  if (lowerIsBetter.test(key)) return 'lower';
  return null;
}

const spec = (t: TensorSpec) => `${t.type}[${t.shape.map((d) => d ?? '?').join(', ')}]`;

/** Compares two versions; `all` keeps settings that are equal (by default only differences). */
export async function diffVersions(
  refA: string,
  refB: string,
  deps: { models: ModelService; objects: ObjectStore; tracking: TrackingService },
  options: { all?: boolean } = {},
): Promise<ModelDiff> {
  const a = deps.models.resolve(refA);
  const b = deps.models.resolve(refB);
  const settings = settingRows(a, b, deps.tracking).filter((row) => options.all || !row.same);
  const metricKeys = [...new Set([...Object.keys(a.metrics), ...Object.keys(b.metrics)])].sort();
  const metrics = metricKeys.map((key) => {
    const va = a.metrics[key] ?? null;
    const vb = b.metrics[key] ?? null;
    const direction = metricDirection(key);
    const delta = va !== null && vb !== null ? vb - va : null;
    const verdict =
      delta === null || direction === null
        ? ('unknown' as const)
        : delta === 0
          ? ('same' as const)
          : delta > 0 === (direction === 'higher')
            ? ('better' as const)
            : ('worse' as const);
    return { key, a: va, b: vb, delta, direction, verdict };
  });
  const dataOf = (v: ModelVersion) => {
    if (!v.datasetVersionId) return null;
    const link = deps.models
      .versionWithLineage(`${v.model}@${v.version}`)
      .lineage.find((l: LineageLink) => l.kind === 'dataset_version' && l.id === v.datasetVersionId);
    return { id: v.datasetVersionId, label: link?.label ?? v.datasetVersionId, name: link?.name ?? null };
  };
  const data = { a: dataOf(a), b: dataOf(b), same: a.datasetVersionId === b.datasetVersionId };
  const schema = [...schemaRows('input', a.inputs, b.inputs), ...schemaRows('output', a.outputs, b.outputs)].filter(
    (row) => options.all || row.change !== 'same',
  );
  let graph: ModelDiff['graph'] = null;
  let graphNote: string | null = null;
  if (a.scorable && b.scorable) {
    // Hash-checked by streaming (as objects.read did in memory), then read by position.
    await Promise.all([deps.objects.assertIntact(a.hash), deps.objects.assertIntact(b.hash)]);
    const opened: OpenOnnxGraph[] = [];
    try {
      opened.push(openOnnxGraph(deps.objects.checkedPath(a.hash), `${a.model}@${a.version}`));
      opened.push(openOnnxGraph(deps.objects.checkedPath(b.hash), `${b.model}@${b.version}`));
      graph = diffGraphs(opened[0]!, opened[1]!);
    } finally {
      for (const g of opened) g.close();
    }
  } else {
    graphNote = `${[a, b]
      .filter((v) => !v.scorable)
      .map((v) => `${v.model}@${v.version}`)
      .join(' and ')} is not an ONNX model, so there is no graph to compare`;
  }
  return {
    a: { ref: `${a.model}@${a.version}`, id: a.id, source: a.source },
    b: { ref: `${b.model}@${b.version}`, id: b.id, source: b.source },
    settings,
    metrics,
    data,
    schema,
    graph,
    graphNote,
  };
}

function settingRows(a: ModelVersion, b: ModelVersion, tracking: TrackingService) {
  const paramsOf = (v: ModelVersion): Record<string, string> => {
    if (!v.runId) return {};
    try {
      return tracking.getRunDetail(v.runId).params;
    } catch {
      return {};
    }
  };
  const text = (value: unknown) =>
    value === null || value === undefined ? null : typeof value === 'string' ? value : JSON.stringify(value);
  const fixed: [string, unknown, unknown][] = [
    ['task', a.task, b.task],
    ['target', a.target, b.target],
    ['features', a.features.length ? a.features : null, b.features.length ? b.features : null],
    ['classes', a.classes, b.classes],
    ['backend', a.backend, b.backend],
    ['producer', a.producer, b.producer],
  ];
  const pa = paramsOf(a);
  const pb = paramsOf(b);
  const params = [...new Set([...Object.keys(pa), ...Object.keys(pb)])]
    .sort()
    .map((key): [string, unknown, unknown] => [`params.${key}`, pa[key] ?? null, pb[key] ?? null]);
  return [...fixed, ...params].map(([key, va, vb]) => {
    const ta = text(va);
    const tb = text(vb);
    return { key, a: ta, b: tb, same: ta === tb };
  });
}

function schemaRows(side: 'input' | 'output', a: TensorSpec[], b: TensorSpec[]) {
  const byName = (list: TensorSpec[]) => new Map(list.map((t) => [t.name, t]));
  const ma = byName(a);
  const mb = byName(b);
  const names = [...new Set([...ma.keys(), ...mb.keys()])];
  return names.map((name) => {
    const ta = ma.get(name);
    const tb = mb.get(name);
    const sa = ta ? spec(ta) : null;
    const sb = tb ? spec(tb) : null;
    const change = !ta ? 'added' : !tb ? 'removed' : sa === sb ? 'same' : 'changed';
    return { side, name, change: change as 'added' | 'removed' | 'changed' | 'same', a: sa, b: sb };
  });
}

/** The graph part of a diff: operators, aligned nodes, initializer shapes and weight movement. */
export function diffGraphs(a: OnnxGraph, b: OnnxGraph): NonNullable<ModelDiff['graph']> {
  const histogram = (g: OnnxGraph) => {
    const counts = new Map<string, number>();
    for (const node of g.nodes) counts.set(node.opType, (counts.get(node.opType) ?? 0) + 1);
    return counts;
  };
  const ha = histogram(a);
  const hb = histogram(b);
  const operators = [...new Set([...ha.keys(), ...hb.keys()])]
    .sort()
    .map((op) => ({ op, a: ha.get(op) ?? 0, b: hb.get(op) ?? 0 }));
  const nodesA = new Map(a.nodes.map((n) => [n.key, n]));
  const nodesB = new Map(b.nodes.map((n) => [n.key, n]));
  const added = b.nodes.filter((n) => !nodesA.has(n.key)).map((n) => ({ key: n.key, op: n.opType }));
  const removed = a.nodes.filter((n) => !nodesB.has(n.key)).map((n) => ({ key: n.key, op: n.opType }));
  const changed: { key: string; op: string; changes: string[] }[] = [];
  let unchanged = 0;
  for (const na of a.nodes) {
    const nb = nodesB.get(na.key);
    if (!nb) continue;
    const changes: string[] = [];
    if (na.opType !== nb.opType) changes.push(`op ${na.opType} → ${nb.opType}`);
    for (const name of new Set([...Object.keys(na.attributes), ...Object.keys(nb.attributes)])) {
      const va = na.attributes[name];
      const vb = nb.attributes[name];
      if (va !== vb) changes.push(`${name}: ${va ?? '(none)'} → ${vb ?? '(none)'}`);
    }
    if (na.inputs.length !== nb.inputs.length) changes.push(`inputs ${na.inputs.length} → ${nb.inputs.length}`);
    if (na.outputs.length !== nb.outputs.length) changes.push(`outputs ${na.outputs.length} → ${nb.outputs.length}`);
    if (changes.length) changed.push({ key: na.key, op: nb.opType, changes });
    else unchanged += 1;
  }
  const initA = new Map(a.initializers.map((i) => [i.name, i]));
  const initB = new Map(b.initializers.map((i) => [i.name, i]));
  const initializers = [...new Set([...initA.keys(), ...initB.keys()])].map((name) => {
    const ia = initA.get(name);
    const ib = initB.get(name);
    return { name, shapeA: ia?.dims ?? null, shapeB: ib?.dims ?? null, ...weightChange(ia, ib) };
  });
  const parameters = (g: OnnxGraph) => g.initializers.reduce((sum, i) => sum + i.size, 0);
  return {
    producer: [a.producer, b.producer],
    opsets: [a.opsets, b.opsets],
    nodeCount: [a.nodes.length, b.nodes.length],
    parameterCount: [parameters(a), parameters(b)],
    operators,
    nodes: { added, removed, changed, unchanged },
    initializers,
  };
}

/** How many numbers of each tensor are read at a time (1 MB of float32): the bound on a weights diff's memory. */
export const weightChunkElements = 1 << 18;

/**
 * L2 of the difference, largest absolute difference and relative change of two same-shaped float tensors,
 * read `chunkElements` numbers at a time from each.
 */
export function weightChange(
  a: GraphInitializer | undefined,
  b: GraphInitializer | undefined,
  chunkElements = weightChunkElements,
): { l2: number | null; maxAbs: number | null; relative: number | null } {
  const none = { l2: null, maxAbs: null, relative: null };
  if (!a?.values || !b?.values || a.values.length !== b.values.length || a.dims.join() !== b.dims.join()) return none;
  let squared = 0;
  let base = 0;
  let maxAbs = 0;
  for (let start = 0; start < a.values.length; start += chunkElements) {
    const count = Math.min(chunkElements, a.values.length - start);
    const va = a.values.slice(start, count);
    const vb = b.values.slice(start, count);
    for (let i = 0; i < count; i++) {
      const d = vb[i]! - va[i]!;
      squared += d * d;
      base += va[i]! * va[i]!;
      const abs = Math.abs(d);
      if (abs > maxAbs) maxAbs = abs;
    }
  }
  const l2 = Math.sqrt(squared);
  return { l2, maxAbs, relative: base > 0 ? l2 / Math.sqrt(base) : l2 === 0 ? 0 : null };
}
