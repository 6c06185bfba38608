/**
 * Issue 16's loop as a user sees it: loans v1 and its holdout are added, the retraining pipeline is started
 * from the pipeline page (champion trained, validated, promoted, exported), then a drifted v2 is dropped into
 * the watched folder; `lathe serve`'s own executor ingests it, the monitor alerts, the alert retrains, the
 * challenger wins on the holdout and is promoted and exported. The pipeline, run and lineage pages then show
 * all of it. Real training (wasm, small data), no mock; screenshots at 1440×900 written to
 * test-results/screenshots/.
 */
import { mkdirSync, mkdtempSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, expect } from './fixtures';
import type { PipelineRunSummary } from '../../shared/contract/index';
import {
  exportStep,
  intakeYaml,
  loopCsv,
  trainLoopYaml,
  writeLoopCsv,
} from '../../electron/core/pipelines/testing/loop';

const shots = 'test-results/screenshots';

test('the continuous-learning loop runs under lathe serve and its pipeline, run and lineage pages show it', async ({
  page,
  lathe,
}) => {
  test.setTimeout(480_000);
  const folder = mkdtempSync(join(tmpdir(), 'lathe-e2e-loop-'));
  const bundles = join(folder, 'bundles');
  const incoming = join(folder, 'incoming');
  mkdirSync(bundles);
  mkdirSync(incoming);
  for (const [file, name, seed] of [
    ['loans-v1.csv', 'loans', 1],
    ['holdout-v1.csv', 'holdout', 2],
  ] as const) {
    const path = writeLoopCsv(folder, file, name === 'loans' ? 600 : 300, seed, false);
    const added = await lathe.cli(['data', 'add', path, '--name', name]);
    expect(added.code, added.stderr).toBe(0);
  }
  for (const [file, yaml] of [
    ['train-loop.yaml', trainLoopYaml(exportStep(bundles))],
    ['intake.yaml', intakeYaml(incoming)],
  ] as const) {
    writeFileSync(join(folder, file), yaml);
    const added = await lathe.cli(['pipeline', 'add', join(folder, file)]);
    expect(added.code, added.stderr).toBe(0);
  }

  // 1. The first champion, started from the pipeline's page.
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto(lathe.url);
  await page.goto(`${lathe.origin}/#/pipelines/train-loop`);
  await expect(page.getByRole('heading', { name: 'train-loop' })).toBeVisible();
  await page.getByRole('button', { name: 'Run now' }).click();
  const history = page.getByRole('table', { name: 'Run history' });
  await expect(history.getByRole('row')).toHaveCount(2, { timeout: 30_000 });
  const newestStatus = history.getByRole('row').nth(1).getByRole('cell').nth(1);
  await expect(newestStatus).toHaveText(/^succeeded$/i, { timeout: 240_000 });

  // 2. Drifted data arrives: written elsewhere, moved into the watched folder whole, with its holdout.
  const holdout = await lathe.cli([
    'data',
    'add',
    writeLoopCsv(folder, 'holdout-v2.csv', 300, 4, true),
    '--name',
    'holdout',
  ]);
  expect(holdout.code, holdout.stderr).toBe(0);
  const staging = join(folder, 'loans-v2.csv');
  writeFileSync(staging, loopCsv(600, 3, true));
  renameSync(staging, join(incoming, 'loans-v2.csv'));

  // 3. The alert retrains; the run history of the page follows (events), the newest run on top.
  await expect(history.getByRole('row')).toHaveCount(3, { timeout: 240_000 });
  await expect(history.getByRole('row').nth(1)).toContainText('drift alert of monitor loans-watch');
  await expect(newestStatus).toHaveText(/^succeeded$/i, { timeout: 240_000 });
  await page.screenshot({ path: `${shots}/pipeline-loop-history-1440.png`, fullPage: true });

  const listed = await lathe.cli(['--json', 'pipeline', 'runs', 'train-loop']);
  const runs = JSON.parse(listed.stdout) as PipelineRunSummary[];
  const retrain = runs.find((run) => run.trigger.kind === 'alert');
  expect(retrain, listed.stdout).toBeDefined();
  expect(retrain!.status).toBe('succeeded');

  // 4. The retraining run's page: every step green, the challenger promoted, the bundle produced.
  await page.goto(`${lathe.origin}/#/pipelines/train-loop/runs/${retrain!.id}`);
  for (const step of ['train', 'evaluate', 'better', 'release', 'promote', 'bundle'])
    await expect(page.getByTestId(`step-item-${step}`)).toHaveAttribute('data-status', 'succeeded', {
      timeout: 30_000,
    });
  await page.getByTestId('step-item-evaluate').click();
  const outputs = page.getByRole('table', { name: 'Outputs' });
  await expect(outputs).toContainText('loans-model@2');
  await expect(outputs).toContainText('loans-model@1');
  await page.getByTestId('step-item-promote').click();
  await expect(page.getByRole('table', { name: 'Outputs' })).toContainText('champion');
  await page.screenshot({ path: `${shots}/pipeline-loop-run-1440.png`, fullPage: true });

  // 5. Its lineage: the model version it trained, the validation report and the bundle.
  await page.getByRole('link', { name: 'Run lineage' }).click();
  const graph = page.getByRole('img', { name: 'Lineage graph' });
  await expect(graph.locator('[data-kind="bundle"]')).toHaveCount(1, { timeout: 60_000 });
  await expect(graph.locator('[data-kind="validation_report"]')).toHaveCount(1);
  await expect(graph.locator('[data-kind="model_version"]').first()).toBeVisible();
  await page.screenshot({ path: `${shots}/pipeline-loop-lineage-1440.png`, fullPage: true });

  // The registry agrees: two versions, the second is the champion.
  const champion = await lathe.cli(['--json', 'model', 'aliases', 'loans-model']);
  expect(champion.code, champion.stderr).toBe(0);
  expect((JSON.parse(champion.stdout) as { aliases: Record<string, number> }).aliases).toMatchObject({ champion: 2 });
});
