import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LatheError } from '../../../shared/errors.js';
import { openTempCore } from '../testing/temp-core.js';
import { testDatabase } from '../testing/database.js';
import type { Core } from '../core.js';

let core: Core;
let cleanup: () => void;

beforeEach(() => {
  ({ core, cleanup } = openTempCore());
});
afterEach(() => cleanup());

function code(work: () => unknown): string | undefined {
  try {
    work();
  } catch (error) {
    return error instanceof LatheError ? error.code : 'not a LatheError';
  }
  return undefined;
}

describe('runs', () => {
  it('creates a run with a generated name, an mlflow-artifacts uri and the runName tag', () => {
    const run = core.tracking.createRun({ experimentId: '0' });
    expect(run.id).toMatch(/^[0-9a-f]{32}$/);
    expect(run.status).toBe('RUNNING');
    expect(run.artifactUri).toBe(`mlflow-artifacts:/0/${run.id}/artifacts`);
    expect(run.name).toMatch(/^[a-z]+-[a-z]+-\d+$/);
    expect(core.tracking.getRunDetail(run.id).tags['mlflow.runName']).toBe(run.name);
    expect(core.experiments.get('0').runCount).toBe(1);
  });

  it('refuses runs in a deleted experiment and unknown experiments', () => {
    const experiment = core.experiments.create('gone');
    core.experiments.delete(experiment.id);
    expect(code(() => core.tracking.createRun({ experimentId: experiment.id }))).toBe('BAD_INPUT');
    expect(code(() => core.tracking.createRun({ experimentId: '999' }))).toBe('NOT_FOUND');
    expect(code(() => core.tracking.getRun('f'.repeat(32)))).toBe('NOT_FOUND');
  });

  it('ends a run and keeps name and mlflow.runName in step', () => {
    const run = core.tracking.createRun({ experimentId: '0', name: 'first' });
    core.tracking.setTags(run.id, { 'mlflow.runName': 'second' });
    expect(core.tracking.getRun(run.id).name).toBe('second');
    const ended = core.tracking.endRun(run.id, 'FAILED');
    expect(ended.status).toBe('FAILED');
    expect(ended.endTime).toBeGreaterThan(0);
  });
});

describe('params and tags', () => {
  it('keeps params immutable but accepts the same value again', () => {
    const run = core.tracking.createRun({ experimentId: '0' });
    core.tracking.logParams(run.id, { lr: '0.01' });
    core.tracking.logParams(run.id, { lr: '0.01' });
    expect(code(() => core.tracking.logParams(run.id, { lr: '0.1' }))).toBe('BAD_INPUT');
    expect(core.tracking.getRunDetail(run.id).params).toEqual({ lr: '0.01' });
  });

  it('stores nothing of a batch when one part is bad', () => {
    const run = core.tracking.createRun({ experimentId: '0' });
    core.tracking.logParams(run.id, { lr: '0.01' });
    expect(
      code(() =>
        core.tracking.logBatch(run.id, {
          metrics: [{ key: 'loss', value: 1, step: 0, timestamp: 1 }],
          params: [{ key: 'lr', value: '0.2' }],
          tags: [{ key: 't', value: 'v' }],
        }),
      ),
    ).toBe('BAD_INPUT');
    const detail = core.tracking.getRunDetail(run.id);
    expect(detail.metrics).toEqual({});
    expect(detail.tags.t).toBeUndefined();
  });

  it('refuses bad keys and logging to a deleted run', () => {
    const run = core.tracking.createRun({ experimentId: '0' });
    expect(code(() => core.tracking.logParams(run.id, { '../x': '1' }))).toBe('BAD_INPUT');
    expect(code(() => core.tracking.logParams(run.id, { ['k'.repeat(251)]: '1' }))).toBe('BAD_INPUT');
    expect(code(() => core.tracking.setTags(run.id, { 'a;b': '1' }))).toBe('BAD_INPUT');
    core.tracking.deleteRun(run.id);
    expect(code(() => core.tracking.logParams(run.id, { a: '1' }))).toBe('BAD_INPUT');
    core.tracking.restoreRun(run.id);
    core.tracking.logParams(run.id, { a: '1' });
  });

  it('deletes a tag and says NOT_FOUND for a missing one', () => {
    const run = core.tracking.createRun({ experimentId: '0' });
    core.tracking.setTags(run.id, { team: 'a' });
    core.tracking.deleteTag(run.id, 'team');
    expect(core.tracking.getRunDetail(run.id).tags.team).toBeUndefined();
    expect(code(() => core.tracking.deleteTag(run.id, 'team'))).toBe('NOT_FOUND');
  });
});

