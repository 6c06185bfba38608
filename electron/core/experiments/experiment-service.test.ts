import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTempCore } from '../testing/temp-core.js';
import type { Core } from '../core.js';

let core: Core;
let cleanup: () => void;
beforeEach(() => ({ core, cleanup } = openTempCore()));
afterEach(() => cleanup());

describe('ExperimentService', () => {
  it('creates, lists newest first, renames, deletes and restores', () => {
    const a = core.experiments.create('  first  ');
    expect(a.name).toBe('first');
    const b = core.experiments.create('second');
    expect(core.experiments.list().map((e) => e.name)).toEqual(['second', 'first', 'Default']);
    expect(core.experiments.rename(a.id, 'renamed').name).toBe('renamed');
    core.experiments.delete(b.id);
    expect(core.experiments.list().map((e) => e.name)).toEqual(['renamed', 'Default']);
    expect(core.experiments.list({ includeDeleted: true }).find((e) => e.id === b.id)?.lifecycleStage).toBe('deleted');
    expect(core.experiments.restore(b.id).lifecycleStage).toBe('active');
  });

  it('keeps names unique, also against deleted experiments', () => {
    const a = core.experiments.create('x');
    expect(() => core.experiments.create('x')).toThrow(/already exists/);
    core.experiments.delete(a.id);
    expect(() => core.experiments.create('x')).toThrow(/deleted experiment/);
    const b = core.experiments.create('y');
    expect(() => core.experiments.rename(b.id, 'x')).toThrowError(expect.objectContaining({ code: 'ALREADY_EXISTS' }));
  });

  it('emits experiments.changed for every change', () => {
    const seen: string[] = [];
    core.events.onDidEmit((event, payload) => seen.push(`${event}:${(payload as { change: string }).change}`));
    const e = core.experiments.create('z');
    core.experiments.rename(e.id, 'zz');
    core.experiments.delete(e.id);
    core.experiments.restore(e.id);
    expect(seen).toEqual([
      'experiments.changed:created',
      'experiments.changed:renamed',
      'experiments.changed:deleted',
      'experiments.changed:restored',
    ]);
  });

  it('answers NOT_FOUND for an unknown id', () => {
    expect(() => core.experiments.rename('999', 'q')).toThrowError(expect.objectContaining({ code: 'NOT_FOUND' }));
  });

  it('searches with the run-search grammar: attributes and tags, order, pages, lifecycle', () => {
    const a = core.experiments.create('churn-2024');
    const b = core.experiments.create('churn-2025');
    core.experiments.create('fraud');
    core.experiments.setTag(a.id, 'team', 'growth');
    core.experiments.setTag(b.id, 'team', 'risk');
    const names = (filter: string, orderBy?: string[]) =>
      core.experiments.search({ filter, orderBy }).experiments.map((e) => e.name);
    expect(names("name LIKE 'churn%'", ['name DESC'])).toEqual(['churn-2025', 'churn-2024']);
    expect(names("name ILIKE 'CHURN%' and tags.team = 'growth'")).toEqual(['churn-2024']);
    expect(names('tags.team IS NULL', ['name'])).toEqual(['Default', 'fraud']);
    expect(names(`experiment_id = '${b.id}'`)).toEqual(['churn-2025']);
    expect(names("name LIKE 'churn-202_' and creation_time > 0", ['attributes.name ASC'])).toEqual([
      'churn-2024',
      'churn-2025',
    ]);
    core.experiments.delete(b.id);
    expect(names("name LIKE 'churn%'")).toEqual(['churn-2024']);
    expect(core.experiments.search({ filter: "name LIKE 'churn%'", lifecycle: 'deleted' }).experiments).toHaveLength(1);
    const first = core.experiments.search({ maxResults: 2, orderBy: ['name'] });
    expect(first.experiments.map((e) => e.name)).toEqual(['Default', 'churn-2024']);
    const second = core.experiments.search({ maxResults: 2, orderBy: ['name'], pageToken: first.nextPageToken });
    expect(second.experiments.map((e) => e.name)).toEqual(['fraud']);
    expect(second.nextPageToken).toBeUndefined();
  });

  it('refuses what experiments cannot be searched by, naming the field', () => {
    expect(() => core.experiments.search({ filter: 'metrics.acc > 1' })).toThrowError(
      expect.objectContaining({ code: 'BAD_INPUT', details: expect.objectContaining({ field: 'filter' }) }),
    );
    expect(() => core.experiments.search({ orderBy: ['run_count'] })).toThrowError(
      expect.objectContaining({ code: 'BAD_INPUT', details: expect.objectContaining({ field: 'order_by' }) }),
    );
    expect(() => core.experiments.search({ maxResults: 0 })).toThrowError(
      expect.objectContaining({ code: 'BAD_INPUT' }),
    );
  });

  it('matches a pathological LIKE pattern in linear time (no backtracking)', () => {
    core.experiments.create('my-experiment-number-one-2024');
    core.experiments.create('a'.repeat(250));
    const started = performance.now();
    const found = core.experiments.search({ filter: `name LIKE '${'%'.repeat(5000)}a'`, lifecycle: 'all' });
    expect(found.experiments.map((e) => e.name)).toEqual(['a'.repeat(250)]);
    const alternating = core.experiments.search({ filter: `name LIKE '${'%a'.repeat(100)}%b'` });
    expect(alternating.experiments).toEqual([]);
    expect(performance.now() - started).toBeLessThan(500);
  });
});
