/**
 * Tracking end to end: a "script" logs through the MLflow REST API (the bodies MLflow's Python client
 * sends), and the UI shows it live: runs table, filter errors, run page with charts and artifact previews,
 * compare view, permanent deletion; then a 100,000-run experiment scrolled to its end.
 */
import { test, expect, type Lathe } from './fixtures';
import { openCore } from '../../electron/core/core';

test.describe.configure({ timeout: 120_000 });

/** A tiny MLflow client speaking like the Python one: Bearer token, run_id + run_uuid. */
function mlflow(lathe: Lathe) {
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${lathe.origin}${path}`, {
      method,
      headers: { Authorization: `Bearer ${lathe.token}`, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const json = (await response.json()) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(json)}`);
    return json;
  };
  return {
    async experiment(name: string): Promise<string> {
      const found = await fetch(
        `${lathe.origin}/api/2.0/mlflow/experiments/get-by-name?experiment_name=${encodeURIComponent(name)}`,
        { headers: { Authorization: `Bearer ${lathe.token}` } },
      );
      if (found.status === 200)
        return ((await found.json()) as { experiment: { experiment_id: string } }).experiment.experiment_id;
      return (await call('POST', '/api/2.0/mlflow/experiments/create', { name })).experiment_id as string;
    },
    async run(
      experimentId: string,
      params: Record<string, string>,
      curve: (step: number) => number,
      steps = 50,
    ): Promise<{ id: string; name: string }> {
      const { run } = await call('POST', '/api/2.0/mlflow/runs/create', {
        experiment_id: experimentId,
        user_id: 'e2e',
        start_time: Date.now(),
        tags: [{ key: 'mlflow.source.name', value: 'train.py' }],
      });
      const id = run.info.run_id as string;
      await call('POST', '/api/2.0/mlflow/runs/log-batch', {
        run_id: id,
        params: Object.entries(params).map(([key, value]) => ({ key, value })),
        metrics: Array.from({ length: steps }, (_, step) => ({
          key: 'loss',
          value: curve(step),
          timestamp: Date.now() + step,
          step,
        })),
      });
      await call('POST', '/api/2.0/mlflow/runs/log-metric', {
        run_id: id,
        run_uuid: id,
        key: 'accuracy',
        value: 1 - curve(steps),
        timestamp: Date.now(),
        step: steps,
      });
      return { id, name: run.info.run_name as string };
    },
    async artifact(experimentId: string, runId: string, path: string, bytes: string) {
      await call('PUT', `/api/2.0/mlflow-artifacts/artifacts/${experimentId}/${runId}/artifacts/${path}`, bytes);
    },
    async finish(runId: string) {
      await call('POST', '/api/2.0/mlflow/runs/update', {
        run_id: runId,
        run_uuid: runId,
        status: 'FINISHED',
        end_time: Date.now(),
      });
    },
  };
}