describe('metrics', () => {
  it('stores NaN and ±Infinity and picks the latest by step then timestamp', () => {
    const run = core.tracking.createRun({ experimentId: '0' });
    core.tracking.logMetrics(run.id, [
      { key: 'a', value: NaN, step: 0, timestamp: 1 },
      { key: 'a', value: Infinity, step: 1, timestamp: 2 },
      { key: 'a', value: -Infinity, step: 2, timestamp: 3 },
      { key: 'b', value: 5, step: 3, timestamp: 10 },
      { key: 'b', value: 4, step: 1, timestamp: 20 },
    ]);
    const page = core.tracking.metricPage(run.id, 'a');
    expect(page.raw.map((p) => p.value)).toEqual([null, Infinity, -Infinity]);
    const detail = core.tracking.getRunDetail(run.id);
    expect(detail.metrics.a!.text).toBe('-Infinity');
    expect(detail.metrics.b!.value).toBe(5);
    core.tracking.logMetrics(run.id, [{ key: 'a', value: NaN, step: 9, timestamp: 1 }]);
    expect(core.tracking.getRunDetail(run.id).metrics.a!.text).toBe('NaN');
    // Batches of 100 and more go through the multi-row insert: same values, NaN included.
    const long = Array.from({ length: 250 }, (_, i) => ({
      key: 'c',
      value: i === 50 ? NaN : i === 60 ? Infinity : i,
      step: i,
      timestamp: i,
    }));
    core.tracking.logMetrics(run.id, long);
    const stored = core.tracking.metricPage(run.id, 'c').raw;
    expect(stored).toHaveLength(250);
    expect(stored[50]!.value).toBeNull();
    expect(stored[60]!.value).toBe(Infinity);
    expect(stored[249]).toEqual({ step: 249, timestamp: 249, value: 249 });
  });

  it('refuses points without integer step or timestamp', () => {
    const run = core.tracking.createRun({ experimentId: '0' });
    expect(code(() => core.tracking.logMetrics(run.id, [{ key: 'a', value: 1, step: 0.5, timestamp: 1 }]))).toBe(
      'BAD_INPUT',
    );
    expect(
      code(() =>
        core.tracking.logMetrics(run.id, [{ key: 'a', value: '1' as unknown as number, step: 0, timestamp: 1 }]),
      ),
    ).toBe('BAD_INPUT');
  });

  it('returns short series whole and downsamples long ones to maxPoints, keeping extremes', () => {
    const run = core.tracking.createRun({ experimentId: '0' });
    const points = [];
    for (let i = 0; i < 20_000; i += 1)
      points.push({ key: 'loss', value: Math.sin(i / 100), step: i, timestamp: 1000 + i });
    points[12_345]!.value = 50; // a spike LTTB must keep
    for (let i = 0; i < points.length; i += 1000) core.tracking.logMetrics(run.id, points.slice(i, i + 1000));
    const short = core.tracking.metricHistory(run.id, 'loss', { maxPoints: 50_000 });
    expect(short.downsampled).toBe(false);
    expect(short.points).toHaveLength(20_000);
    const small = core.tracking.metricHistory(run.id, 'loss', { maxPoints: 200 });
    expect(small.downsampled).toBe(true);
    expect(small.total).toBe(20_000);
    expect(small.points.length).toBeLessThanOrEqual(200);
    expect(small.points.some((p) => p.value === 50 && p.step === 12_345)).toBe(true);
    expect(small.points[0]!.step).toBe(0);
    expect(small.points.at(-1)!.step).toBe(19_999);
    const steps = small.points.map((p) => p.step);
    expect([...steps].sort((a, b) => a - b)).toEqual(steps);
  });

  it('computes mean and std per step across runs grouped by a param', () => {
    const runs = ['1', '1', '2'].map((seedGroup, i) => {
      const run = core.tracking.createRun({ experimentId: '0' });
      core.tracking.logParams(run.id, { lr: seedGroup });
      core.tracking.logMetrics(run.id, [
        { key: 'acc', value: i + 1, step: 0, timestamp: 1 },
        { key: 'acc', value: 10, step: 1, timestamp: 2 },
      ]);
      return run.id;
    });
    const groups = core.tracking.groupedHistory(runs, 'acc', 'lr');
    expect(groups.map((g) => g.group)).toEqual(['1', '2']);
    expect(groups[0]!.points[0]).toEqual({ step: 0, mean: 1.5, std: Math.SQRT1_2, count: 2 });
    expect(groups[0]!.points[1]!.std).toBe(0);
    expect(groups[1]!.runIds).toEqual([runs[2]]);
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
      const run = core.tracking.createRun({ experimentId: experiment.id, name: `run-${i}`, startTime: 1000 + i });
      core.tracking.logParams(run.id, { lr: spec.lr });
      core.tracking.setTags(run.id, { team: spec.team });
      core.tracking.logMetrics(run.id, [{ key: 'acc', value: spec.acc, step: 0, timestamp: 1 }]);
      core.tracking.endRun(run.id, spec.status);
      return run;
    });
    return { experiment, made };
  }

  it('filters with metrics, params, tags (LIKE is case-sensitive) and attributes', () => {
    const { experiment, made } = seed();
    const names = (filter: string, orderBy?: string[]) =>
      core.tracking.searchRuns({ experimentIds: [experiment.id], filter, orderBy }).runs.map((r) => r.name);
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
    const first = core.tracking.searchRuns({ experimentIds: [experiment.id], maxResults: 2, withTotal: true });
    expect(first.runs).toHaveLength(2);
    expect(first.total).toBe(3);
    const second = core.tracking.searchRuns({
      experimentIds: [experiment.id],
      maxResults: 2,
      pageToken: first.nextPageToken,
    });
    expect(second.runs).toHaveLength(1);
    expect(second.nextPageToken).toBeUndefined();
    expect(code(() => core.tracking.searchRuns({ experimentIds: [experiment.id], pageToken: 'garbage' }))).toBe(
      'BAD_INPUT',
    );
  });

  it('hides deleted runs unless asked', () => {
    const { experiment, made } = seed();
    core.tracking.deleteRun(made[0]!.id);
    expect(core.tracking.searchRuns({ experimentIds: [experiment.id] }).runs).toHaveLength(2);
    expect(
      core.tracking.searchRuns({ experimentIds: [experiment.id], lifecycle: 'deleted' }).runs.map((r) => r.id),
    ).toEqual([made[0]!.id]);
    expect(core.tracking.searchRuns({ experimentIds: [experiment.id], lifecycle: 'all' }).runs).toHaveLength(3);
  });

  it('lists the keys in use', () => {
    const { experiment } = seed();
    expect(core.tracking.keys([experiment.id])).toEqual({
      params: ['lr'],
      metrics: ['acc'],
      tags: ['mlflow.runName', 'team'],
    });
  });
});

