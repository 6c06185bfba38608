import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import onnxProto from 'onnx-proto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Core } from '../core.js';
import { openTempCore } from '../testing/temp-core.js';
import { diffVersions, metricDirection, weightChange } from './model-diff.js';
import { graphView, readOnnxGraph } from './onnx-graph.js';
import { memoryValues } from './onnx-scan.js';
import { diffPredictions } from './prediction-diff.js';
import { createDataResolver } from '../models/data-source.js';

const fixtures = new URL('../../../resources/fixtures/', import.meta.url).pathname;
const torch = join(fixtures, 'pytorch-mlp/model.onnx');
const regressor = join(fixtures, 'lathe-export/regressor.onnx');

let core: Core;
let cleanup: () => void;
let scratch: string;
beforeEach(() => {
  ({ core, cleanup } = openTempCore());
  scratch = mkdtempSync(join(tmpdir(), 'lathe-diff-'));
});
afterEach(async () => {
  await core.models.dispose();
  cleanup();
  rmSync(scratch, { recursive: true, force: true });
});

/** The PyTorch fixture with its first initializer scaled by `factor` (a retrained-looking copy). */
function scaledCopy(factor: number): string {
  const model = onnxProto.onnx.ModelProto.decode(readFileSync(torch));
  const tensor = model.graph!.initializer![0]!;
  const values = new Float32Array(Uint8Array.from(tensor.rawData!).buffer);
  for (let i = 0; i < values.length; i++) values[i]! *= factor;
  tensor.rawData = new Uint8Array(values.buffer);
  const out = join(scratch, `scaled-${factor}.onnx`);
  writeFileSync(out, onnxProto.onnx.ModelProto.encode(model).finish());
  return out;
}

const deps = () => ({ models: core.models, objects: core.objects, tracking: core.tracking });

describe('model diff', () => {
  it('measures how far aligned weights moved and finds no graph change between two trainings of one architecture', async () => {
    await core.models.importFile(torch, 'iris');
    await core.models.importFile(scaledCopy(1.1), 'iris');
    core.registry.setAlias('iris@2', 'challenger');
    const diff = await diffVersions('iris@1', 'iris@challenger', deps());
    expect(diff.b.ref).toBe('iris@2');
    expect(diff.graph!.nodes).toEqual({ added: [], removed: [], changed: [], unchanged: 4 });
    const moved = diff.graph!.initializers.filter((i) => i.l2 !== null && i.l2 > 0);
    expect(moved).toHaveLength(1);
    expect(moved[0]!.relative).toBeCloseTo(0.1, 5);
    expect(diff.graph!.initializers.filter((i) => i.l2 === 0)).toHaveLength(3);
    expect(diff.settings).toEqual([]);
    expect(diff.schema).toEqual([]);
  });

  it('lists operators, nodes, parameters and schema changes between two different graphs', async () => {
    await core.models.importFile(torch, 'iris');
    await core.models.importFile(regressor, 'houses');
    const diff = await diffVersions('iris@1', 'houses@1', deps());
    const graph = diff.graph!;
    expect(graph.nodeCount[0]).toBe(4);
    expect(graph.nodeCount[1]).toBe(readOnnxGraph(readFileSync(regressor), 'r').nodes.length);
    expect(graph.parameterCount[0]).toBe(67);
    expect(graph.operators.find((o) => o.op === 'Gemm')!.a).toBe(2);
    expect(graph.nodes.added.length + graph.nodes.changed.length).toBeGreaterThan(0);
    expect(diff.schema.find((s) => s.side === 'input' && s.name === 'input')).toMatchObject({ change: 'removed' });
    expect(graph.producer[0]).toMatch(/^pytorch/);
    expect(graph.opsets[1]['ai.onnx']).toBe(17);
  });

  it('judges metrics by their direction and names an unknown version', async () => {
    expect(metricDirection('accuracy')).toBe('higher');
    expect(metricDirection('val_loss')).toBe('lower');
    expect(metricDirection('rmse')).toBe('lower');
    expect(metricDirection('epochs_run')).toBeNull();
    await core.models.importFile(torch, 'iris');
    await expect(diffVersions('iris@1', 'iris@9', deps())).rejects.toThrow('Model "iris" has no version 9');
    await expect(diffVersions('iris@1', 'iris@prod', deps())).rejects.toThrow(/no alias "prod"/);
  });

  it('refuses a corrupt graph with the file named, and compares weights of unequal shapes as not comparable', () => {
    expect(() => readOnnxGraph(Buffer.from('not a model at all'), 'broken.onnx')).toThrow(/broken\.onnx is not/);
    const a = { name: 'w', dataType: 1, dims: [2], size: 2, values: memoryValues(Float32Array.of(3, 4)) };
    expect(weightChange(a, { ...a, values: memoryValues(Float32Array.of(3, 4)) })).toEqual({
      l2: 0,
      maxAbs: 0,
      relative: 0,
    });
    expect(weightChange(a, { ...a, values: memoryValues(Float32Array.of(0, 0)) })).toEqual({
      l2: 5,
      maxAbs: 4,
      relative: 1,
    });
    expect(weightChange(a, { ...a, dims: [1, 2] })).toEqual({ l2: null, maxAbs: null, relative: null });
  });
});