test('runs logged through the MLflow API appear live; filter, run page, compare, delete for good', async ({
  page,
  lathe,
}) => {
  const client = mlflow(lathe);
  const experimentId = await client.experiment('mnist-sweep');
  const a = await client.run(experimentId, { lr: '0.01', seed: '1', optimizer: 'adam' }, (s) => 1 / (1 + s));
  const b = await client.run(experimentId, { lr: '0.1', seed: '2', optimizer: 'adam' }, (s) => 2 / (1 + s));
  await client.artifact(experimentId, a.id, 'config.json', JSON.stringify({ layers: [64, 32], dropout: 0.2 }));
  await client.artifact(experimentId, a.id, 'eval/predictions.csv', 'id,label,score\n1,cat,0.91\n2,dog,0.12\n');
  await client.finish(a.id);
  // A validation curve beside the loss: the run page draws them in one chart.
  await fetch(`${lathe.origin}/api/2.0/mlflow/runs/log-batch`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${lathe.token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({
      run_id: a.id,
      metrics: Array.from({ length: 5 }, (_, step) => ({
        key: 'val_loss',
        value: 1 / (2 + step),
        timestamp: Date.now(),
        step,
      })),
    }),
  });

  await page.goto(lathe.url);
  await page.getByRole('link', { name: 'Open runs of mnist-sweep' }).click();
  await expect(page.getByRole('heading', { name: 'mnist-sweep' })).toBeVisible();
  await expect(page.getByTestId('runs-count')).toHaveText('2 runs');
  await expect(page.getByTestId(`run-row-${a.id}`)).toContainText('finished');
  await expect(page.getByTestId(`run-row-${b.id}`)).toContainText('running');

  // A new run logged while the page is open appears without a reload.
  const c = await client.run(experimentId, { lr: '0.01', seed: '3', optimizer: 'adam' }, (s) => 1.2 / (1 + s));
  await expect(page.getByTestId(`run-row-${c.id}`)).toBeVisible();
  await expect(page.getByTestId('runs-count')).toHaveText('3 runs');

  // The filter box: a mistake is explained inline, a valid filter narrows the table.
  const filter = page.getByRole('textbox', { name: 'Filter runs' });
  await filter.fill("params.lr = '0.01' and metrics.loss >");
  await filter.press('Enter');
  await expect(page.getByText(/Expected a value after >/)).toBeVisible();
  await filter.fill("params.lr = '0.01' and metrics.accuracy > 0.9");
  await filter.press('Enter');
  await expect(page.getByTestId('runs-count')).toHaveText('2 runs match the filter');
  await expect(page.getByTestId(`run-row-${b.id}`)).toHaveCount(0);
  await page.screenshot({ path: 'test-results/screenshots/runs-table.png', fullPage: true });

  // A bad filter keeps the last good result on screen, says why beside the box and offers the fix.
  await filter.fill('loss < 0.5');
  await filter.press('Enter');
  await expect(page.getByTestId('filter-error')).toContainText('Unknown attribute "loss"');
  await expect(page.getByTestId(`run-row-${a.id}`)).toBeVisible();
  await expect(page.getByTestId('runs-count')).toHaveText('2 runs match the filter');
  await page.getByRole('button', { name: 'metrics.loss < 0.5' }).click();
  await expect(filter).toHaveValue('metrics.loss < 0.5');
  await expect(page.getByTestId('filter-error')).toHaveCount(0);
  await filter.fill("params.seed = '3'");
  await filter.press('Enter');
  await expect(page.getByTestId('runs-count')).toHaveText('1 run matches the filter');
  await expect(page.getByTestId(`run-row-${c.id}`)).toBeVisible();

  // Sorting by a metric column (server side).
  await filter.fill('');
  await filter.press('Enter');
  // Numbers sort high to low first, then low to high.
  const sortAccuracy = page.getByRole('button', { name: 'Sort by metrics.accuracy' });
  const firstRow = page.locator('[role=row][data-testid^="run-row-"]').first();
  await sortAccuracy.click();
  await expect(firstRow).toHaveAttribute('data-testid', `run-row-${a.id}`);
  await sortAccuracy.click();
  await expect(firstRow).toHaveAttribute('data-testid', `run-row-${b.id}`);

  // The experiment's chart view: one panel per metric, every run in it (single values as bars, not dots).
  await page.getByText('Charts', { exact: true }).click();
  const experimentCharts = page.getByTestId('experiment-charts');
  await expect(experimentCharts.getByRole('img', { name: 'Chart of loss' })).toBeVisible();
  await expect(experimentCharts.getByRole('img', { name: 'Chart of accuracy' })).toBeVisible();
  await expect(experimentCharts.getByTestId('chart-loss')).toContainText('150 points');
  await page.screenshot({ path: 'test-results/screenshots/experiment-charts.png', fullPage: true });
  await page.getByText('Table', { exact: true }).click();

  // Run page: params, charts, artifact previews.
  await page.getByRole('link', { name: a.name }).click();
  await expect(page.getByRole('heading', { name: a.name })).toBeVisible();
  await expect(page.getByRole('table', { name: 'Params' })).toContainText('optimizer');
  await page.getByRole('tab', { name: /Charts/ }).click();
  // accuracy was logged once: a value in a table, not a lone dot; loss and val_loss share a chart.
  await expect(page.getByRole('table', { name: 'Single values' })).toContainText('accuracy');
  await expect(page.getByTestId('chart-accuracy')).toHaveCount(0);
  await expect(page.getByTestId('chart-val_loss')).toHaveCount(0);
  await expect(page.getByTestId('chart-loss')).toContainText('loss and val_loss');
  await expect(page.getByTestId('chart-loss')).toContainText('55 points');
  await expect(page.getByRole('img', { name: 'Chart of loss and val_loss' }).locator('canvas')).toBeVisible();
  // Points logged while the chart is open show up without a reload.
  await fetch(`${lathe.origin}/api/2.0/mlflow/runs/log-batch`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${lathe.token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({
      run_id: a.id,
      metrics: Array.from({ length: 10 }, (_, i) => ({
        key: 'loss',
        value: 0.01,
        timestamp: Date.now(),
        step: 50 + i,
      })),
    }),
  });
  await expect(page.getByTestId('chart-loss')).toContainText('65 points');
  await page.getByText('Relative time', { exact: true }).click();
  await expect(page.getByRole('radio', { name: 'Relative time' })).toBeChecked();
  await page.getByRole('switch', { name: 'Log scale' }).click();
  await expect(page.getByRole('switch', { name: 'Log scale' })).toBeChecked();
  await page.screenshot({ path: 'test-results/screenshots/run-charts.png', fullPage: true });
  await page.getByRole('tab', { name: 'Artifacts' }).click();
  await page.getByRole('button', { name: /config\.json/ }).click();
  await expect(page.getByLabel('Preview of config.json')).toContainText('"dropout": 0.2');
  await page.getByRole('button', { name: /^eval/ }).click();
  await page.getByRole('button', { name: /predictions\.csv/ }).click();
  await expect(page.getByRole('table', { name: 'Preview of eval/predictions.csv' })).toContainText('dog');
  await page.screenshot({ path: 'test-results/screenshots/run-artifacts.png', fullPage: true });

  // Compare: only differing params, overlaid curves, group bands.
  await page.getByRole('link', { name: 'mnist-sweep' }).click();
  for (const run of [a, b, c]) await page.getByRole('checkbox', { name: `Select ${run.name}` }).check();
  await page.getByRole('button', { name: /Compare 3/ }).click();
  await expect(page.getByRole('heading', { name: 'Compare 3 runs' })).toBeVisible();
  // The breadcrumb names the experiment; metrics have their own table; the learning rate gets a log axis.
  await expect(page.getByRole('link', { name: 'mnist-sweep', exact: true })).toBeVisible();
  const params = page.getByRole('table', { name: 'Params' });
  await expect(params).not.toContainText('metric');
  await expect(page.getByRole('table', { name: 'Latest metrics' })).toContainText('accuracy');
  await expect(page.getByRole('img', { name: /Parallel coordinates.*log scale: lr/ })).toBeVisible();
  await expect(params).toContainText('seed');
  await expect(params).not.toContainText('optimizer');
  await page.getByRole('switch', { name: 'Only params that differ' }).click();
  await expect(params).toContainText('optimizer');
  await page.getByRole('textbox', { name: 'Group by param' }).click();
  await page.getByRole('option', { name: 'lr' }).click();
  await expect(page.getByRole('img', { name: /grouped by lr/ })).toBeVisible();
  await page.screenshot({ path: 'test-results/screenshots/compare.png', fullPage: true });

  // Delete for good, with a confirmation; the CLI no longer finds it.
  await page.getByRole('link', { name: 'mnist-sweep', exact: true }).click();
  await page.getByRole('checkbox', { name: `Select ${a.name}` }).check();
  await page.getByRole('button', { name: /^Delete 1/ }).click();
  await expect(page.getByRole('dialog', { name: 'Delete runs for good?' })).toBeVisible();
  await page.getByRole('button', { name: 'Delete for good' }).click();
  await expect(page.getByTestId(`run-row-${a.id}`)).toHaveCount(0);
  await expect(page.getByTestId('runs-count')).toHaveText('2 runs');
  const shown = await lathe.cli(['--json', 'runs', 'show', a.id]);
  expect(shown.code).toBe(2);
});

