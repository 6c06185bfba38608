/**
 * Which run tag and param values become links to a dataset version or a model version, and where each kind
 * of lineage node opens.
 */
import { describe, expect, it } from 'vitest';
import type { LineageEntity } from '../../../shared/contract/index';
import { entityDisplayName, routeOfEntity, routeOfValue, type KnownEntities } from './entity-routes';

/** A lineage node as `lineage.graph` answers it (fields a kind's describe does not set are null). */
function node(kind: string, id: string, label: string, name: string | null = null): LineageEntity {
  return { kind, id, label, name, version: null, experimentId: null, exists: true, aliases: [] };
}

describe('routeOfEntity', () => {
  it('opens drift reports and monitors on their pages', () => {
    const report = node('drift_report', 'r-1f3', 'drift iris@1 → iris@2');
    expect(routeOfEntity(report)).toBe('/drift/r-1f3');
    const monitor = node('monitor', 'm-9', 'monitor churn live', 'churn live');
    expect(routeOfEntity(monitor)).toBe('/monitors/churn%20live');
    expect(routeOfEntity({ ...monitor, name: null })).toBeNull();
    expect(routeOfEntity({ ...report, exists: false })).toBeNull();
  });

  it('opens validation reports and bundles on their model page, pipeline runs on the run page', () => {
    const validation = node('validation_report', 'v/1', 'validation churn@2 passed (default)', 'churn');
    expect(routeOfEntity(validation)).toBe('/models/churn?validation=v%2F1');
    expect(routeOfEntity({ ...validation, name: null })).toBeNull();
    expect(routeOfEntity(node('bundle', 'b1', 'python bundle of churn@2 (out.zip)', 'churn'))).toBe(
      '/models/churn?bundle=b1',
    );
    expect(routeOfEntity(node('bundle', 'b1', 'python bundle of churn@2 (out.zip)'))).toBeNull();
    expect(routeOfEntity(node('pipeline_run', 'run7', 'pipeline nightly run run7 (ok)', 'nightly'))).toBe(
      '/pipelines/nightly/runs/run7',
    );
    expect(routeOfEntity(node('pipeline_run', 'run7', 'pipeline run'))).toBeNull();
  });

  it('keeps the pages it had and has none for files or unknown kinds', () => {
    expect(routeOfEntity({ ...node('model_version', 'x', 'churn@1', 'churn') })).toBe('/models/churn');
    expect(routeOfEntity({ ...node('run', 'r1', 'run'), experimentId: '3' })).toBe('/experiments/3/runs/r1');
    expect(routeOfEntity(node('file', '/tmp/a.csv', '/tmp/a.csv'))).toBeNull();
    expect(routeOfEntity(node('something_new', 'x', 'x'))).toBeNull();
  });
});

describe('entityDisplayName', () => {
  it('says what each kind is, once', () => {
    expect(entityDisplayName(node('model_version', 'x', 'churn@1'))).toBe('model churn@1');
    expect(entityDisplayName(node('drift_report', 'x', 'drift iris@1 → iris@2'))).toBe('drift iris@1 → iris@2');
    expect(entityDisplayName(node('monitor', 'x', 'monitor churn'))).toBe('monitor churn');
    expect(entityDisplayName(node('monitor', 'x', 'churn'))).toBe('monitor churn');
    expect(entityDisplayName(node('bundle', 'x', 'python bundle of churn@2 (a.zip)'))).toBe(
      'python bundle of churn@2 (a.zip)',
    );
    expect(entityDisplayName(node('dataset_version', 'x', 'iris@2'))).toBe('iris@2');
  });
});

const known: KnownEntities = {
  datasets: new Map([
    ['iris', 2],
    ['shared name', 1],
  ]),
  models: new Map([
    ['churn', 3],
    ['shared name', 1],
  ]),
};

describe('routeOfValue', () => {
  it('links a dataset version that exists', () => {
    expect(routeOfValue('lathe.data', 'iris@2', known)).toBe('/datasets/iris?v=2');
    expect(routeOfValue('training_data', 'iris@1', known)).toBe('/datasets/iris?v=1');
  });

  it('links a model version that exists', () => {
    expect(routeOfValue('lathe.model_version', 'churn@3', known)).toBe('/models/churn?v=3');
  });

  it('does not link versions or names that do not exist', () => {
    expect(routeOfValue('lathe.data', 'iris@3', known)).toBeNull();
    expect(routeOfValue('lathe.data', 'wine@1', known)).toBeNull();
    expect(routeOfValue('lathe.data', 'iris@0', known)).toBeNull();
  });

  it('does not link values that are not NAME@V', () => {
    expect(routeOfValue('lathe.data', 'iris', known)).toBeNull();
    expect(routeOfValue('email', 'someone@example.com', known)).toBeNull();
    expect(routeOfValue('lr', '0.01', known)).toBeNull();
  });

  it('lets the key decide when a name is both a dataset and a model', () => {
    expect(routeOfValue('lathe.model_version', 'shared name@1', known)).toBe('/models/shared%20name?v=1');
    expect(routeOfValue('lathe.data', 'shared name@1', known)).toBe('/datasets/shared%20name?v=1');
  });
});
