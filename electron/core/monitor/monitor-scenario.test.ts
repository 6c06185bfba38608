/**
 * The scenario: a model trained on a dataset, then eight weekly batches where the second half
 * drifts towards the decision boundary and accuracy falls. The monitor must flag exactly the drifted weeks,
 * CBPE must follow the realised accuracy (inside its band for most weeks), and alerts must be raised.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { MonitorAlert } from '../../../shared/contract/index.js';
import type { Core } from '../core.js';
import { openTempCore } from '../testing/temp-core.js';
import { firstMonday, prepareRegressionScenario, prepareScenario } from './testing/scenario.js';

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

describe('monitor scenario', () => {
  it('flags the drifted weeks, CBPE follows realised accuracy, alerts are raised', { timeout: 300_000 }, async () => {
    const { model, stream } = await prepareScenario(core, folder);
    const monday = firstMonday;
    const alerts: MonitorAlert[] = [];
    core.events.onDidEmit((event, payload) => {
      if (event === 'monitors.alert') alerts.push(payload as MonitorAlert);
    });
    core.monitors.create({
      name: 'weekly',
      model,
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
    // Realised F1 and ROC AUC beside accuracy: high on the calm weeks, lower on the drifted ones.
    for (const window of run.windows.slice(0, 4)) {
      expect(window.f1!).toBeGreaterThan(0.8);
      expect(window.rocAuc!).toBeGreaterThan(0.9);
    }
    expect(Math.max(...run.windows.slice(4).map((window) => window.rocAuc!))).toBeLessThan(
      Math.min(...run.windows.slice(0, 4).map((window) => window.rocAuc!)),
    );
    expect(run.task).toBe('classification');
    const shown = core.monitors.show('weekly');
    expect(shown.alerts).toHaveLength(alerts.length);
    expect(shown.monitor.lastRun?.id).toBe(run.id);
    // A second run reuses the scored reference and its CBPE fit: only the 8 batches are scored again, same figures.
    const predict = vi.spyOn(core.models, 'predict');
    const again = await core.monitors.run('weekly');
    expect(predict).toHaveBeenCalledTimes(8);
    predict.mockRestore();
    expect(again.windows.map(({ alerts: _alerts, ...window }) => window)).toEqual(
      run.windows.map(({ alerts: _alerts, ...window }) => window),
    );
    expect(core.monitors.alerts().filter((alert) => alert.runId === again.id)).toHaveLength(alerts.length / 2);

    // A stream of dataset versions, one window per batch: week 1 then week 8 added as versions of "weeks".
    await core.datasets.add({ path: join(stream, 'week-1.csv'), name: 'weeks' });
    await core.datasets.add({ path: join(stream, 'week-8.csv'), name: 'weeks' });
    core.monitors.create({
      name: 'versions',
      model,
      reference: 'reference@1',
      stream: { kind: 'dataset', dataset: 'weeks' },
    });
    const byVersion = await core.monitors.run('versions');
    expect(byVersion.windows.map((window) => [window.label, window.rows, window.alerts.includes('drift')])).toEqual([
      ['@1', 400, false],
      ['@2', 400, true],
    ]);
    expect(byVersion.windows[1]!.realisedAccuracy).toBeLessThan(byVersion.windows[0]!.realisedAccuracy!);

    // Prediction drift with the same model: in the drifted week the label shares barely move (the rows sit on both
    // sides of the boundary) but the positive-class probability crowds around 0.5.
    const report = await core.drift.run({ reference: 'reference@1', current: join(stream, 'week-8.csv'), model });
    expect(report.model?.ref).toBe(model);
    expect(report.predictions.map((column) => [column.column, column.test, column.verdict])).toEqual([
      ['prediction: label', 'z', 'no_drift'],
      ['prediction: probability_1', 'ks', 'drift'],
    ]);
    const calm = await core.drift.run({ reference: 'reference@1', current: join(stream, 'week-1.csv'), model });
    expect(calm.predictions.map((column) => column.verdict)).toEqual(['no_drift', 'no_drift']);
    expect(
      core.lineage.neighbours({ kind: 'drift_report', id: report.id }).filter((edge) => edge.relation === 'model'),
    ).toHaveLength(1);
  });

  it('a regressor: MAE, RMSE and R² per window, worse on the drifted weeks', { timeout: 300_000 }, async () => {
    const { model, stream } = await prepareRegressionScenario(core, folder);
    core.monitors.create({
      name: 'regression',
      model,
      reference: 'rreference@1',
      stream: { kind: 'folder', path: stream },
      window: 'weekly',
      timeColumn: 'day',
    });
    const run = await core.monitors.run('regression');
    expect(run.task).toBe('regression');
    // Only x1 moves in the drifted weeks.
    expect(run.windows.map((window) => window.driftedColumns.includes('x1'))).toEqual([false, false, true, true]);
    for (const window of run.windows) {
      expect(window.estimatedAccuracy).toBeNull();
      expect(window.realisedAccuracy).toBeNull();
      expect(window.rmse!).toBeGreaterThanOrEqual(window.mae!);
    }
    const calm = run.windows.slice(0, 2);
    const drifted = run.windows.slice(2);
    expect(Math.max(...calm.map((window) => window.mae!))).toBeLessThan(0.6);
    expect(Math.min(...calm.map((window) => window.r2!))).toBeGreaterThan(0.9);
    expect(Math.min(...drifted.map((window) => window.mae!))).toBeGreaterThan(
      2 * Math.max(...calm.map((window) => window.mae!)),
    );
    expect(Math.max(...drifted.map((window) => window.r2!))).toBeLessThan(
      Math.min(...calm.map((window) => window.r2!)),
    );
  });
});