describe('artifacts', () => {
  it('stores, lists, previews and replaces artifacts', async () => {
    const run = core.tracking.createRun({ experimentId: '0' });
    await core.tracking.logArtifactBytes(run.id, 'model/config.json', new TextEncoder().encode('{"a":1}'));
    await core.tracking.logArtifactBytes(run.id, 'metrics.csv', new TextEncoder().encode('a,b\n1,2\n'));
    expect(core.tracking.listArtifacts(run.id)).toEqual([
      { path: 'model', isDir: true, size: null },
      { path: 'metrics.csv', isDir: false, size: 8 },
    ]);
    expect(core.tracking.listArtifacts(run.id, 'model')).toEqual([
      { path: 'model/config.json', isDir: false, size: 7 },
    ]);
    const preview = await core.tracking.artifactPreview(run.id, 'model/config.json');
    expect(preview).toMatchObject({ kind: 'json', content: '{"a":1}', truncated: false });
    expect((await core.tracking.artifactPreview(run.id, 'metrics.csv', 3)).truncated).toBe(true);
    const png = Buffer.from(
      'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
      'base64',
    );
    await core.tracking.logArtifactBytes(run.id, 'plots/roc.png', png);
    expect(await core.tracking.artifactPreview(run.id, 'plots/roc.png')).toMatchObject({
      kind: 'image',
      mime: 'image/png',
      encoding: 'base64',
      content: png.toString('base64'),
    });
    await core.tracking.logArtifactBytes(run.id, 'model.bin', new Uint8Array([0, 1, 2, 0]));
    expect((await core.tracking.artifactPreview(run.id, 'model.bin')).kind).toBe('binary');
    const first = core.tracking.artifact(run.id, 'metrics.csv').hash;
    await core.tracking.logArtifactBytes(run.id, 'metrics.csv', new TextEncoder().encode('x\n'));
    expect(core.objects.has(first)).toBe(false);
  });

  it('refuses traversal, absolute paths, schemes and file/directory clashes', async () => {
    const run = core.tracking.createRun({ experimentId: '0' });
    for (const bad of [
      '../x',
      'a/../../x',
      '/etc/passwd',
      'a\\b',
      'file:/etc/passwd',
      '%2e%2e/x',
      'a#b',
      'a;b',
      '//proc/self/root',
      'a//b',
      './a',
      'C:/x',
    ]) {
      await expect(core.tracking.logArtifactBytes(run.id, bad, new Uint8Array([1])), bad).rejects.toMatchObject({
        code: 'BAD_INPUT',
      });
    }
    await core.tracking.logArtifactBytes(run.id, 'a/b.txt', new Uint8Array([1]));
    await expect(core.tracking.logArtifactBytes(run.id, 'a', new Uint8Array([2]))).rejects.toMatchObject({
      code: 'BAD_INPUT',
    });
    await expect(core.tracking.logArtifactBytes(run.id, 'a/b.txt/c', new Uint8Array([2]))).rejects.toMatchObject({
      code: 'BAD_INPUT',
    });
    expect(core.objects.usage().objects).toBe(1);
  });

  it('purges runs for good and removes only objects nothing else references', async () => {
    const keep = core.tracking.createRun({ experimentId: '0' });
    const gone = core.tracking.createRun({ experimentId: '0' });
    await core.tracking.logArtifactBytes(keep.id, 'shared.txt', new TextEncoder().encode('shared'));
    await core.tracking.logArtifactBytes(gone.id, 'shared.txt', new TextEncoder().encode('shared'));
    await core.tracking.logArtifactBytes(gone.id, 'own.txt', new TextEncoder().encode('own bytes'));
    core.tracking.logMetrics(gone.id, [{ key: 'm', value: 1, step: 0, timestamp: 0 }]);
    const result = core.tracking.purgeRuns([gone.id]);
    expect(result).toEqual({ runs: 1, objectsRemoved: 1, bytesFreed: 9 });
    expect(code(() => core.tracking.getRun(gone.id))).toBe('NOT_FOUND');
    expect(core.objects.usage().objects).toBe(1);
    expect(testDatabase(core).prepare('SELECT COUNT(*) AS n FROM metrics').get()).toEqual({ n: 0 });
    expect(testDatabase(core).prepare('SELECT COUNT(*) AS n FROM metric_tiles').get()).toEqual({ n: 0 });
  });
});
