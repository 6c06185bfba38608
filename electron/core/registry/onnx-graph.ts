/**
 * Reads an ONNX graph's structure for diffs and the graph page: nodes (op, inputs, outputs, attributes),
 * initializers (shape, type, where their numbers are) and header facts, with onnx-proto (ONNX's own
 * protobuf schema). Initializer numbers are not loaded: they stay in the file (see onnx-scan.ts) and are
 * read in chunks by whoever compares them, so a graph of a multi-GB model costs only its structure.
 */
import type onnxProto from 'onnx-proto';
import { LatheError } from '../../../shared/errors.js';
import type { ModelGraph } from '../../../shared/contract/index.js';
import { fileSource, memorySource, scanOnnx, type ByteSource, type WeightValues } from './onnx-scan.js';

/** One node of the graph, with a key that lines it up with the same node in another version. */
export interface GraphNode {
  key: string;
  name: string;
  opType: string;
  domain: string;
  inputs: string[];
  outputs: string[];
  /** Attribute name → a short text of its value (tensors summarised by type and shape). */
  attributes: Record<string, string>;
}

/** An initializer (a weight tensor). */
export interface GraphInitializer {
  name: string;
  dataType: number;
  dims: number[];
  size: number;
  /** Its numbers, read on demand, or null for types other than float32/float64 (or numbers stored elsewhere). */
  values: WeightValues | null;
}

/** A whole graph. */
export interface OnnxGraph {
  producer: string;
  opsets: Record<string, number>;
  irVersion: number;
  nodes: GraphNode[];
  initializers: GraphInitializer[];
  inputs: string[];
  outputs: string[];
}

/** A graph read from a file, holding the file open for its initializers' numbers until `close`. */
export interface OpenOnnxGraph extends OnnxGraph {
  close(): void;
}

function attributeText(attribute: onnxProto.onnx.IAttributeProto): string {
  const type = attribute.type ?? 0;
  switch (type) {
    case 1:
      return String(attribute.f ?? 0);
    case 2:
      return String(attribute.i ?? 0);
    case 3:
      return Buffer.from(attribute.s ?? new Uint8Array()).toString('utf8');
    case 4:
      return `tensor ${attribute.t?.dataType ?? 0}[${(attribute.t?.dims ?? []).join(',')}]`;
    case 6:
      return `[${(attribute.floats ?? []).join(', ')}]`;
    case 7:
      return `[${(attribute.ints ?? []).map(String).join(', ')}]`;
    case 8:
      return `[${(attribute.strings ?? []).map((s) => Buffer.from(s).toString('utf8')).join(', ')}]`;
    case 5:
      return `graph ${attribute.g?.name ?? ''} (${attribute.g?.node?.length ?? 0} nodes)`;
    default:
      return `type ${type}`;
  }
}

/** Decodes an ONNX model's graph from bytes in memory; a corrupt file is a BAD_INPUT naming `label`. */
export function readOnnxGraph(bytes: Uint8Array, label: string): OnnxGraph {
  return readOnnxGraphFrom(memorySource(bytes), label);
}

/** Reads a model file's graph without loading its weights; `close` the result when done with its numbers. */
export function openOnnxGraph(path: string, label: string): OpenOnnxGraph {
  const source = fileSource(path);
  try {
    return { ...readOnnxGraphFrom(source, label), close: () => source.close() };
  } catch (error) {
    source.close();
    throw error;
  }
}

/** Decodes a model's graph from any byte source; initializer numbers are read from `source` later, on demand. */
export function readOnnxGraphFrom(source: ByteSource, label: string): OnnxGraph {
  const { model, graph, initializers: scanned } = scanOnnx(source, label);
  if (!graph) throw new LatheError('BAD_INPUT', `${label} is not an ONNX model: it has no graph`, { file: label });
  const nodes = graph.node ?? [];
  // A node's key is its name when unique, else its op and its rank among nodes of that op (topological order).
  const nameCounts = new Map<string, number>();
  for (const node of nodes) if (node.name) nameCounts.set(node.name, (nameCounts.get(node.name) ?? 0) + 1);
  const opRanks = new Map<string, number>();
  const graphNodes = nodes.map((node): GraphNode => {
    const opType = node.opType ?? '';
    const rank = opRanks.get(opType) ?? 0;
    opRanks.set(opType, rank + 1);
    const name = node.name ?? '';
    return {
      key: name && nameCounts.get(name) === 1 ? name : `${opType}#${rank}`,
      name,
      opType,
      domain: node.domain ?? '',
      inputs: node.input ?? [],
      outputs: node.output ?? [],
      attributes: Object.fromEntries((node.attribute ?? []).map((a) => [a.name ?? '', attributeText(a)])),
    };
  });
  const initializers = scanned.map(({ tensor, values }): GraphInitializer => {
    const dims = (tensor.dims ?? []).map(Number);
    const size = dims.reduce((p, d) => p * d, 1);
    return { name: tensor.name ?? '', dataType: tensor.dataType ?? 0, dims, size, values };
  });
  const initializerNames = new Set(initializers.map((i) => i.name));
  return {
    producer: [model.producerName, model.producerVersion].filter(Boolean).join(' ') || 'unknown',
    opsets: Object.fromEntries((model.opsetImport ?? []).map((o) => [o.domain || 'ai.onnx', Number(o.version ?? 0)])),
    irVersion: Number(model.irVersion ?? 0),
    nodes: graphNodes,
    initializers,
    inputs: (graph.input ?? []).map((v) => v.name ?? '').filter((n) => !initializerNames.has(n)),
    outputs: (graph.output ?? []).map((v) => v.name ?? ''),
  };
}

/** The graph page's view of a version: nodes, producer→consumer edges and initializer shapes. */
export function graphView(graph: OnnxGraph, ref: string): ModelGraph {
  const producers = new Map<string, string>();
  for (const node of graph.nodes) for (const output of node.outputs) if (output) producers.set(output, node.key);
  const edges: ModelGraph['edges'] = [];
  for (const node of graph.nodes)
    for (const input of node.inputs) {
      const from = producers.get(input);
      if (from && from !== node.key) edges.push({ from, to: node.key, tensor: input });
    }
  return {
    ref,
    nodes: graph.nodes.map(({ key, name, opType, inputs, outputs, attributes }) => ({
      key,
      name,
      opType,
      inputs,
      outputs,
      attributes,
    })),
    edges,
    initializers: graph.initializers.map(({ name, dims, dataType }) => ({ name, dims, dataType })),
    inputs: graph.inputs,
    outputs: graph.outputs,
  };
}
