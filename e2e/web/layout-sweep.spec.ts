/**
 * A page sweep: a home seeded as a data scientist's would be after a day (a dataset with two versions, two
 * trained model versions, runs logged over the MLflow API with long keys and tiny metrics, a drift report, a
 * monitor that has run), then every page and tab at 1440×900 and 1280×800, light and dark. Each page must pass
 * the generic layout checks of testing/layout-checks.ts (no sideways scroll, no text cut, no word broken
 * mid-word, no wrapped numbers or headers, no orphan chart dots); a full-page screenshot of each is saved
 * under test-results/screenshots/sweep-*.png for a person to look at.
 */
import { join } from 'node:path';
import { test, expect, type Lathe } from './fixtures';
import { layoutProblems } from './testing/layout-checks';
import type { Page } from '@playwright/test';

const samples = new URL('../../resources/samples/', import.meta.url).pathname;

/** Logs runs the way MLflow's Python client does (Bearer token, run_id and run_uuid). */
function mlflow(lathe: Lathe) {
  const call = async (path: string, body: unknown) => {
    const response = await fetch(`${lathe.origin}${path}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${lathe.token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    const json = (await response.json()) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    if (!response.ok) throw new Error(`${path}: ${response.status} ${JSON.stringify(json)}`);
    return json;
  };
  return {
    experiment: async (name: string) =>
      (await call('/api/2.0/mlflow/experiments/create', { name })).experiment_id as string,
    /** A run with long dotted keys, a 40-step loss and val_loss, and single values (one tiny) at the end. */
    async run(experimentId: string, name: string, learningRate: number): Promise<string> {
      const { run } = await call('/api/2.0/mlflow/runs/create', {
        experiment_id: experimentId,
        run_name: name,
        start_time: Date.now(),
        tags: [{ key: 'mlflow.source.name', value: 'train_churn_classifier.py' }],
      });
      const id = run.info.run_id as string;
      const curve = (step: number, offset: number) => offset + 0.9 * Math.exp(-step * learningRate * 20);
      await call('/api/2.0/mlflow/runs/log-batch', {
        run_id: id,
        params: [
          { key: 'optimizer.adam.learning_rate_warmup_schedule_steps', value: '1000' },
          { key: 'model.encoder.hidden_layer_sizes', value: '[256, 128, 64]' },
          {
            key: 'data.train_path',
            value: '/home/analyst/projects/churn/data/processed/customers_2024_q3_train.parquet',
          },
          { key: 'learning_rate', value: String(learningRate) },
        ],
        metrics: [
          ...Array.from({ length: 40 }, (_, step) => [
            { key: 'loss', value: curve(step, 0.1), timestamp: Date.now() + step, step },
            { key: 'val_loss', value: curve(step, 0.16), timestamp: Date.now() + step, step },
          ]).flat(),
          { key: 'test_onnx_max_difference', value: 1.1920929e-7, timestamp: Date.now(), step: 0 },
          { key: 'final_validation_area_under_precision_recall_curve', value: 0.8123, timestamp: Date.now(), step: 0 },
        ],
      });
      await call('/api/2.0/mlflow/runs/update', { run_id: id, run_uuid: id, status: 'FINISHED', end_time: Date.now() });
      return id;
    },
  };
}

/** One page of the sweep: where it is, the heading that says it has loaded, and a tab to open first. */
interface Stop {
  name: string;
  path: string;
  heading?: string;
  /** Done after the heading shows (open a tab); waits for what it opens. */
  then?: (page: Page) => Promise<void>;
  /** Checks of this page beyond the generic ones, one line per problem. */
  check?: (page: Page) => Promise<string[]>;
}

/** On the model page the metric values sit beside their names (the longest one), not half a panel away. */
async function metricsBesideNames(page: Page): Promise<string[]> {
  const gap = await page.evaluate(() => {
    const textBox = (cell: Element) => {
      const range = document.createRange();
      range.selectNodeContents(cell);
      return range.getBoundingClientRect();
    };
    const rows = Array.from(document.querySelectorAll('table[aria-label="Metrics"] tr'));
    if (rows.length === 0) return null;
    const names = rows.map((row) => textBox(row.querySelectorAll('td')[0]!).right);
    const values = rows.map((row) => textBox(row.querySelectorAll('td')[1]!).left);
    return Math.min(...values) - Math.max(...names);
  });
  if (gap === null) return ['the model page shows no metrics table'];
  return gap > 80 ? [`metric values sit ${Math.round(gap)} px from their names`] : [];
}

/** The lineage drawing must fill its panel's width or height, not sit small in the middle of it. */
/** The seeded monitor's windows carry no labels: its F1/ROC AUC panel says so instead of drawing empty axes. */
async function noEmptyCharts(page: Page): Promise<string[]> {
  await expect(page.getByTestId('metric-chart-empty')).toBeVisible({ timeout: 30_000 });
  const empty = await page.getByRole('img', { name: 'F1 and ROC AUC per window' }).count();
  return empty === 0 ? [] : ['the F1 and ROC AUC chart is drawn with no data in any window'];
}

async function lineageFillsPanel(page: Page): Promise<string[]> {
  await expect(page.getByRole('img', { name: 'Lineage graph' })).toBeVisible({ timeout: 30_000 });
  const { drawn, panel } = await page.evaluate(() => {
    const box = (element: Element | null) => element?.getBoundingClientRect() ?? { width: 0, height: 0 };
    return {
      drawn: box(document.querySelector('svg[aria-label="Lineage graph"] > g')),
      panel: box(document.querySelector('[data-testid="lineage-panel"]')),
    };
  });
  const filled = Math.max(drawn.width / panel.width, drawn.height / panel.height);
  return filled >= 0.8
    ? []
    : [
        `the lineage graph fills ${(filled * 100).toFixed(0)}% of its panel (${drawn.width}×${drawn.height} in ${panel.width}×${panel.height})`,
      ];
}

test('layout sweep: every page and tab is clean at two sizes, light and dark', async ({ page, lathe }) => {
  test.setTimeout(600_000);
  const seed = async (args: string[]) => {
    const result = await lathe.cli(args);
    expect(result.code, result.stderr).toBe(0);
    return result.stdout;
  };
  await seed(['data', 'add', join(samples, 'customers-v1.tsv'), '--name', 'customers']);
  await seed(['data', 'add', join(samples, 'customers-v2.csv'), '--name', 'customers']);
  const train = (data: string, epochs: string) =>
    seed([
      'train',
      '--data',
      data,
      '--target',
      'churned',
      '--epochs',
      epochs,
      '--hidden',
      '4',
      '--model-name',
      'churn',
    ]);
  await train('customers@1', '2');
  await train('customers@2', '6');
  const report = JSON.parse(
    await seed(['--json', 'drift', '--reference', 'customers@1', '--current', 'customers@2']),
  ) as { id: string };
  await seed([
    'monitor',
    'create',
    'weekly-churn',
    '--model',
    'churn@1',
    '--reference',
    'customers@1',
    '--dataset',
    'customers',
    '--window',
    'weekly',
    '--time-column',
    'signup_date',
  ]);
  // Exit code 1 says the run raised alerts, which the monitor page should show too.
  expect([0, 1]).toContain((await lathe.cli(['monitor', 'run', 'weekly-churn'])).code);
  const tracking = mlflow(lathe);
  const experiment = await tracking.experiment('churn-tuning');
  const runs = [
    await tracking.run(experiment, 'adam-lr-0.01', 0.01),
    await tracking.run(experiment, 'adam-lr-0.1', 0.1),
  ];

  // The served URL carries the session token, so pages are reached by changing only its hash.
  const at = (hash: string) => {
    const url = new URL(lathe.url);
    url.hash = hash;
    return url.toString();
  };
  const tab = (name: string, shows: string) => async (page: Page) => {
    await page.getByRole('tab', { name }).click();
    await expect(page.getByText(shows).first()).toBeVisible({ timeout: 30_000 });
  };
  const stops: Stop[] = [
    { name: 'experiments', path: '#/experiments', heading: 'Experiments' },
    { name: 'runs', path: `#/experiments/${experiment}`, heading: 'churn-tuning' },
    { name: 'run', path: `#/experiments/${experiment}/runs/${runs[0]}`, heading: 'adam-lr-0.01' },
    {
      name: 'run-charts',
      path: `#/experiments/${experiment}/runs/${runs[0]}`,
      heading: 'adam-lr-0.01',
      then: tab('Charts', 'val_loss'),
    },
    { name: 'compare', path: `#/experiments/${experiment}/compare?runs=${runs.join(',')}` },
    { name: 'datasets', path: '#/datasets', heading: 'Datasets' },
    { name: 'dataset', path: '#/datasets/customers', heading: 'customers' },
    { name: 'dataset-rows', path: '#/datasets/customers?tab=rows', heading: 'customers' },
    { name: 'dataset-sql', path: '#/datasets/customers?tab=sql', heading: 'customers' },
    { name: 'dataset-compare', path: '#/datasets/customers?tab=compare', heading: 'customers' },
    { name: 'models', path: '#/models', heading: 'Models' },
    { name: 'model', path: '#/models/churn', heading: 'churn', check: metricsBesideNames },
    { name: 'model-predict', path: '#/models/churn', heading: 'churn', then: tab('Predict', 'Score a dataset') },
    { name: 'registry-diff', path: '#/models/-/diff?a=churn@1&b=churn@2', heading: 'Compare versions' },
    { name: 'registry-graph', path: `#/models/-/graph?ref=${encodeURIComponent('churn@1')}` },
    { name: 'lineage', path: '#/lineage', heading: 'Lineage' },
    {
      name: 'lineage-model',
      path: `#/lineage?entity=${encodeURIComponent('model:churn@1')}`,
      heading: 'Lineage',
      check: lineageFillsPanel,
    },
    { name: 'drift', path: '#/drift', heading: 'Drift' },
    { name: 'drift-report', path: `#/drift/${report.id}` },
    { name: 'monitors', path: '#/monitors', heading: 'Monitors' },
    { name: 'monitor', path: '#/monitors/weekly-churn', heading: 'weekly-churn', check: noEmptyCharts },
    { name: 'docs', path: '#/docs/mlflow' },
  ];
  // LATHE_SWEEP=run,model sweeps only those pages, for a quick look while fixing one.
  const only = process.env.LATHE_SWEEP?.split(',');
  const visited = only ? stops.filter((stop) => only.includes(stop.name)) : stops;
  const problems: string[] = [];
  for (const [width, height] of [
    [1440, 900],
    [1280, 800],
  ] as const)
    for (const scheme of ['light', 'dark'] as const) {
      await page.setViewportSize({ width, height });
      await page.emulateMedia({ colorScheme: scheme });
      for (const stop of visited) {
        await page.goto(at(stop.path));
        const heading = stop.heading
          ? page.getByRole('heading', { name: stop.heading, exact: true })
          : page.getByRole('heading', { level: 2 });
        await expect(heading.first()).toBeVisible({ timeout: 30_000 });
        await stop.then?.(page);
        await expect(page.locator('.mantine-Loader-root')).toHaveCount(0, { timeout: 30_000 });
        await page.screenshot({
          path: `test-results/screenshots/sweep-${stop.name}-${width}-${scheme}.png`,
          fullPage: true,
        });
        for (const problem of await layoutProblems(page))
          problems.push(`${stop.name} at ${width} ${scheme}: ${problem}`);
      }
    }
  expect(problems).toEqual([]);
});
