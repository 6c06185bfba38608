/**
 * The lineage page end to end: a home seeded through the CLI (a dataset, a model trained on it, an alias),
 * the CLI's `lathe lineage --json`, then the page reached by its shortcut, focused through the picker on the
 * model (dataset → run → model, with the alias), refocused by clicking the dataset, and reached from the
 * model page's link. Screenshots at 1440×900, light and dark.
 */
import { join } from 'node:path';
import { test, expect } from './fixtures';
import type { LineageGraph } from '../../shared/contract/index';

const samples = new URL('../../resources/samples/', import.meta.url).pathname;

test('the lineage page shows dataset → run → model, refocuses on a click, and is linked from the model page', async ({
  page,
  lathe,
}) => {
  test.setTimeout(180_000);
  const seed = async (args: string[]) => {
    const result = await lathe.cli(args);
    expect(result.code, result.stderr).toBe(0);
    return result.stdout;
  };
  await seed(['data', 'add', join(samples, 'customers-v1.tsv'), '--name', 'customers']);
  await seed([
    'train',
    '--data',
    'customers@1',
    '--target',
    'churned',
    '--epochs',
    '2',
    '--hidden',
    '4',
    '--model-name',
    'churn',
  ]);
  await seed(['model', 'alias', 'churn@1', 'champion']);

  // The CLI answers the same graph the page draws, aliases included.
  const graph = JSON.parse(
    await seed(['lineage', 'dataset:customers@1', '--direction', 'downstream', '--json']),
  ) as LineageGraph;
  expect(graph.nodes.map((n) => n.kind).sort()).toEqual(['dataset_version', 'model_version', 'run']);
  const modelNode = graph.nodes.find((n) => n.kind === 'model_version')!;
  expect(modelNode.aliases).toEqual(['champion']);
  const modelLabel = modelNode.label;
  // The text form names the alias after the version too.
  expect(await seed(['lineage', 'model:churn@1'])).toContain(`${modelLabel} [@champion]`);

  await page.goto(lathe.url);
  await expect(page.getByRole('heading', { name: 'Experiments' })).toBeVisible();
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.keyboard.press('g');
  await page.keyboard.press('l');
  await expect(page.getByRole('heading', { name: 'Lineage', exact: true })).toBeVisible();
  await expect(page.getByTestId('lineage-empty')).toContainText('Choose a dataset, model or run');

  // Pick the model version by name.
  await page.getByRole('textbox', { name: 'Entity' }).click();
  await page.getByRole('textbox', { name: 'Entity' }).fill(modelLabel.split('@')[0]!);
  await page.getByRole('option', { name: modelLabel }).click();
  const drawn = page.getByRole('img', { name: 'Lineage graph' });
  await expect(drawn).toBeVisible({ timeout: 30_000 });
  const datasetNode = drawn.getByRole('button', { name: 'Dataset version customers@1' });
  await expect(datasetNode).toBeVisible();
  await expect(drawn.locator('[data-kind="run"]')).toHaveCount(1);
  const model = drawn.getByRole('button', { name: `Model version ${modelLabel}` });
  await expect(model).toContainText('@champion');
  await expect(drawn.locator('[data-kind="file"]')).toHaveCount(1);
  // Edges say how: the run produced the model, the model was trained on the dataset, the dataset read the file.
  for (const relation of ['produced', 'trained_on', 'input', 'origin'])
    await expect(drawn.locator(`polyline[data-relation="${relation}"]`)).toHaveCount(1);
  // Left to right: the dataset is drawn before the run, the run before the model.
  const x = async (locator: typeof model) => (await locator.boundingBox())!.x;
  const runX = await x(drawn.locator('[data-kind="run"]'));
  expect(await x(datasetNode)).toBeLessThan(runX);
  expect(runX).toBeLessThan(await x(model));
  // The whole graph fits the panel at first: the rightmost node ends inside it.
  const panel = (await drawn.boundingBox())!;
  const modelBox = (await model.boundingBox())!;
  expect(modelBox.x + modelBox.width).toBeLessThanOrEqual(panel.x + panel.width);
  const focused = page.getByLabel('Focused entity');
  await expect(focused).toContainText(modelLabel);
  await expect(focused.getByRole('link', { name: 'Open its page' })).toHaveAttribute('href', '#/models/churn');
  await expect(page.getByLabel('Legend')).toContainText('Model version');

  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.screenshot({ path: `test-results/screenshots/lineage-model-${scheme}.png` });
  }
  await page.emulateMedia({ colorScheme: 'light' });

  // A click on the dataset refocuses the page on it; descendants only drop the file it was read from.
  await datasetNode.click();
  await expect(focused).toContainText('customers@1');
  await expect(page).toHaveURL(/entity=dataset%3Acustomers%401/);
  await expect(drawn.getByRole('button', { name: 'Dataset version customers@1' })).toBeVisible({ timeout: 30_000 });
  await page.getByText('Descendants', { exact: true }).click();
  await expect(drawn.locator('[data-kind="file"]')).toHaveCount(0, { timeout: 30_000 });
  await expect(drawn.getByRole('button', { name: `Model version ${modelLabel}` })).toBeVisible();
  await expect(page.getByLabel('Graph size')).toHaveText('3 nodes · 3 edges');
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.screenshot({ path: 'test-results/screenshots/lineage-dataset-dark.png' });
  await page.emulateMedia({ colorScheme: 'light' });

  // The model page links here, focused on the version shown.
  await page.goto(`${lathe.origin}/#/models/churn`);
  await page.getByRole('link', { name: 'Lineage graph' }).click();
  await expect(page.getByLabel('Focused entity')).toContainText(modelLabel);

  // So does the dataset page, for the version shown.
  await page.goto(`${lathe.origin}/#/datasets/customers`);
  await page.getByRole('link', { name: 'Lineage graph of @1' }).click();
  await expect(page.getByLabel('Focused entity')).toContainText('customers@1');
  await expect(page.getByRole('img', { name: 'Lineage graph' }).locator('[data-kind="model_version"]')).toHaveCount(1);

  // The other way: the training run's tags name the dataset and model versions, and link to their pages.
  const shown = JSON.parse(await seed(['--json', 'model', 'show', 'churn@1'])) as { version: { runId: string } };
  const run = JSON.parse(await seed(['--json', 'runs', 'show', shown.version.runId])) as { experimentId: string };
  await page.goto(`${lathe.origin}/#/experiments/${run.experimentId}/runs/${shown.version.runId}`);
  const tags = page.getByRole('table', { name: 'Tags' });
  await expect(tags.getByRole('link', { name: 'customers@1' })).toHaveAttribute('href', '#/datasets/customers?v=1');
  await expect(tags.getByRole('link', { name: 'churn@1' })).toHaveAttribute('href', '#/models/churn?v=1');
  await page.screenshot({ path: 'test-results/screenshots/run-tag-links.png', fullPage: true });
});
