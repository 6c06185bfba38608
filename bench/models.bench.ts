/**
 * `npm run bench -- models [--json]`: how fast two model versions are compared, beside a baseline from the
 * same run.
 *   graph_diff_s     two 2,000-node ONNX graphs (a chain of MatMul/Add/Relu with small weights; B has ~5% of
 *                    nodes changed, some added and removed): read both graphs and diff them (goal ≤ 2);
 *                    baseline graph_decode_s is ONNX's protobuf decode of both files alone
 *   weights_diff_s   two 100 MB models (25 float32 initializers of 1M values; B perturbed): read, align and
 *                    compare every weight, streamed chunk by chunk from the files (goal ≤ 10); baseline
 *                    weights_floor_s reads both files in the same chunks and runs the same arithmetic over plain
 *                    arrays; weights_rss_mb is the peak RSS during the diff and weights_rss_base_mb the RSS just
 *                    before it (Linux: the peak is reset through /proc/self/clear_refs first), so their gap is
 *                    what the diff itself costs, whatever the models' size
 *   graph_layout_s   the model graph page's layout of graph A (2,000 nodes): fast-layout.ts, which the page's
 *                    worker uses above elkNodeLimit nodes (goal: usable, ≤ 2); baseline graph_layout_elk_s is
 *                    elkjs's layered algorithm with the worker's options on the same boxes and edges (what the
 *                    page used for every graph before)
 * Models are generated here, under the OS temp dir, written tensor by tensor (never whole in memory), and
 * removed afterwards.
 */
import { closeSync, openSync, readFileSync, readSync, mkdtempSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import onnxProto from 'onnx-proto';
import ELK from 'elkjs/lib/elk.bundled.js';
import { diffGraphs, weightChunkElements } from '../electron/core/registry/model-diff.js';
import { graphView, openOnnxGraph, type OpenOnnxGraph } from '../electron/core/registry/onnx-graph.js';
import { layeredLayout } from '../renderer/src/features/registry/fast-layout.js';
import { elkOptions, modelNodeBox } from '../renderer/src/features/registry/layout-settings.js';
import { seededRandom } from '../electron/core/train/random.js';

const { onnx } = onnxProto;
const say = (line: string) => process.stderr.write(line + '\n');

function floatTensor(name: string, dims: number[], values: Float32Array): onnxProto.onnx.TensorProto {
  return onnx.TensorProto.create({
    name,
    dims,
    dataType: 1,
    rawData: new Uint8Array(values.buffer, values.byteOffset, values.byteLength),
  });
}

function model(nodes: onnxProto.onnx.INodeProto[], initializers: onnxProto.onnx.TensorProto[]): Uint8Array {
  const value = (name: string) =>
    onnx.ValueInfoProto.create({
      name,
      type: { tensorType: { elemType: 1, shape: { dim: [{ dimParam: 'N' }, { dimValue: 16 }] } } },
    });
  return onnx.ModelProto.encode(
    onnx.ModelProto.create({
      irVersion: 8,
      producerName: 'lathe-bench',
      opsetImport: [{ domain: '', version: 17 }],
      graph: {
        name: 'bench',
        node: nodes,
        initializer: initializers,
        input: [value('x')],
        output: [value(nodes[nodes.length - 1]!.output![0]!)],
      },
    }),
  ).finish();
}

/** A chain of `count` nodes (MatMul, Add, Relu repeating); `variant` changes, adds and removes a few. */
function chainGraph(count: number, variant: boolean): Uint8Array {
  const random = seededRandom(7);
  const nodes: onnxProto.onnx.INodeProto[] = [];
  const initializers: onnxProto.onnx.TensorProto[] = [];
  let previous = 'x';
  for (let i = 0; i < count; i++) {
    if (variant && i % 97 === 13) continue; // removed in B
    const kind = i % 3;
    const output = `t${i}`;
    if (kind === 0) {
      const weights = new Float32Array(16 * 16).map(() => random() - 0.5);
      initializers.push(floatTensor(`w${i}`, [16, 16], weights));
      nodes.push({ name: `matmul_${i}`, opType: 'MatMul', input: [previous, `w${i}`], output: [output] });
    } else if (kind === 1) {
      initializers.push(
        floatTensor(
          `b${i}`,
          [16],
          new Float32Array(16).map(() => random()),
        ),
      );
      nodes.push({ name: `add_${i}`, opType: 'Add', input: [previous, `b${i}`], output: [output] });
    } else {
      const changed = variant && i % 20 === 2;
      nodes.push(
        changed
          ? {
              name: `relu_${i}`,
              opType: 'LeakyRelu',
              input: [previous],
              output: [output],
              attribute: [{ name: 'alpha', f: 0.1, type: 1 }],
            }
          : { name: `relu_${i}`, opType: 'Relu', input: [previous], output: [output] },
      );
    }
    previous = output;
    if (variant && i % 101 === 50) {
      nodes.push({ name: `extra_${i}`, opType: 'Identity', input: [previous], output: [`${output}_extra`] });
      previous = `${output}_extra`;
    }
  }
  return model(nodes, initializers);
}

const varint = (value: number): number[] => {
  const out: number[] = [];
  while (value >= 0x80) {
    out.push((value % 0x80) | 0x80);
    value = Math.floor(value / 0x80);
  }
  out.push(value);
  return out;
};

/**
 * 25 initializers of 1M float32 (100 MB); `perturb` moves every value a little. Written straight to `path`
 * as protobuf (the graph's small fields through onnx-proto, then each initializer's header and its raw_data
 * in 4 MB pieces), so making the file does not inflate this process's peak memory.
 */
function writeHeavyModel(path: string, perturb: boolean): number {
  const random = seededRandom(11);
  const count = 1_000_000;
  const nodes: onnxProto.onnx.INodeProto[] = [];
  let previous = 'x';
  for (let i = 0; i < 25; i++) {
    nodes.push({ name: `add_${i}`, opType: 'Add', input: [previous, `w${i}`], output: [`t${i}`] });
    previous = `t${i}`;
  }
  const full = onnx.ModelProto.decode(model(nodes, []));
  const graphBody = onnx.GraphProto.encode(full.graph!).finish();
  full.graph = null;
  const header = onnx.ModelProto.encode(full).finish();
  // Each initializer: its name, dims and type through onnx-proto, then field 9 (raw_data) framed by hand.
  const tensorHeads = Array.from({ length: 25 }, (_, i) =>
    onnx.TensorProto.encode({ name: `w${i}`, dims: [1000, 1000], dataType: 1 }).finish(),
  );
  const rawField = [0x4a, ...varint(count * 4)];
  const tensorLength = (head: Uint8Array) => head.length + rawField.length + count * 4;
  const graphLength = tensorHeads.reduce(
    (sum, head) => sum + 1 + varint(tensorLength(head)).length + tensorLength(head),
    graphBody.length,
  );
  const fd = openSync(path, 'w');
  try {
    writeSync(fd, header);
    writeSync(fd, Uint8Array.from([0x3a, ...varint(graphLength)]));
    writeSync(fd, graphBody);
    const values = new Float32Array(count);
    for (const head of tensorHeads) {
      writeSync(fd, Uint8Array.from([0x2a, ...varint(tensorLength(head))]));
      writeSync(fd, head);
      writeSync(fd, Uint8Array.from(rawField));
      for (let j = 0; j < count; j++) values[j] = random() - 0.5 + (perturb ? (random() - 0.5) * 0.01 : 0);
      writeSync(fd, new Uint8Array(values.buffer));
    }
  } finally {
    closeSync(fd);
  }
  return header.length + 1 + varint(graphLength).length + graphLength;
}

/** Resets the kernel's peak-RSS mark (Linux), so the next peak read belongs to what runs after. */
function resetPeakRss(): boolean {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
    return true;
  } catch {
    return false;
  }
}

