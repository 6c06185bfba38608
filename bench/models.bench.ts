/**
 * `npm run bench -- models [--json]`: how fast two model versions are compared, beside a baseline from the
 * same run.
 *   graph_diff_s     two 2,000-node ONNX graphs (a chain of MatMul/Add/Relu with small weights; B has ~5% of
 *                    nodes changed, some added and removed): read both graphs and diff them (goal ≤ 2);
 *                    baseline graph_decode_s is ONNX's protobuf decode of both files alone
 *   weights_diff_s   two 100 MB models (25 float32 initializers of 1M values; B perturbed): read, align and
 *                    compare every weight (goal ≤ 10); baseline weights_floor_s reads both files and runs the same
 *                    arithmetic over plain arrays; weights_rss_mb is the process's peak RSS
 * Models are generated here, under the OS temp dir, and removed afterwards.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import onnxProto from 'onnx-proto';
import { diffGraphs } from '../electron/core/registry/model-diff.js';
import { readOnnxGraph } from '../electron/core/registry/onnx-graph.js';
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

/** 25 initializers of 1M float32 (100 MB); `perturb` moves every value a little. */
function heavyModel(perturb: boolean): Uint8Array {
  const random = seededRandom(11);
  const initializers: onnxProto.onnx.TensorProto[] = [];
  const nodes: onnxProto.onnx.INodeProto[] = [];
  let previous = 'x';
  for (let i = 0; i < 25; i++) {
    const values = new Float32Array(1_000_000);
    for (let j = 0; j < values.length; j++) values[j] = random() - 0.5 + (perturb ? (random() - 0.5) * 0.01 : 0);
    initializers.push(floatTensor(`w${i}`, [1000, 1000], values));
    nodes.push({ name: `add_${i}`, opType: 'Add', input: [previous, `w${i}`], output: [`t${i}`] });
    previous = `t${i}`;
  }
  return model(nodes, initializers);
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
      const diff = diffGraphs(readOnnxGraph(readFileSync(graphA), 'a'), readOnnxGraph(readFileSync(graphB), 'b'));
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

    say('models bench: generating two 100 MB models …');
    const heavyA = join(dir, 'heavy-a.onnx');
    const heavyB = join(dir, 'heavy-b.onnx');
    writeFileSync(heavyA, heavyModel(false));
    writeFileSync(heavyB, heavyModel(true));
    const rssBefore = process.memoryUsage().rss;
    let start = process.hrtime.bigint();
    const weights = diffGraphs(readOnnxGraph(readFileSync(heavyA), 'a'), readOnnxGraph(readFileSync(heavyB), 'b'));
    const weightsS = seconds(start);
    const peakRss = process.resourceUsage().maxRSS * 1024;
    start = process.hrtime.bigint();
    const ra = readFileSync(heavyA);
    const rb = readFileSync(heavyB);
    const fa = new Float32Array(ra.buffer, ra.byteOffset, Math.floor(ra.byteLength / 4));
    const fb = new Float32Array(rb.buffer, rb.byteOffset, Math.floor(rb.byteLength / 4));
    let squared = 0;
    for (let i = 0; i < Math.min(fa.length, fb.length); i++) {
      const d = fb[i]! - fa[i]!;
      squared += d * d;
    }
    const floorS = seconds(start);
    void squared;
    const moved = weights.initializers.filter((w) => (w.l2 ?? 0) > 0).length;
    say(
      `  weights_diff_s ${weightsS.toFixed(3)} (goal <= 10) for 2 × ${(ra.byteLength / 1e6).toFixed(0)} MB, ${moved}/${weights.initializers.length} initializers moved; baseline read + same arithmetic ${floorS.toFixed(3)} s; peak RSS ${(peakRss / 1e6).toFixed(0)} MB (was ${(rssBefore / 1e6).toFixed(0)} MB before)`,
    );
    return {
      graph_diff_s: Number(graphS.toFixed(3)),
      graph_decode_s: Number(decodeS.toFixed(3)),
      weights_diff_s: Number(weightsS.toFixed(3)),
      weights_floor_s: Number(floorS.toFixed(3)),
      weights_rss_mb: Math.round(peakRss / 1e6),
      weights_model_mb: Math.round(ra.byteLength / 1e6),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
