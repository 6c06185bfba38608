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
});
