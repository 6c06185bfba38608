import { describe, expect, it } from 'vitest';
import { entityDisplayName, routeOfEntity } from './entity-routes';

const base = { name: null, experimentId: null, exists: true };

describe('routeOfEntity', () => {
  it('maps each kind of lineage entity to its page', () => {
    expect(routeOfEntity({ ...base, kind: 'model_version', id: '7', name: 'churn model' })).toBe(
      '/models/churn%20model',
    );
    expect(routeOfEntity({ ...base, kind: 'dataset_version', id: 'abc', name: 'customers' })).toBe(
      '/datasets/customers',
    );
    expect(routeOfEntity({ ...base, kind: 'run', id: 'f'.repeat(32), experimentId: '3' })).toBe(
      `/experiments/3/runs/${'f'.repeat(32)}`,
    );
  });

  it('gives no route to files, unknown kinds and entities that are gone', () => {
    expect(routeOfEntity({ ...base, kind: 'file', id: '/data/a.csv' })).toBeNull();
    expect(routeOfEntity({ ...base, kind: 'widget', id: '1', name: 'w' })).toBeNull();
    expect(routeOfEntity({ ...base, kind: 'run', id: 'x', experimentId: '3', exists: false })).toBeNull();
  });

  it('names a model version as a model in a list of mixed kinds, and leaves other labels alone', () => {
    expect(entityDisplayName({ kind: 'model_version', label: 'plans@1' })).toBe('model plans@1');
    expect(entityDisplayName({ kind: 'run', label: 'run trainer (48d6524f)' })).toBe('run trainer (48d6524f)');
  });
});
