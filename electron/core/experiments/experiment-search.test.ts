/** Experiment filters and order_by turned into SQL: every value bound, LIKE as GLOB, unknown names refused. */
import { describe, expect, it } from 'vitest';
import { experimentFilterToSql, experimentOrderToSql, maxExperimentOrderBy } from './experiment-search.js';

describe('experimentFilterToSql', () => {
  it('binds every value and turns LIKE into a case-sensitive GLOB', () => {
    const where = experimentFilterToSql("name LIKE 'a%_[' and tags.team = 'x' and creation_time >= 5");
    expect(where.sql).toBe(
      'e.name GLOB ? AND EXISTS (SELECT 1 FROM experiment_tags x WHERE x.experiment_id = e.id AND x.key = ? AND x.value = ?) AND e.created_at >= ?',
    );
    expect(where.params).toEqual(['a*?[[]', 'team', 'x', 5]);
  });

  it('is "everything" for an empty filter and refuses params, metrics and unknown attributes', () => {
    expect(experimentFilterToSql(undefined)).toEqual({ sql: '1', params: [] });
    expect(() => experimentFilterToSql("params.lr = '1'")).toThrow(/attributes and tags only/);
    expect(() => experimentFilterToSql("owner = 'me'")).toThrow(/Unknown attribute "owner"/);
  });
});

describe('experimentOrderToSql', () => {
  it('orders by the named attributes, then newest first', () => {
    expect(experimentOrderToSql(['name DESC', 'attributes.creation_time'])).toBe(
      'e.name DESC, e.created_at ASC, e.created_at DESC, e.id DESC',
    );
  });

  it('refuses unknown fields and too many entries', () => {
    expect(() => experimentOrderToSql(['name; DROP TABLE experiments'])).toThrow(/Invalid order_by/);
    expect(() => experimentOrderToSql(Array(maxExperimentOrderBy + 1).fill('name'))).toThrow(/at most/);
  });
});
