/** The metric store (metric-store.ts): special values, validation, downsampling, bands. */
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

describe('metrics', () => {
  it('stores NaN and ±Infinity and picks the latest by step then timestamp', () => {
    const run = core.tracking.createRun({ experimentId: '0' });
    core.tracking.metrics.log(run.id, [
      { key: 'a', value: NaN, step: 0, timestamp: 1 },
      { key: 'a', value: Infinity, step: 1, timestamp: 2 },
      { key: 'a', value: -Infinity, step: 2, timestamp: 3 },
      { key: 'b', value: 5, step: 3, timestamp: 10 },
      { key: 'b', value: 4, step: 1, timestamp: 20 },
    ]);
    const page = core.tracking.metrics.metricPage(run.id, 'a');
    expect(page.raw.map((p) => p.value)).toEqual([null, Infinity, -Infinity]);
    const detail = core.tracking.getRunDetail(run.id);
    expect(detail.metrics.a!.text).toBe('-Infinity');
    expect(detail.metrics.b!.value).toBe(5);
    core.tracking.metrics.log(run.id, [{ key: 'a', value: NaN, step: 9, timestamp: 1 }]);
    expect(core.tracking.getRunDetail(run.id).metrics.a!.text).toBe('NaN');
    // Batches of 100 and more go through the multi-row insert: same values, NaN included.
    const long = Array.from({ length: 250 }, (_, i) => ({
      key: 'c',
      value: i === 50 ? NaN : i === 60 ? Infinity : i,
      step: i,
      timestamp: i,
    }));
    core.tracking.metrics.log(run.id, long);
    const stored = core.tracking.metrics.metricPage(run.id, 'c').raw;
    expect(stored).toHaveLength(250);
    expect(stored[50]!.value).toBeNull();
    expect(stored[60]!.value).toBe(Infinity);
    expect(stored[249]).toEqual({ step: 249, timestamp: 249, value: 249 });
  });

  it('refuses points without integer step or timestamp', () => {
    const run = core.tracking.createRun({ experimentId: '0' });
    expect(code(() => core.tracking.metrics.log(run.id, [{ key: 'a', value: 1, step: 0.5, timestamp: 1 }]))).toBe(
      'BAD_INPUT',
    );
    expect(
      code(() =>
        core.tracking.metrics.log(run.id, [{ key: 'a', value: '1' as unknown as number, step: 0, timestamp: 1 }]),
      ),
    ).toBe('BAD_INPUT');
  });

  it('returns short series whole and downsamples long ones to maxPoints, keeping extremes', () => {
    const run = core.tracking.createRun({ experimentId: '0' });
    const points = [];
    for (let i = 0; i < 20_000; i += 1)
      points.push({ key: 'loss', value: Math.sin(i / 100), step: i, timestamp: 1000 + i });
    points[12_345]!.value = 50; // a spike LTTB must keep
    for (let i = 0; i < points.length; i += 1000) core.tracking.metrics.log(run.id, points.slice(i, i + 1000));
    const short = core.tracking.metrics.metricHistory(run.id, 'loss', { maxPoints: 50_000 });
    expect(short.downsampled).toBe(false);
    expect(short.points).toHaveLength(20_000);
    const small = core.tracking.metrics.metricHistory(run.id, 'loss', { maxPoints: 200 });
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
      core.tracking.metrics.log(run.id, [
        { key: 'acc', value: i + 1, step: 0, timestamp: 1 },
        { key: 'acc', value: 10, step: 1, timestamp: 2 },
      ]);
      return run.id;
    });
    const groups = core.tracking.metrics.groupedHistory(runs, 'acc', 'lr');
    expect(groups.map((g) => g.group)).toEqual(['1', '2']);
    expect(groups[0]!.points[0]).toEqual({ step: 0, mean: 1.5, std: Math.SQRT1_2, count: 2 });
    expect(groups[0]!.points[1]!.std).toBe(0);
    expect(groups[1]!.runIds).toEqual([runs[2]]);
  });
});
