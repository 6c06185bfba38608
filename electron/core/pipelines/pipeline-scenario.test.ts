/**
 * The scenario, offline with real training: loans v1 → a champion trained, compared and promoted →
 * a drifted v2 dropped into the watched folder → ingested, the monitor alerts on drift → the alert starts
 * the retraining → the challenger beats the champion on the holdout → promoted. The lineage records what
 * each run made.
 */
import { mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Core } from '../core.js';
import { openTempCore } from '../testing/temp-core.js';
import { exportStep, intakeYaml, trainLoopYaml, writeLoopCsv, loopCsv } from './testing/loop.js';
import { waitFor, waitForRunEnd } from './testing/wait.js';
import { writeFileSync } from 'node:fs';

let core: Core;
let cleanup: () => Promise<void>;
let folder: string;
beforeEach(() => {
  ({ core, cleanup } = openTempCore());
  folder = mkdtempSync(join(tmpdir(), 'lathe-pipeline-'));
});
afterEach(async () => {
  await cleanup();
  rmSync(folder, { recursive: true, force: true });
});

describe('continuous learning scenario', () => {
  it('drift in new data retrains, and the better challenger is promoted', { timeout: 300_000 }, async () => {
    await core.datasets.add({ path: writeLoopCsv(folder, 'loans-v1.csv', 600, 1, false), name: 'loans' });
    await core.datasets.add({ path: writeLoopCsv(folder, 'holdout-v1.csv', 300, 2, false), name: 'holdout' });
    const bundles = join(folder, 'bundles');
    mkdirSync(bundles);
    core.pipelines.save(trainLoopYaml(exportStep(bundles)));
    const incoming = join(folder, 'incoming');
    mkdirSync(incoming);
    core.pipelines.save(intakeYaml(incoming));
    core.pipelines.start({ pollMs: 200 });

    // 1. The first champion.
    const first = core.pipelines.trigger('train-loop');
    const firstEnd = await waitForRunEnd(core, 'train-loop');
    expect(firstEnd.id).toBe(first.id);
    expect(firstEnd.status, firstEnd.error ?? '').toBe('succeeded');
    expect(core.models.resolve('loans-model@champion').version).toBe(1);

    // 2. Drifted data arrives, with its labelled holdout; the file is written elsewhere and moved in whole.
    await core.datasets.add({ path: writeLoopCsv(folder, 'holdout-v2.csv', 300, 4, true), name: 'holdout' });
    const staging = join(folder, 'loans-v2.csv');
    writeFileSync(staging, loopCsv(600, 3, true));
    renameSync(staging, join(incoming, 'loans-v2.csv'));

    const intake = await waitForRunEnd(core, 'intake');
    expect(intake.status, intake.error ?? '').toBe('succeeded');
    const intakeDetail = core.pipelines.run(intake.id);
    expect(intakeDetail.steps.find((s) => s.step === 'ingest')!.outputs).toMatchObject({ dataset: 'loans@2' });
    expect(intakeDetail.steps.find((s) => s.step === 'watch')!.outputs).toMatchObject({ drift: true });

    // 3. The alert retrains; the challenger wins on the new holdout and becomes the champion.
    const retrain = await waitForRunEnd(core, 'train-loop', { skip: 1 });
    expect(retrain.status, retrain.error ?? '').toBe('succeeded');
    expect(retrain.trigger.kind).toBe('alert');
    const detail = core.pipelines.run(retrain.id);
    const evaluate = detail.steps.find((s) => s.step === 'evaluate')!.outputs!;
    expect(evaluate).toMatchObject({ model: 'loans-model@2', champion: 'loans-model@1', better: true });
    expect(evaluate.score as number).toBeGreaterThan((evaluate.championScore as number) + 0.1);
    expect(detail.steps.map((s) => [s.step, s.status])).toEqual([
      ['train', 'succeeded'],
      ['evaluate', 'succeeded'],
      ['better', 'succeeded'],
      ['release', 'succeeded'],
      ['promote', 'succeeded'],
      ['bundle', 'succeeded'],
    ]);
    expect(core.models.resolve('loans-model@champion').version).toBe(2);
    // The new champion was exported as a bundle that passes its own self-test.
    const bundle = detail.steps.find((s) => s.step === 'bundle')!.outputs!;
    expect(bundle).toMatchObject({ target: 'server', path: join(bundles, retrain.id) });
    expect(core.bundles.get(bundle.bundle as string)).toMatchObject({ ref: 'loans-model@2', present: true });
    expect((await core.bundles.selftest(bundle.bundle as string)).passed).toBe(true);

    // 4. The lineage: each run names what it made.
    const graph = core.lineage.graph({ kind: 'pipeline_run', id: retrain.id }, { direction: 'downstream', depth: 1 });
    expect(graph.nodes.map((n) => n.label).sort()).toEqual(
      expect.arrayContaining(['loans-model@2', expect.stringMatching(/^run /)]),
    );
    expect(graph.nodes.filter((n) => n.kind === 'validation_report')).toHaveLength(1);
    expect(graph.nodes.filter((n) => n.kind === 'bundle')).toHaveLength(1);
    expect(detail.steps.find((s) => s.step === 'release')!.outputs).toMatchObject({
      passed: true,
      model: 'loans-model@2',
    });
    const intakeGraph = core.lineage.graph(
      { kind: 'pipeline_run', id: intake.id },
      { direction: 'downstream', depth: 1 },
    );
    expect(intakeGraph.nodes.some((n) => n.kind === 'dataset_version' && n.version === 2)).toBe(true);
    // The monitor the intake ran is what started the retraining.
    const monitor = intakeGraph.nodes.find((n) => n.kind === 'monitor')!;
    const caused = core.lineage.graph({ kind: 'monitor', id: monitor.id }, { direction: 'downstream', depth: 1 });
    expect(caused.edges).toContainEqual({
      from: { kind: 'monitor', id: monitor.id },
      to: { kind: 'pipeline_run', id: retrain.id },
      relation: 'triggered',
    });
    // Exactly one intake run and two trainings: nothing ran twice.
    expect(core.pipelines.runs('intake', 100)).toHaveLength(1);
    expect(core.models.get('loans-model').versions).toHaveLength(2);
    await waitFor(
      core,
      () => (core.pipelines.runs(undefined, 100).every((r) => r.status !== 'running') ? true : undefined),
      10_000,
      'no run active',
    );
  });
});