/** A copy of `file` with initializer `name` multiplied by `factor`. */
function scaled(file: string, name: string, factor: number): string {
  const model = onnxProto.onnx.ModelProto.decode(readFileSync(file));
  const tensor = model.graph!.initializer!.find((t) => t.name === name)!;
  const values = tensor.rawData?.length
    ? new Float32Array(Uint8Array.from(tensor.rawData).buffer)
    : Float32Array.from(tensor.floatData!);
  for (let i = 0; i < values.length; i++) values[i]! *= factor;
  tensor.rawData = new Uint8Array(values.buffer);
  tensor.floatData = [];
  const out = join(scratch, `${name}-${factor}.onnx`);
  writeFileSync(out, onnxProto.onnx.ModelProto.encode(model).finish());
  return out;
}

describe('prediction diff', () => {
  it('scores a table with two classifiers: agreement, cross-confusion and the rows that differ most, with inputs', async () => {
    const classifier = join(fixtures, 'lathe-export/classifier.onnx');
    await core.models.importFile(classifier, 'churn');
    await core.models.importFile(scaled(classifier, 'lathe.dense_1_weights', -1), 'churn');
    const csv = join(scratch, 'customers.csv');
    const lines = ['age,plan,spend'];
    for (let i = 0; i < 60; i++) lines.push(`${20 + (i % 40)},${['basic', 'pro', 'team'][i % 3]},${(i * 7) % 100}`);
    writeFileSync(csv, lines.join('\n') + '\n');
    const resolveData = createDataResolver(core.datasets);
    const same = await diffPredictions('churn@1', 'churn@1', csv, { models: core.models, resolveData });
    expect(same).toMatchObject({ kind: 'classification', rows: 60, agreement: 1, topRows: [] });
    const diff = await diffPredictions('churn@1', 'churn@2', csv, { models: core.models, resolveData }, { top: 5 });
    expect(diff.kind).toBe('classification');
    const total = diff.confusion!.counts.flat().reduce((x, y) => x + y, 0);
    expect(total).toBe(60);
    const diagonal = diff.confusion!.labelsA.reduce(
      (sum, label, i) => sum + (diff.confusion!.counts[i]![diff.confusion!.labelsB.indexOf(label)] ?? 0),
      0,
    );
    expect(diff.agreement).toBeCloseTo(diagonal / 60, 10);
    expect(diff.agreement!).toBeLessThan(1);
    expect(diff.topRows.length).toBeGreaterThan(0);
    expect(diff.topRows[0]!.inputs).toHaveProperty('plan');
    expect(diff.topRows[0]!.score).toBeGreaterThanOrEqual(diff.topRows.at(-1)!.score);
  }, 60_000);

  it('names the missing columns when a version cannot read the data', async () => {
    await core.models.importFile(join(fixtures, 'lathe-export/classifier.onnx'), 'churn');
    const csv = join(scratch, 'other.csv');
    writeFileSync(csv, 'x,y\n1,2\n');
    await expect(
      diffPredictions('churn@1', 'churn@1', csv, {
        models: core.models,
        resolveData: createDataResolver(core.datasets),
      }),
    ).rejects.toThrow(/age|plan|spend/);
  }, 60_000);
});

describe('graph view', () => {
  it('links each node to the nodes that consume its outputs', () => {
    const view = graphView(readOnnxGraph(readFileSync(torch), 'iris'), 'iris@1');
    expect(view.nodes.map((n) => n.opType)).toEqual(['Gemm', 'Relu', 'Gemm', 'Softmax']);
    expect(view.edges.map((e) => `${e.from}>${e.to}`)).toEqual([
      '/0/Gemm>/1/Relu',
      '/1/Relu>/2/Gemm',
      '/2/Gemm>/3/Softmax',
    ]);
    expect(view.initializers.find((i) => i.name === '0.weight')!.dims).toEqual([8, 4]);
    expect(view.inputs).toEqual(['input']);
  });
});
