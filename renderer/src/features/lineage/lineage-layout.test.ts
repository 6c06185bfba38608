import { describe, expect, it } from 'vitest';
import type { LineageEntity, LineageGraph } from '../../../../shared/contract/index';
import {
  aliasLine,
  boxOf,
  fitToPanel,
  kindsOf,
  layoutRequestOf,
  maxEnlargement,
  minLegible,
  offsetAlong,
  referenceOf,
  relationLabel,
  shownLabel,
  styleOfKind,
} from './lineage-layout';

function entity(kind: string, id: string, extra: Partial<LineageEntity> = {}): LineageEntity {
  return {
    kind,
    id,
    label: `${kind} ${id}`,
    name: null,
    version: null,
    experimentId: null,
    exists: true,
    aliases: [],
    ...extra,
  };
}

const dataset = entity('dataset_version', 'd1', { label: 'customers@1', name: 'customers', version: 1 });
const run = entity('run', 'abc', { label: 'run train (abc)', experimentId: '1' });
const model = entity('model_version', '7', {
  label: 'churn@2',
  name: 'churn',
  version: 2,
  aliases: ['champion', 'staging'],
});

const graph: LineageGraph = {
  root: model,
  nodes: [model, run, dataset],
  edges: [
    { from: { kind: 'dataset_version', id: 'd1' }, to: { kind: 'run', id: 'abc' }, relation: 'input' },
    { from: { kind: 'run', id: 'abc' }, to: { kind: 'model_version', id: '7' }, relation: 'produced' },
    // An edge to a node outside the walk (never drawn: elkjs refuses edges to unknown nodes).
    { from: { kind: 'file', id: '/tmp/x.csv' }, to: { kind: 'dataset_version', id: 'd1' }, relation: 'read' },
  ],
  truncated: true,
};

describe('the lineage layout mapping', () => {
  it('boxes every node, keeps edges between drawn nodes, and lays out left to right', () => {
    const request = layoutRequestOf(graph);
    expect(request.direction).toBe('RIGHT');
    expect(request.nodes.map((n) => n.id)).toEqual(['model_version:7', 'run:abc', 'dataset_version:d1']);
    expect(request.edges).toEqual([
      { id: 'e0', from: 'dataset_version:d1', to: 'run:abc' },
      { id: 'e1', from: 'run:abc', to: 'model_version:7' },
    ]);
  });

  it('makes a node with aliases taller and wide enough for its longest line', () => {
    expect(boxOf(model).height).toBeGreaterThan(boxOf(run).height);
    const long = entity('run', 'r', { label: 'x'.repeat(40) });
    expect(boxOf(long).width).toBeGreaterThan(40 * 6);
    expect(aliasLine(model)).toBe('@champion @staging');
    expect(aliasLine(run)).toBeNull();
  });

  it('names entities the way lineage.graph accepts them', () => {
    expect(referenceOf(dataset)).toBe('dataset:customers@1');
    expect(referenceOf(model)).toBe('model:churn@2');
    expect(referenceOf(run)).toBe('run:abc');
    expect(referenceOf(entity('file', '/tmp/a.csv'))).toBe('file:/tmp/a.csv');
  });

  it('keeps the end of a long file path and the start of other long labels', () => {
    const path = `/home/someone/${'deep/'.repeat(12)}customers.csv`;
    expect(shownLabel(entity('file', path, { label: path }))).toMatch(/^….*customers\.csv$/);
    expect(shownLabel(entity('run', 'r', { label: 'r'.repeat(60) }))).toMatch(/^r+…$/);
  });

  it('lists the kinds present for the legend, with a colour for each and a fallback for new kinds', () => {
    expect(kindsOf(graph)).toEqual(['model_version', 'run', 'dataset_version']);
    expect(styleOfKind('dataset_version')).toEqual({ color: 'blue', name: 'Dataset version' });
    // The kinds validation, bundles and pipelines added have their own colour and a capitalised name.
    expect(styleOfKind('pipeline_run')).toEqual({ color: 'indigo', name: 'Pipeline run' });
    expect(styleOfKind('validation_report').name).toBe('Validation report');
    expect(styleOfKind('bundle_version')).toEqual({ color: 'gray', name: 'bundle version' });
  });
});

describe('fitToPanel', () => {
  it('enlarges a small graph to fill the width, and shrinks the panel to the graph', () => {
    const fit = fitToPanel({ width: 400, height: 60 }, 848, 560, 24);
    expect(fit.scale).toBe(maxEnlargement);
    expect(fit.height).toBe(240);
    const wide = fitToPanel({ width: 800, height: 60 }, 848, 560, 24);
    expect(wide.scale * 800).toBeCloseTo(800);
    expect(wide.height).toBe(240);
  });

  it('shrinks a big graph to fit the tallest panel, but never below a legible size', () => {
    const fit = fitToPanel({ width: 600, height: 650 }, 848, 560, 24);
    expect(fit.scale).toBeCloseTo((560 - 48) / 650);
    expect(fit.height).toBe(560);
    const long = fitToPanel({ width: 3000, height: 120 }, 848, 560, 24);
    expect(long.scale).toBe(minLegible);
  });

  it('starts a graph wider than its panel on the focused node, with no empty band at either end', () => {
    expect(offsetAlong(848, 400, 1, 200, 24)).toBe(224);
    // The focus in the middle of a long chain is centred.
    expect(offsetAlong(800, 3000, 1, 1500, 24)).toBe(400 - 1500);
    // Near an end, the drawing stops at the margin rather than leaving a blank.
    expect(offsetAlong(800, 3000, 1, 100, 24)).toBe(24);
    expect(offsetAlong(800, 3000, 1, 2950, 24)).toBe(800 - 24 - 3000);
  });

  it('gives a mid-sized graph a panel of its own height', () => {
    const fit = fitToPanel({ width: 800, height: 300 }, 848, 560, 24);
    expect(fit.scale).toBe(1);
    expect(fit.height).toBe(348);
  });
});

describe('relationLabel', () => {
  it('says relations as words, a pipeline step by its name', () => {
    expect(relationLabel('trained_on')).toBe('trained on');
    expect(relationLabel('step:fit')).toBe('step fit');
    expect(relationLabel('validated')).toBe('validated');
  });
});
