/**
 * Pipelines end to end, through the UI of `lathe serve` and its own executor (no mock): the section reached
 * by its shortcut shows what to do when empty; a definition typed into the editor has its bad reference
 * marked on its line, then, fixed, is saved; Run now ingests a real file and notifies, and the DAG's steps
 * turn green from the core's events; the run page shows the step's log and its output linked to the dataset;
 * then a training step is added, run, and the run cancelled (confirmed) while it trains. Screenshots at
 * 1440×900 and 1280×800, light and dark, written to test-results/screenshots/.
 */
import { join } from 'node:path';
import type { Locator, Page } from '@playwright/test';
import { test, expect } from './fixtures';
import type { DatasetVersion, PipelineRunSummary } from '../../shared/contract/index';

const samples = new URL('../../resources/samples/', import.meta.url).pathname;
const shots = 'test-results/screenshots';

/** The smallest real pipeline: a file ingested as a dataset version, then a notification naming it. */
function ingestAndNotify(file: string, output = 'dataset'): string {
  return [
    'name: customers-daily',
    'description: Customer files become dataset versions, and each is announced.',
    'triggers:',
    '  - kind: manual',
    '  - kind: cron',
    '    schedule: "0 2 * * *"',
    'steps:',
    '  load:',
    '    type: ingest',
    '    with:',
    `      file: ${file}`,
    '      dataset: customers',
    '  announce:',
    '    type: notify',
    '    with:',
    `      message: "Ingested \${{ steps.load.outputs.${output} }}"`,
    '',
  ].join('\n');
}

/** The same with a training step between, long enough (many epochs, one row a step) to be cancelled. */
function withTraining(file: string): string {
  return [
    'name: customers-daily',
    'description: Customer files become dataset versions, a model is trained on each, and each is announced.',
    'triggers:',
    '  - kind: manual',
    'steps:',
    '  load:',
    '    type: ingest',
    '    with:',
    `      file: ${file}`,
    '      dataset: customers',
    '  fit:',
    '    type: train',
    '    with:',
    '      data: ${{ steps.load.outputs.dataset }}',
    '      target: churned',
    '      modelName: churn',
    '      hidden: [4]',
    // One row a step: ≥1,000 epochs × ~280 steps before early stopping can end it, minutes on any machine
    // (with the default batch it finished in seconds on a quiet one, before the test could cancel it).
    '      batchSize: 1',
    '      epochs: 10000',
    '      patience: 1000',
    '  announce:',
    '    type: notify',
    '    with:',
    '      message: "Trained ${{ steps.fit.outputs.model }}"',
    '',
  ].join('\n');
}

/** Screenshots of the page as it is, at both sizes and in both themes; then back to 1440×900, light. */
async function screenshots(page: Page, name: string, ...ready: Locator[]) {
  for (const [width, height] of [
    [1440, 900],
    [1280, 800],
  ] as const) {
    await page.setViewportSize({ width, height });
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      for (const shown of ready) await expect(shown).toBeVisible();
      await page.screenshot({ path: `${shots}/pipelines-${name}-${width}x${height}-${scheme}.png` });
    }
    // Nothing is cut at the right edge: the page is no wider than the window.
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow, `${name} at ${width}×${height} scrolls sideways`).toBeLessThanOrEqual(0);
  }
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.emulateMedia({ colorScheme: 'light' });
}

