/**
 * Validation suites end to end on a trained model: every kind of check measured on the real scoring,
 * drift and ONNX Runtime paths, the report stored as objects with lineage, bad input refused with nothing
 * written, and alias gates.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Core } from '../core.js';
import { databaseOfCore } from '../core.js';
import { openTempCore } from '../testing/temp-core.js';
import { prepareValidationWorld } from './testing/validation-data.js';

let core: Core;
let cleanup: () => Promise<void>;
let folder: string;
let model: string;

beforeAll(async () => {
  ({ core, cleanup } = openTempCore());
  folder = mkdtempSync(join(tmpdir(), 'lathe-validate-test-'));
  model = await prepareValidationWorld(core, folder);
}, 180_000);
afterAll(async () => {
  await cleanup();
  rmSync(folder, { recursive: true, force: true });
});

const reportCount = () =>
  (databaseOfCore(core).prepare('SELECT COUNT(*) AS n FROM validation_reports').get() as { n: number }).n;

const suite = (...checks: string[]) => ['name: gate', 'holdout: holdout@1', 'checks:', ...checks].join('\n');

describe('validation suites on a model version', () => {
  it('measures every kind of check and stores the report with its HTML and lineage', { timeout: 180_000 }, async () => {
    const evaluation = await core.models.predict({ ref: model, data: 'holdout@1', out: join(folder, 'scores.csv') });
    const accuracy = evaluation.evaluation!.metrics.accuracy!;
    const report = await core.validation.run({
      ref: model,
      suiteFile: 'gate.yaml',
      suite: suite(
        '  - type: metric',
        '    metric: accuracy',
        `    threshold: ${(accuracy - 0.01).toFixed(4)}`,
        '  - type: metric',
        '    metric: log_loss',
        '    threshold: 0.0001',
        '  - type: slice',
        '    column: region',
        '    metric: accuracy',
        '    threshold: 0.75',
        '    worst: 2',
        '  - type: latency',
        '    p95Ms: 1000',
        '  - type: schema',
        '  - type: drift',
        '  - type: onnx',
        '    opsetMin: 7',
        '    opsetMax: 23',
      ),
    });
    const byKind = (kind: string, nth = 0) => report.checks.filter((check) => check.kind === kind)[nth]!;
    // The metric check reads the same number `predict` reports on the same holdout.
    expect(byKind('metric')).toMatchObject({ passed: true, measured: accuracy });
    expect(byKind('metric', 1)).toMatchObject({ passed: false, bound: 0.0001 });
    expect(report.metrics.accuracy).toBe(accuracy);
    // South's labels are coin flips: it is the worst slice and fails; the others pass.
    const slice = byKind('slice');
    expect(slice.passed).toBe(false);
    expect(slice.slices!.map((item) => item.value)[0]).toBe('south');
    expect(slice.slices!.find((item) => item.value === 'south')).toMatchObject({ rows: 150, passed: false });
    expect(slice.slices!.filter((item) => item.value !== 'south').every((item) => item.passed)).toBe(true);
    expect(slice.measured).toBeLessThan(0.75);
    expect(slice.detail).toMatch(/^1 of 4 slices of region below 0.75; worst: south 0\.\d+ \(150 rows\), \w+ /);
    expect(byKind('latency')).toMatchObject({ passed: true, bound: 1000 });
    expect(byKind('latency').measured).toBeGreaterThan(0);
    expect(byKind('schema')).toMatchObject({ passed: true });
    expect(byKind('drift')).toMatchObject({ passed: true, skipped: false, measured: 0 });
    expect(byKind('drift').detail).toMatch(/0 of 3 input columns drift between train@1 and holdout@1/);
    expect(byKind('onnx')).toMatchObject({ passed: true });
    expect(report.passed).toBe(false);

    expect(core.validation.get(report.id)).toEqual(report);
    expect(core.validation.get(report.id.slice(0, 8))).toEqual(report);
    expect(core.validation.html(report.id).html).toContain('FAILED');
    expect(core.validation.list(model).map((item) => [item.id, item.passed, item.checksPassed])).toEqual([
      [report.id, false, 5],
    ]);
    const edges = core.lineage
      .neighbours({ kind: 'validation_report', id: report.id })
      .map(({ kind, relation }) => `${relation}:${kind}`)
      .sort();
    expect(edges).toEqual(['holdout:dataset_version', 'validated:model_version']);
    // The lineage page links the report to its model's page by the model's name.
    expect(core.lineage.describe({ kind: 'validation_report', id: report.id })).toMatchObject({
      name: model.split('@')[0],
    });
    expect(core.validation.latestVerdict(report.model.versionId)).toMatchObject({
      reportId: report.id,
      suite: 'gate',
      passed: false,
      checks: expect.arrayContaining([expect.objectContaining({ name: slice.name, passed: false })]),
    });
    // The objects are referenced: a collection keeps them.
    core.store.collect();
    expect(core.validation.get(report.id).id).toBe(report.id);
  });

  it(
    'fails the drift and schema checks on a shifted holdout, and regression against a better baseline',
    { timeout: 180_000 },
    async () => {
      const report = await core.validation.run({
        ref: model,
        holdout: 'holdout@2',
        suite: suite('  - type: drift', '    maxDriftShare: 0.2', '  - type: schema', '    dataset: nolabel@1'),
      });
      expect(report.holdout?.label).toBe('holdout@2');
      const [drift, schema] = report.checks;
      expect(drift).toMatchObject({ passed: false, measured: 1 / 3 });
      expect(drift!.detail).toMatch(/1 of 3 input columns drift .*\(x1 /);
      expect(schema).toMatchObject({ passed: true });

      // A weaker model (one epoch) registered as clf@2 regresses against clf@1 on accuracy.
      const weak = await core.training.train({
        data: 'train@1',
        target: 'label',
        task: 'classification',
        features: ['x1', 'x2', 'region'],
        hidden: [2],
        epochs: 1,
        learningRate: 0.0001,
        backend: 'wasm',
        modelName: 'clf',
      });
      const regression = await core.validation.run({
        ref: `clf@${weak.version}`,
        baseline: '1',
        suite: suite('  - type: regression', '    metric: accuracy', '    tolerance: 0.01'),
      });
      expect(regression.baseline?.ref).toBe(model);
      expect(regression.checks[0]).toMatchObject({ passed: false });
      expect(regression.checks[0]!.detail).toMatch(/regressed/);
      const self = await core.validation.run({
        ref: model,
        baseline: '1',
        suite: suite('  - type: regression', '    metric: accuracy', '    tolerance: 0'),
      });
      expect(self.checks[0]).toMatchObject({ passed: true });
      expect(self.checks[0]!.measured).toBe(self.checks[0]!.bound);
    },
  );

  it('refuses bad input with file, line and field, writing nothing', { timeout: 120_000 }, async () => {
    const before = reportCount();
    const objectsBefore = core.objects.usage().objects;
    await expect(
      core.validation.run({
        ref: model,
        suiteFile: 'bad.yaml',
        suite: 'name: x\nchecks:\n  - type: metric\n    metric: [\n',
      }),
    ).rejects.toMatchObject({ code: 'BAD_INPUT', message: expect.stringMatching(/^bad\.yaml:\d+ \(yaml\): /) });
    await expect(
      core.validation.run({
        ref: model,
        suiteFile: 'bad.yaml',
        suite: suite('  - type: metric', '    metric: auc', '    threshold: 0.9'),
      }),
    ).rejects.toMatchObject({
      code: 'BAD_INPUT',
      message:
        'bad.yaml:5 checks[0].metric: "auc" is not a metric of a classification model (one of: accuracy, log_loss, precision, recall, f1)',
    });
    await expect(
      core.validation.run({
        ref: model,
        holdout: 'nolabel@1',
        suite: suite('  - type: metric', '    metric: accuracy', '    threshold: 0.9'),
      }),
    ).rejects.toMatchObject({
      code: 'BAD_INPUT',
      message: expect.stringMatching(/^suite\.yaml --holdout: nolabel@1 has no column "label", the target of clf@1/),
    });
    await expect(
      core.validation.run({
        ref: model,
        suite: suite('  - type: slice', '    column: county', '    metric: accuracy', '    threshold: 0.5'),
      }),
    ).rejects.toMatchObject({
      message: expect.stringMatching(/^suite\.yaml:5 checks\[0\]\.column: "county" is not a column of holdout@1/),
    });
    await expect(
      core.validation.run({
        ref: model,
        suite: suite('  - type: regression', '    metric: accuracy', '    tolerance: 0.1'),
      }),
    ).rejects.toMatchObject({
      message: expect.stringMatching(/checks\[0\]\.baseline: a regression check needs a baseline/),
    });
    expect(
      core.validation.checkSuite(model, 'name: x\nchecks:\n  - type: metric\n    metric: auc\n    threshold: 1\n'),
    ).toEqual(
      [
        { line: 4, field: 'checks[0].metric', message: expect.stringMatching(/"auc" is not a metric/) },
        { line: 3, field: 'checks[0].type', message: expect.stringMatching(/needs a holdout/) },
      ].sort((a, b) => a.line - b.line),
    );
    expect(reportCount()).toBe(before);
    expect(core.objects.usage().objects).toBe(objectsBefore);
  });

  it('leaves no object behind when the report row cannot be written', { timeout: 120_000 }, async () => {
    const db = databaseOfCore(core);
    const before = reportCount();
    const objectsBefore = core.objects.usage().objects;
    db.exec(
      "CREATE TRIGGER refuse_reports BEFORE INSERT ON validation_reports BEGIN SELECT RAISE(ABORT, 'disk full'); END",
    );
    try {
      await expect(
        core.validation.run({ ref: model, suite: 'name: smoke\nchecks:\n  - type: onnx\n' }),
      ).rejects.toThrow(/disk full/);
    } finally {
      db.exec('DROP TRIGGER refuse_reports');
    }
    expect(reportCount()).toBe(before);
    expect(core.objects.usage().objects).toBe(objectsBefore);
  });

  it(
    "stops on cancel, from the app (cancel by ref) or the caller (a pipeline's signal), storing nothing",
    { timeout: 120_000 },
    async () => {
      const before = reportCount();
      const objectsBefore = core.objects.usage().objects;
      const checks = suite('  - type: metric', '    metric: accuracy', '    threshold: 0.5', '  - type: drift');
      expect(core.validation.cancel(model)).toEqual({ cancelled: 0 });
      // The app's Cancel: as soon as scoring the holdout starts.
      let cancelledRuns = -1;
      const off = core.events.onDidEmit((name, payload) => {
        const step = name === 'validation.progress' ? (payload as { step: string }).step : '';
        if (step.startsWith('scoring') && cancelledRuns < 0) cancelledRuns = core.validation.cancel(model).cancelled;
      });
      try {
        await expect(core.validation.run({ ref: model, suite: checks })).rejects.toMatchObject({
          code: 'CONFLICT',
          details: { cancelled: true },
          message: expect.stringMatching(/was cancelled/),
        });
      } finally {
        off();
      }
      expect(cancelledRuns).toBe(1);
      // A caller's signal (a pipeline run being cancelled), during the drift test's worker.
      const controller = new AbortController();
      await expect(
        core.validation.run(
          { ref: model, suite: checks },
          (step) => {
            if (step.includes('drift')) setTimeout(() => controller.abort(), 5);
          },
          controller.signal,
        ),
      ).rejects.toMatchObject({ details: { cancelled: true } });
      expect(reportCount()).toBe(before);
      expect(core.objects.usage().objects).toBe(objectsBefore);
      expect(core.validation.cancel(model)).toEqual({ cancelled: 0 });
    },
  );

  it('gates an alias on a passing report, per model or globally', { timeout: 120_000 }, async () => {
    core.validation.gates.set({ alias: 'production' });
    const failing = await core.validation.run({
      ref: model,
      suite: suite('  - type: metric', '    metric: accuracy', '    threshold: 0.999'),
    });
    expect(failing.passed).toBe(false);
    expect(() => core.registry.setAlias(model, 'production')).toThrow(
      `Alias "production" of every model requires a passing validation report before it moves; clf@1: its latest report ${failing.id.slice(0, 8)} failed (0 of 1 checks passed)`,
    );
    expect(core.models.get('clf').model.aliases).toEqual({});
    // Aliases without a rule move freely.
    core.registry.setAlias(model, 'staging');
    core.validation.gates.set({ model: 'clf', alias: 'production', suite: 'smoke' });
    expect(() => core.registry.setAlias(model, 'production')).toThrow(/of suite "smoke".*clf@1: it has none/);
    const passing = await core.validation.run({
      ref: model,
      suite: 'name: smoke\nchecks:\n  - type: onnx\n',
    });
    expect(passing.passed).toBe(true);
    expect(core.registry.setAlias(model, 'production')).toMatchObject({ alias: 'production', version: 1 });
    expect(core.validation.gates.list().map((gate) => [gate.model, gate.alias, gate.suite])).toEqual([
      [null, 'production', null],
      ['clf', 'production', 'smoke'],
    ]);
    expect(core.validation.gates.remove({ alias: 'production' })).toEqual({ removed: true });
    expect(core.validation.gates.remove({ alias: 'production' })).toEqual({ removed: false });
  });
});