/** The peak RSS in bytes: VmHWM on Linux, else the process's lifetime maximum. */
function peakRss(): number {
  try {
    const line = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    if (line) return Number(line[1]) * 1024;
  } catch {
    // not Linux: fall through
  }
  return process.resourceUsage().maxRSS * 1024;
}

/** Reads a file in weight-diff-sized chunks (the floor: same I/O, no protobuf). */
function* chunks(path: string): Generator<Float32Array> {
  const fd = openSync(path, 'r');
  try {
    const buffer = new Uint8Array(weightChunkElements * 4);
    for (;;) {
      const got = readSync(fd, buffer, 0, buffer.length, null);
      if (got < 4) return;
      yield new Float32Array(buffer.buffer, 0, Math.floor(got / 4));
    }
  } finally {
    closeSync(fd);
  }
}

/** Opens both files' graphs, diffs them and closes them. */
function diffFiles(pathA: string, pathB: string) {
  const opened: OpenOnnxGraph[] = [];
  try {
    opened.push(openOnnxGraph(pathA, 'a'));
    opened.push(openOnnxGraph(pathB, 'b'));
    return diffGraphs(opened[0]!, opened[1]!);
  } finally {
    for (const graph of opened) graph.close();
  }
}

const seconds = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e9;

/** Runs the bench. */
export async function run(): Promise<Record<string, unknown>> {
  const dir = mkdtempSync(join(tmpdir(), 'lathe-bench-models-'));
  try {
    say('models bench: generating two 2,000-node graphs …');
    const graphA = join(dir, 'graph-a.onnx');
    const graphB = join(dir, 'graph-b.onnx');
    writeFileSync(graphA, chainGraph(2000, false));
    writeFileSync(graphB, chainGraph(2000, true));
    const timeGraphDiff = () => {
      const start = process.hrtime.bigint();
      const diff = diffFiles(graphA, graphB);
      return { s: seconds(start), diff };
    };
    const timeDecode = () => {
      const start = process.hrtime.bigint();
      onnx.ModelProto.decode(readFileSync(graphA));
      onnx.ModelProto.decode(readFileSync(graphB));
      return seconds(start);
    };
    timeGraphDiff();
    const graphRuns = [0, 1, 2].map(() => timeGraphDiff());
    const graphS = Math.min(...graphRuns.map((r) => r.s));
    const decodeS = Math.min(...[0, 1, 2].map(() => timeDecode()));
    const { diff } = graphRuns[0]!;
    say(
      `  graph_diff_s ${graphS.toFixed(3)} (goal <= 2) for ${diff.nodeCount[0]} vs ${diff.nodeCount[1]} nodes: ${diff.nodes.added.length} added, ${diff.nodes.removed.length} removed, ${diff.nodes.changed.length} changed; baseline protobuf decode of both ${decodeS.toFixed(3)} s`,
    );

    say('models bench: laying out graph A as the graph page does …');
    const pageGraph = (() => {
      const graph = openOnnxGraph(graphA, 'a');
      try {
        return graphView(graph, 'a');
      } finally {
        graph.close();
      }
    })();
    const layoutInput = {
      nodes: pageGraph.nodes.map((n) => ({ id: n.key, ...modelNodeBox(n.opType) })),
      edges: pageGraph.edges.map((e, i) => ({ id: `e${i}`, from: e.from, to: e.to })),
    };
    const timeLayout = () => {
      const start = process.hrtime.bigint();
      const laid = layeredLayout(layoutInput);
      return { s: seconds(start), laid };
    };
    timeLayout();
    const layoutRuns = [0, 1, 2].map(() => timeLayout());
    const layoutS = Math.min(...layoutRuns.map((r) => r.s));
    let start = process.hrtime.bigint();
    await new ELK().layout({
      id: 'root',
      layoutOptions: elkOptions(),
      children: layoutInput.nodes,
      edges: layoutInput.edges.map((e) => ({ id: e.id, sources: [e.from], targets: [e.to] })),
    });
    const elkS = seconds(start);
    say(
      `  graph_layout_s ${layoutS.toFixed(3)} (goal <= 2) for ${layoutInput.nodes.length} nodes and ${layoutInput.edges.length} edges (${Math.round(layoutRuns[0]!.laid.width)} × ${Math.round(layoutRuns[0]!.laid.height)} px); baseline elkjs layered ${elkS.toFixed(3)} s`,
    );

    say('models bench: generating two 100 MB models …');
    const heavyA = join(dir, 'heavy-a.onnx');
    const heavyB = join(dir, 'heavy-b.onnx');
    const modelBytes = writeHeavyModel(heavyA, false);
    writeHeavyModel(heavyB, true);
    const resetWorked = resetPeakRss();
    const rssBefore = process.memoryUsage().rss;
    start = process.hrtime.bigint();
    const weights = diffFiles(heavyA, heavyB);
    const weightsS = seconds(start);
    const peak = peakRss();
    start = process.hrtime.bigint();
    let squared = 0;
    const readerB = chunks(heavyB);
    for (const fa of chunks(heavyA)) {
      const fb = readerB.next().value as Float32Array;
      for (let i = 0; i < Math.min(fa.length, fb.length); i++) {
        const d = fb[i]! - fa[i]!;
        squared += d * d;
      }
    }
    const floorS = seconds(start);
    void squared;
    const moved = weights.initializers.filter((w) => (w.l2 ?? 0) > 0).length;
    say(
      `  weights_diff_s ${weightsS.toFixed(3)} (goal <= 10) for 2 × ${(modelBytes / 1e6).toFixed(0)} MB, ${moved}/${weights.initializers.length} initializers moved; baseline chunked read + same arithmetic ${floorS.toFixed(3)} s; peak RSS during the diff ${(peak / 1e6).toFixed(0)} MB, ${((peak - rssBefore) / 1e6).toFixed(0)} MB over the ${(rssBefore / 1e6).toFixed(0)} MB before it${resetWorked ? '' : ' (peak is the process lifetime: /proc/self/clear_refs unavailable)'}`,
    );
    return {
      graph_diff_s: Number(graphS.toFixed(3)),
      graph_decode_s: Number(decodeS.toFixed(3)),
      graph_layout_s: Number(layoutS.toFixed(3)),
      graph_layout_elk_s: Number(elkS.toFixed(3)),
      weights_diff_s: Number(weightsS.toFixed(3)),
      weights_floor_s: Number(floorS.toFixed(3)),
      weights_rss_mb: Math.round(peak / 1e6),
      weights_rss_base_mb: Math.round(rssBefore / 1e6),
      weights_model_mb: Math.round(modelBytes / 1e6),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