test('a pipeline added in the UI runs with live step status, shows its logs, and a run is cancelled', async ({
  page,
  lathe,
}) => {
  test.setTimeout(420_000);
  const file = join(samples, 'customers-v1.tsv');
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto(lathe.url);
  await expect(page.getByRole('heading', { name: 'Experiments' })).toBeVisible();
  await page.keyboard.press('g');
  await page.keyboard.press('p');
  await expect(page.getByRole('heading', { name: 'Pipelines', exact: true })).toBeVisible();
  await expect(page.getByText('No pipelines yet')).toBeVisible();
  await expect(page.getByTestId('pipeline-sample')).toContainText('type: ingest');
  await screenshots(page, 'empty', page.getByTestId('pipeline-sample'));

  // New pipeline (its shortcut): the editor opens on the sample, which the core's check accepts.
  await page.keyboard.press('n');
  await expect(page.getByRole('heading', { name: 'New pipeline' })).toBeVisible();
  const status = page.getByTestId('definition-status');
  await expect(status).toContainText('valid: 2 steps, 1 trigger');
  const editor = page.getByRole('textbox', { name: 'Pipeline definition (YAML)' });

  // A reference to an output ingest does not make: marked on its line (16), naming the field.
  await editor.fill(ingestAndNotify(file, 'datset'));
  await expect(status).toContainText('1 problem');
  const problem = page.getByTestId('definition-problem');
  await expect(problem).toHaveCount(1);
  await expect(problem).toContainText('Line 16');
  await expect(problem).toContainText('steps.announce.with.message');
  await expect(problem).toContainText('has no output "datset"');
  await expect(page.locator('[data-line="16"][data-fault="true"]')).toBeVisible();
  await expect(editor).toHaveAttribute('aria-invalid', 'true');
  await screenshots(page, 'editor-problem', problem);
  // The problem is a button that puts the caret on its line.
  await problem.getByRole('button').click();
  await expect(editor).toBeFocused();
  await expect(page.getByText('Line 16 of 17.')).toBeVisible();

  // Fixed, it is valid and saved (Ctrl+S): the pipeline's page opens.
  await editor.fill(ingestAndNotify(file));
  await expect(status).toContainText('valid: 2 steps, 2 triggers');
  await editor.press('Control+s');
  await expect(page.getByRole('heading', { name: 'customers-daily' })).toBeVisible();
  await expect(page.getByTestId('graph-caption')).toContainText('Not run yet');
  const graph = page.getByRole('group', { name: 'Steps of customers-daily' });
  await expect(graph.locator('[data-step]')).toHaveCount(2);
  await expect(graph.locator('[data-edge="load->announce"]')).toHaveCount(1);

  // Listed with its triggers and next scheduled start.
  await page.getByRole('link', { name: 'Pipelines' }).first().click();
  const row = page.getByTestId('pipeline-row-customers-daily');
  await expect(row).toContainText('cron 0 2 * * *');
  await expect(row).toContainText('never run');
  await expect(row.getByRole('cell').nth(4)).not.toHaveText('by hand only');
  await row.getByRole('link', { name: 'customers-daily' }).click();

  // Run now: the core runs it, and the steps turn green as its events arrive.
  await page.getByRole('button', { name: 'Run now' }).click();
  // The notify step's message reaches the page as an in-app notification (watched from now: it closes by itself).
  const notified = expect(page.getByRole('alert').filter({ hasText: 'Ingested customers@1' })).toBeVisible({
    timeout: 90_000,
  });
  await expect(graph.locator('[data-step="load"]')).toHaveAttribute('data-status', 'succeeded', { timeout: 90_000 });
  await expect(graph.locator('[data-step="announce"]')).toHaveAttribute('data-status', 'succeeded', {
    timeout: 60_000,
  });
  const history = page.getByRole('table', { name: 'Run history' });
  await expect(history.locator('[data-status="succeeded"]')).toHaveCount(1);
  await notified;
  await screenshots(page, 'pipeline', graph.locator('[data-step="announce"]'));

  // A step of the DAG opens the run on that step: its log and its output, linked to the dataset.
  await graph.getByRole('button', { name: /Step load/ }).click();
  await expect(page).toHaveURL(/\/pipelines\/customers-daily\/runs\/.+step=load/);
  const log = page.getByRole('log', { name: 'Log of step load' });
  await expect(log).toContainText(`adding ${file}`);
  await expect(log).toContainText('customers@1: 400 rows');
  const outputs = page.getByRole('table', { name: 'Outputs' });
  await expect(outputs.getByRole('link', { name: 'customers@1' })).toHaveAttribute('href', '#/datasets/customers?v=1');
  await expect(page.getByLabel('Produced').getByRole('link', { name: 'customers@1', exact: true })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Run lineage' })).toHaveAttribute(
    'href',
    /#\/lineage\?entity=pipeline_run%3A/,
  );
  // Drawn, not still being laid out, when it is taken.
  await screenshots(page, 'run', log, page.getByRole('group', { name: /Steps of run/ }).locator('[data-step="load"]'));
  // The other step, chosen from the keyboard in the steps list.
  await page.getByTestId('step-item-announce').focus();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('log', { name: 'Log of step announce' })).toContainText('Ingested customers@1');
  await expect(page.getByRole('table', { name: 'Inputs' })).toContainText('Ingested customers@1');

  // The run's lineage: the lineage page focused on it, with the dataset version it made.
  await page.getByRole('link', { name: 'Run lineage' }).click();
  await expect(page.getByLabel('Focused entity')).toContainText('customers-daily');
  await expect(page.getByRole('img', { name: 'Lineage graph' }).locator('[data-kind="dataset_version"]')).toHaveCount(
    1,
    { timeout: 30_000 },
  );

  // A training step is added in the Definition tab; the new run is cancelled while it trains.
  await page.goto(`${lathe.origin}/#/pipelines/customers-daily?tab=definition`);
  await editor.fill(withTraining(file));
  await expect(status).toContainText('valid: 3 steps, 1 trigger');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByText('Saved pipeline customers-daily.')).toBeVisible();
  await page.getByRole('tab', { name: 'Runs' }).click();
  await expect(graph.locator('[data-step]')).toHaveCount(3);
  await page.getByRole('button', { name: 'Run now' }).click();
  await expect(graph.locator('[data-step="fit"]')).toHaveAttribute('data-status', 'running', { timeout: 90_000 });
  // The file did not change: its ingest is not done twice, the recorded version is reused.
  await expect(graph.locator('[data-step="load"]')).toHaveAttribute('data-status', 'reused');
  await screenshots(page, 'running', graph.locator('[data-step="fit"]'));
  await page.getByRole('button', { name: 'Cancel run' }).click();
  const confirm = page.getByRole('dialog', { name: /Cancel run/ });
  await expect(confirm).toContainText('cannot be resumed');
  // Keeping it running closes the dialog and changes nothing.
  await confirm.getByRole('button', { name: 'Keep running' }).click();
  await expect(confirm).toBeHidden();
  await expect(graph.locator('[data-step="fit"]')).toHaveAttribute('data-status', 'running');
  await page.getByRole('button', { name: 'Cancel run' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Cancel the run' }).click();
  await expect(graph.locator('[data-step="fit"]')).toHaveAttribute('data-status', 'cancelled', { timeout: 60_000 });
  await expect(graph.locator('[data-step="announce"]')).not.toHaveAttribute('data-status', /running|succeeded/);
  await expect(history.locator('[data-status="cancelled"]')).toHaveCount(1);
  await expect(page.getByRole('button', { name: 'Cancel run' })).toBeHidden();
  await screenshots(page, 'cancelled', history);

  // Steps that read a trigger value: Run now asks for it, and the run uses what was typed.
  await page.getByRole('tab', { name: 'Definition' }).click();
  await editor.fill(ingestAndNotify('${{ trigger.file }}'));
  await expect(status).toContainText('valid: 2 steps, 2 triggers');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByText('Saved pipeline customers-daily.').first()).toBeVisible();
  await page.getByRole('tab', { name: 'Runs' }).click();
  await expect(graph.locator('[data-step]')).toHaveCount(2);
  await page.getByRole('button', { name: 'Run now' }).click();
  const ask = page.getByRole('dialog', { name: 'Run customers-daily by hand' });
  await ask.getByRole('textbox', { name: 'trigger.file' }).fill(join(samples, 'customers-v2.csv'));
  await ask.getByRole('button', { name: 'Start the run' }).click();
  await expect(graph.locator('[data-step="announce"]')).toHaveAttribute('data-status', 'succeeded', {
    timeout: 90_000,
  });
  await expect(graph.locator('[data-step="load"]')).toHaveAttribute('data-status', 'succeeded');

  // The CLI sees the same history.
  const runs = await lathe.cli(['pipeline', 'runs', 'customers-daily', '--json']);
  expect(runs.code, runs.stderr).toBe(0);
  expect((JSON.parse(runs.stdout) as PipelineRunSummary[]).map((run) => run.status)).toEqual([
    'succeeded',
    'cancelled',
    'succeeded',
  ]);
  const shown = await lathe.cli(['data', 'versions', 'customers', '--json']);
  expect(shown.code, shown.stderr).toBe(0);
  // The typed file became the next version of the dataset.
  const versions = JSON.parse(shown.stdout) as DatasetVersion[];
  expect(versions.map((version) => [version.version, version.origin?.path])).toEqual([
    [2, join(samples, 'customers-v2.csv')],
    [1, file],
  ]);
});
