/** Runs (runs.ts): lifecycle, params and tags, search. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTempCore } from '../testing/temp-core.js';
import { errorCode as code } from '../testing/error-code.js';
import type { Core } from '../core.js';

let core: Core;
let cleanup: () => void;

beforeEach(() => {
  ({ core, cleanup } = openTempCore());
});
afterEach(() => cleanup());

describe('runs', () => {
  it('creates a run with a generated name, an mlflow-artifacts uri and the runName tag', () => {
    const run = core.tracking.runs.createRun({ experimentId: '0' });
    expect(run.id).toMatch(/^[0-9a-f]{32}$/);
    expect(run.status).toBe('RUNNING');
    expect(run.artifactUri).toBe(`mlflow-artifacts:/0/${run.id}/artifacts`);
    expect(run.name).toMatch(/^[a-z]+-[a-z]+-\d+$/);
    expect(core.tracking.runs.getRunDetail(run.id).tags['mlflow.runName']).toBe(run.name);
    expect(core.experiments.get('0').runCount).toBe(1);
  });

  it('refuses runs in a deleted experiment and unknown experiments', () => {
    const experiment = core.experiments.create('gone');
    core.experiments.delete(experiment.id);
    expect(code(() => core.tracking.runs.createRun({ experimentId: experiment.id }))).toBe('BAD_INPUT');
    expect(code(() => core.tracking.runs.createRun({ experimentId: '999' }))).toBe('NOT_FOUND');
    expect(code(() => core.tracking.runs.getRun('f'.repeat(32)))).toBe('NOT_FOUND');
  });

  it('ends a run and keeps name and mlflow.runName in step', () => {
    const run = core.tracking.runs.createRun({ experimentId: '0', name: 'first' });
    core.tracking.setTags(run.id, { 'mlflow.runName': 'second' });
    expect(core.tracking.runs.getRun(run.id).name).toBe('second');
    const ended = core.tracking.runs.endRun(run.id, 'FAILED');
    expect(ended.status).toBe('FAILED');
    expect(ended.endTime).toBeGreaterThan(0);
  });
});

describe('params and tags', () => {
  it('keeps params immutable but accepts the same value again', () => {
    const run = core.tracking.runs.createRun({ experimentId: '0' });
    core.tracking.logParams(run.id, { lr: '0.01' });
    core.tracking.logParams(run.id, { lr: '0.01' });
    expect(code(() => core.tracking.logParams(run.id, { lr: '0.1' }))).toBe('BAD_INPUT');
    expect(core.tracking.runs.getRunDetail(run.id).params).toEqual({ lr: '0.01' });
  });

  it('refuses bad keys and logging to a deleted run', () => {
    const run = core.tracking.runs.createRun({ experimentId: '0' });
    expect(code(() => core.tracking.logParams(run.id, { '../x': '1' }))).toBe('BAD_INPUT');
    expect(code(() => core.tracking.logParams(run.id, { ['k'.repeat(251)]: '1' }))).toBe('BAD_INPUT');
    expect(code(() => core.tracking.setTags(run.id, { 'a;b': '1' }))).toBe('BAD_INPUT');
    core.tracking.runs.deleteRun(run.id);
    expect(code(() => core.tracking.logParams(run.id, { a: '1' }))).toBe('BAD_INPUT');
    core.tracking.runs.restoreRun(run.id);
    core.tracking.logParams(run.id, { a: '1' });
  });

  it('deletes a tag and says NOT_FOUND for a missing one', () => {
    const run = core.tracking.runs.createRun({ experimentId: '0' });
    core.tracking.setTags(run.id, { team: 'a' });
    core.tracking.runs.deleteTag(run.id, 'team');
    expect(core.tracking.runs.getRunDetail(run.id).tags.team).toBeUndefined();
    expect(code(() => core.tracking.runs.deleteTag(run.id, 'team'))).toBe('NOT_FOUND');
  });
});

describe('search', () => {
  function seed() {
    const experiment = core.experiments.create('search');
    const made = [
      { lr: '0.01', acc: 0.95, team: 'alpha', status: 'FINISHED' as const },
      { lr: '0.1', acc: 0.85, team: 'beta', status: 'FINISHED' as const },
      { lr: '0.01', acc: 0.91, team: 'Alpha', status: 'FAILED' as const },
    ].map((spec, i) => {
      const run = core.tracking.runs.createRun({ experimentId: experiment.id, name: `run-${i}`, startTime: 1000 + i });
      core.tracking.logParams(run.id, { lr: spec.lr });
      core.tracking.setTags(run.id, { team: spec.team });
      core.tracking.logMetrics(run.id, [{ key: 'acc', value: spec.acc, step: 0, timestamp: 1 }]);
      core.tracking.runs.endRun(run.id, spec.status);
      return run;
    });
    return { experiment, made };
  }

  it('filters with metrics, params, tags (LIKE is case-sensitive) and attributes', () => {
    const { experiment, made } = seed();
    const names = (filter: string, orderBy?: string[]) =>
      core.tracking.runs.searchRuns({ experimentIds: [experiment.id], filter, orderBy }).runs.map((r) => r.name);
    expect(
      names("metrics.acc > 0.9 and params.lr = '0.01' and tags.team LIKE 'a%' and attributes.status = 'FINISHED'"),
    ).toEqual(['run-0']);
    expect(names("tags.team ILIKE 'a%'")).toEqual(['run-2', 'run-0']);
    expect(names('metrics.acc >= 0.85', ['metrics.acc ASC'])).toEqual(['run-1', 'run-2', 'run-0']);
    expect(names('', ['params.lr DESC', 'attributes.start_time ASC'])).toEqual(['run-1', 'run-0', 'run-2']);
    expect(names(`attributes.run_id IN ('${made[1]!.id}', '${made[2]!.id}')`)).toEqual(['run-2', 'run-1']);
    expect(names('tags.missing IS NULL AND metrics.acc < 0.9')).toEqual(['run-1']);
    expect(names("attributes.`run_name` = 'run-1'")).toEqual(['run-1']);
  });

  it('pages with a token and counts the total', () => {
    const { experiment } = seed();
    const first = core.tracking.runs.searchRuns({ experimentIds: [experiment.id], maxResults: 2, withTotal: true });
    expect(first.runs).toHaveLength(2);
    expect(first.total).toBe(3);
    const second = core.tracking.runs.searchRuns({
      experimentIds: [experiment.id],
      maxResults: 2,
      pageToken: first.nextPageToken,
    });
    expect(second.runs).toHaveLength(1);
    expect(second.nextPageToken).toBeUndefined();
    expect(code(() => core.tracking.runs.searchRuns({ experimentIds: [experiment.id], pageToken: 'garbage' }))).toBe(
      'BAD_INPUT',
    );
  });

  it('hides deleted runs unless asked', () => {
    const { experiment, made } = seed();
    core.tracking.runs.deleteRun(made[0]!.id);
    expect(core.tracking.runs.searchRuns({ experimentIds: [experiment.id] }).runs).toHaveLength(2);
    expect(
      core.tracking.runs.searchRuns({ experimentIds: [experiment.id], lifecycle: 'deleted' }).runs.map((r) => r.id),
    ).toEqual([made[0]!.id]);
    expect(core.tracking.runs.searchRuns({ experimentIds: [experiment.id], lifecycle: 'all' }).runs).toHaveLength(3);
  });

  it('lists the keys in use', () => {
    const { experiment } = seed();
    expect(core.tracking.runs.keys([experiment.id])).toEqual({
      params: ['lr'],
      metrics: ['acc'],
      tags: ['mlflow.runName', 'team'],
    });
  });
});
