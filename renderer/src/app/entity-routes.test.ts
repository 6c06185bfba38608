/** Which run tag and param values become links to a dataset version or a model version. */
import { describe, expect, it } from 'vitest';
import { routeOfValue, type KnownEntities } from './entity-routes';

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