test('a 100,000-run experiment scrolls to its last run', async ({ page, lathe }) => {
  // Seed straight into the same store (WAL lets the server read while we write): 100,000 runs with a metric and a param.
  const core = openCore({ home: lathe.home, shell: 'cli' });
  const experiment = core.experiments.create('big-sweep');
  core.batch(() => {
    for (let i = 0; i < 100_000; i += 1) {
      const run = core.tracking.createRun({
        experimentId: experiment.id,
        name: `run-${String(i).padStart(6, '0')}`,
        startTime: 1_700_000_000_000 + i,
      });
      core.tracking.logBatch(run.id, {
        metrics: [{ key: 'acc', value: (i % 1000) / 1000, step: 0, timestamp: 1 }],
        params: [{ key: 'lr', value: String(i % 7) }],
      });
    }
  });
  await core.dispose();

  await page.goto(lathe.url);
  await page.goto(`${lathe.origin}/#/experiments/${experiment.id}`);
  await expect(page.getByTestId('runs-count')).toHaveText('100,000 runs', { timeout: 15_000 });
  await expect(page.getByRole('link', { name: 'run-099999' })).toBeVisible();
  // The DOM holds only the visible rows, not 100,000.
  expect(await page.locator('[role=row][data-testid^="run-row-"]').count()).toBeLessThan(120);

  // Jump to the end: the rows there load page by page as they come into view.
  const table = page.getByRole('table', { name: 'Runs' });
  const started = Date.now();
  await table.evaluate((el) => (el.scrollTop = el.scrollHeight));
  await expect(page.getByRole('link', { name: 'run-000000' })).toBeVisible({ timeout: 20_000 });
  const reachedEndMs = Date.now() - started;
  console.log(`scrolled to the last of 100,000 runs in ${reachedEndMs} ms`);
  await page.screenshot({ path: 'test-results/screenshots/runs-100k.png' });

  // Sorting 100,000 runs by a metric is answered by the core, not the page.
  await page.getByRole('button', { name: 'Sort by metrics.acc' }).click(); // high to low
  await page.getByRole('button', { name: 'Sort by metrics.acc' }).click(); // low to high
  await table.evaluate((el) => (el.scrollTop = 0));
  const firstAcc = page.locator('[role=row][data-testid^="run-row-"]').first().getByRole('cell').nth(5);
  await expect(firstAcc).toHaveText('0', { timeout: 10_000 });
});
