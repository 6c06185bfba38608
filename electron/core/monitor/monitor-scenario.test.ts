/**
 * The scenario: a model trained on a dataset, then eight weekly batches where the second half
 * drifts towards the decision boundary and accuracy falls. The monitor must flag exactly the drifted weeks,
 * CBPE must follow the realised accuracy (inside its band for most weeks), and alerts must be raised.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MonitorAlert } from '../../../shared/contract/index.js';
import type { Core } from '../core.js';
import { openTempCore } from '../testing/temp-core.js';
import { seededRandom } from '../train/random.js';
import { writeCsv } from '../drift/testing/drift-tables.js';

let core: Core;
let cleanup: () => void;
let folder: string;
beforeEach(() => {
  ({ core, cleanup } = openTempCore());
  folder = mkdtempSync(join(tmpdir(), 'lathe-monitor-'));
});
afterEach(async () => {
  core.training.dispose();
  await core.models.dispose();
  cleanup();
  rmSync(folder, { recursive: true, force: true });
});

function gaussian(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

// label = 1 when x1 + x2 + noise > 0; drifted rows sit near the boundary, where the model is unsure and often wrong.
function rows(count: number, seed: number, drifted: boolean, firstDay?: Date): (string | number)[][] {
  const random = seededRandom(seed);
  return Array.from({ length: count }, (_, index) => {
    const x1 = drifted ? 0.8 + 0.4 * gaussian(random) : gaussian(random);
    const x2 = drifted ? -x1 + 0.35 * gaussian(random) : gaussian(random);
    const label = x1 + x2 + 0.3 * gaussian(random) > 0 ? 1 : 0;
    const row: (string | number)[] = [x1.toFixed(5), x2.toFixed(5), label];
    if (firstDay) row.unshift(new Date(firstDay.getTime() + (index % 7) * 86_400_000).toISOString().slice(0, 10));
    return row;
  });
}

describe('monitor scenario', () => {
  it('flags the drifted weeks, CBPE follows realised accuracy, alerts are raised', { timeout: 300_000 }, async () => {
    await core.datasets.add({
      path: writeCsv(folder, 'train.csv', ['x1', 'x2', 'label'], rows(1500, 1, false)),
      name: 'train',
    });
    await core.datasets.add({
      path: writeCsv(folder, 'reference.csv', ['x1', 'x2', 'label'], rows(800, 2, false)),
      name: 'reference',
    });
    const trained = await core.training.train({
      data: 'train@1',
      target: 'label',
      task: 'classification',
      features: ['x1', 'x2'],
      hidden: [8],
      epochs: 30,
      batchSize: 32,
      learningRate: 0.01,
      backend: 'wasm',
    });
    const stream = join(folder, 'weeks');
    mkdirSync(stream);
    const monday = Date.UTC(2024, 0, 1);
    for (let week = 0; week < 8; week++) {
      writeCsv(
        stream,
        `week-${week + 1}.csv`,
        ['day', 'x1', 'x2', 'label'],
        rows(400, 100 + week, week >= 4, new Date(monday + week * 7 * 86_400_000)),
      );
    }
    const alerts: MonitorAlert[] = [];
    core.events.onDidEmit((event, payload) => {
      if (event === 'monitors.alert') alerts.push(payload as MonitorAlert);
    });
    core.monitors.create({
      name: 'weekly',
      model: `${trained.model}@${trained.version}`,
      reference: 'reference@1',
      stream: { kind: 'folder', path: stream },
      window: 'weekly',
      timeColumn: 'day',
      minAccuracy: 0.8,
    });
    const run = await core.monitors.run('weekly');
    expect(run.windows.map((window) => window.label)).toEqual(
      Array.from(
        { length: 8 },
        (_, week) => `week of ${new Date(monday + week * 7 * 86_400_000).toISOString().slice(0, 10)}`,
      ),
    );
    expect(run.windows.map((window) => window.driftShare >= 0.5)).toEqual([
      false,
      false,
      false,
      false,
      true,
      true,
      true,
      true,
    ]);
    const realised = run.windows.map((window) => window.realisedAccuracy!);
    expect(Math.min(...realised.slice(0, 4))).toBeGreaterThan(0.85);
    expect(Math.max(...realised.slice(4))).toBeLessThan(0.8);
    const inside = run.windows.filter(
      (window) => window.realisedAccuracy! >= window.lower! && window.realisedAccuracy! <= window.upper!,
    ).length;
    expect(inside).toBeGreaterThanOrEqual(6);
    for (const window of run.windows.slice(4)) expect(window.estimatedAccuracy!).toBeLessThan(0.85);
    expect(alerts.filter((alert) => alert.kind === 'drift').map((alert) => alert.window)).toEqual(
      run.windows.slice(4).map((window) => window.label),
    );
    expect(alerts.some((alert) => alert.kind === 'performance')).toBe(true);
    const shown = core.monitors.show('weekly');
    expect(shown.alerts).toHaveLength(alerts.length);
    expect(shown.monitor.lastRun?.id).toBe(run.id);
  });
});
