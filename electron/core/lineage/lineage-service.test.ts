import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import type { Core } from '../core.js';
import { openTempCore, useTempDispatch } from '../testing/temp-core.js';

const onnx = readFileSync(new URL('../../../resources/fixtures/pytorch-mlp/model.onnx', import.meta.url));

let core: Core;
let cleanup: () => Promise<void>;

/** customers-sample@1 -parent-> @2 -input-> run -produced-> churn@1, and @2 -trained_on-> churn@1. */
async function seed(on: Core) {
  const [first, second] = await on.datasets.addSample();
  const run = on.tracking.createRun({ experimentId: '0', name: 'train-churn' });
  const model = await on.models.registerTrained({
    name: 'churn',
    onnx,
    preprocessing: new Uint8Array([1, 2, 3]),
    task: 'classification',
    features: ['a'],
    featureSpecs: [],
    target: 'y',
    classes: ['0', '1'],
    metrics: {},
    backend: 'cpu',
    runId: run.id,
    datasetVersionId: second!.versionId,
  });
  return { first: first!, second: second!, run, model };
}

describe('the lineage service', () => {
  beforeEach(() => ({ core, cleanup } = openTempCore()));
  afterEach(() => cleanup());

  it('walks ancestors and descendants through datasets, runs and models, naming each entity', async () => {
    const { first, second, run, model } = await seed(core);
    const modelKey = { kind: 'model_version', id: model.id };

    const ancestors = core.lineage.ancestors(modelKey);
    expect(ancestors.map((e) => [e.kind, e.label])).toEqual([
      ['run', `run train-churn (${run.id.slice(0, 8)})`],
      ['dataset_version', 'customers-sample@2'],
      ['dataset_version', 'customers-sample@1'],
      ['file', expect.stringContaining('customers-v2.csv')],
      ['file', expect.stringContaining('customers-v1.csv')],
    ]);
    expect(ancestors.find((e) => e.kind === 'run')).toMatchObject({ id: run.id, experimentId: '0', exists: true });
    expect(ancestors[1]).toMatchObject({ name: 'customers-sample', version: 2, id: second.versionId });

    const descendants = core.lineage.descendants({ kind: 'dataset_version', id: first.versionId });
    expect(descendants.map((e) => e.label)).toEqual([
      'customers-sample@2',
      'churn@1',
      `run train-churn (${run.id.slice(0, 8)})`,
    ]);
    expect(descendants[1]).toMatchObject({ kind: 'model_version', name: 'churn', version: 1 });

    // The depth limit cuts the walk and says so.
    const near = core.lineage.graph(
      { kind: 'dataset_version', id: first.versionId },
      { direction: 'downstream', depth: 1 },
    );
    expect(near.nodes.map((n) => n.label)).toEqual(['customers-sample@1', 'customers-sample@2']);
    expect(near.edges).toEqual([
      {
        from: { kind: 'dataset_version', id: first.versionId },
        to: { kind: 'dataset_version', id: second.versionId },
        relation: 'parent',
      },
    ]);
    expect(near.truncated).toBe(true);
    expect(core.lineage.graph(modelKey, { direction: 'downstream' })).toMatchObject({ edges: [], truncated: false });
  });

  it('names the registry aliases that point at a model version, and none on other entities', async () => {
    const { run, model } = await seed(core);
    core.registry.setAlias('churn@1', 'staging');
    core.registry.setAlias('churn@1', 'champion');
    const graph = core.lineage.graph({ kind: 'run', id: run.id }, { direction: 'downstream' });
    expect(graph.nodes.find((n) => n.id === model.id)?.aliases).toEqual(['champion', 'staging']);
    expect(graph.root.aliases).toEqual([]);
  });

  it('lists a model version’s neighbours as entities without routes', async () => {
    const { second, run } = await seed(core);
    const { lineage } = core.models.versionWithLineage('churn@1');
    expect(lineage.map((l) => [l.direction, l.relation, l.kind, l.id])).toEqual([
      ['upstream', 'produced', 'run', run.id],
      ['upstream', 'trained_on', 'dataset_version', second.versionId],
    ]);
    expect(lineage.every((l) => !('route' in l))).toBe(true);
  });

  it('parses entity references and names what is wrong', async () => {
    const { second, run, model } = await seed(core);
    expect(core.lineage.parseEntity('dataset:customers-sample@2')).toEqual({
      kind: 'dataset_version',
      id: second.versionId,
    });
    expect(core.lineage.parseEntity('model:churn@latest')).toEqual({ kind: 'model_version', id: model.id });
    expect(core.lineage.parseEntity(`run:${run.id}`)).toEqual({ kind: 'run', id: run.id });
    expect(() => core.lineage.parseEntity('widget:3')).toThrow(/"widget" is not a kind of entity/);
    expect(() => core.lineage.parseEntity('dataset:nope@1')).toThrow(/No dataset named "nope"/);
    expect(() => core.lineage.parseEntity(`run:${'0'.repeat(32)}`)).toThrow();
  });

  it('keeps a chain of 200 versions within the depth limit without reading it all', () => {
    const chain = Array.from({ length: 200 }, (_, i) => ({ kind: 'dataset_version', id: `v${i}` }));
    core.batch(() => chain.slice(1).forEach((to, i) => core.lineage.add(chain[i]!, to, 'parent')));
    const graph = core.lineage.graph(chain[199]!, { direction: 'upstream', depth: 5 });
    expect(graph.nodes.map((n) => n.id)).toEqual(['v199', 'v198', 'v197', 'v196', 'v195', 'v194']);
    expect(graph.nodes[1]).toMatchObject({ exists: false, label: 'dataset version v198' });
    expect(graph.truncated).toBe(true);
  });
});

describe('lineage.graph through the contract', () => {
  const handlers = useTempDispatch();
  it('answers with nodes and edges, and refuses unknown fields', async () => {
    await seed(handlers.core);
    const answer = await handlers.dispatch('lineage.graph', {
      entity: 'model:churn@1',
      direction: 'upstream',
      depth: 1,
    });
    expect(answer.ok).toBe(true);
    const graph = (answer as { value: { root: { label: string }; nodes: { label: string }[] } }).value;
    expect(graph.root.label).toBe('churn@1');
    expect(graph.nodes.map((n) => n.label)).toEqual([
      'churn@1',
      expect.stringMatching(/^run train-churn/),
      'customers-sample@2',
    ]);
    const refused = await handlers.dispatch('lineage.graph', { entity: 'model:churn@1', extra: 1 });
    expect(refused).toMatchObject({ ok: false, error: { code: 'BAD_INPUT' } });
  });
});
