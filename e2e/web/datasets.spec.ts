import { join } from 'node:path';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import type { Page } from '@playwright/test';
import { test, expect as baseExpect } from './fixtures';

// The machine running e2e is shared and loaded: each wait follows the page's own signal, with room to spare.
const expect = baseExpect.configure({ timeout: 30_000 });

const samples = new URL('../../resources/samples/', import.meta.url).pathname;

/**
 * Looks at the page at 1440×900 and 1280×800, light and dark: the page never scrolls sideways, and a
 * screenshot of each is kept for a person to look at. Leaves the page at 1280×720, light.
 */
async function inEveryLayout(page: Page, name: string): Promise<void> {
  for (const [width, height] of [
    [1440, 900],
    [1280, 800],
  ] as const) {
    for (const scheme of ['light', 'dark'] as const) {
      await page.setViewportSize({ width, height });
      await page.emulateMedia({ colorScheme: scheme });
      // The pointer rests on the status bar, so no hover tooltip sits over the page in the screenshot.
      await page.mouse.move(width / 2, height - 4);
      await expect(page.getByTestId('page-header')).toBeVisible();
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow, `${name} at ${width}×${height} ${scheme} scrolls sideways`).toBeLessThanOrEqual(0);
      await page.screenshot({ path: `test-results/screenshots/${name}-${width}-${scheme}.png`, fullPage: true });
    }
  }
  await page.setViewportSize({ width: 1280, height: 720 });
  await page.emulateMedia({ colorScheme: 'light' });
}

test('upload a dataset in the browser, then profile, rows, SQL and a bad upload', async ({ page, lathe }) => {
  await page.goto(lathe.url);
  await page.getByRole('link', { name: 'Datasets' }).click();
  await expect(page.getByRole('heading', { name: 'No datasets yet' })).toBeVisible();
  await page.screenshot({ path: 'test-results/screenshots/datasets-empty.png', fullPage: true });

  await page.getByRole('button', { name: 'Add dataset' }).first().click();
  await page.getByTestId('dataset-file-input').setInputFiles(join(samples, 'customers-v1.csv'));
  await expect(page.getByRole('textbox', { name: 'Dataset name' })).toHaveValue('customers-v1');
  await page.getByRole('textbox', { name: 'Dataset name' }).fill('customers');
  await page.getByRole('textbox', { name: 'Message' }).fill('first export');
  await page.screenshot({ path: 'test-results/screenshots/datasets-add.png' });
  await page.getByRole('button', { name: 'Add dataset' }).last().click();

  // Lands on the new version's profile.
  await expect(page.getByRole('heading', { name: 'customers' })).toBeVisible();
  await expect(page.getByRole('textbox', { name: 'Type of income in customers@1' })).toHaveValue('float (inferred)');
  await expect(page.getByRole('textbox', { name: 'Type of plan in customers@1' })).toHaveValue(
    'categorical (inferred)',
  );
  await expect(page.getByTestId('column-card-income')).toContainText('p50 49,124.83');
  await expect(page.getByRole('img', { name: 'Histogram of income' })).toBeVisible();
  await expect(page.getByRole('table', { name: 'Sample rows of customers@1' })).toBeVisible();
  await page.screenshot({ path: 'test-results/screenshots/datasets-profile.png', fullPage: true });

  // The CLI sees the upload under its browser file name.
  const shown = await lathe.cli(['--json', 'data', 'show', 'customers@1']);
  expect(shown.code).toBe(0);
  const version = (JSON.parse(shown.stdout) as { version: { rows: number; origin: { path: string }; message: string } })
    .version;
  expect(version).toMatchObject({ rows: 400, origin: { path: 'customers-v1.csv' }, message: 'first export' });

  // Type override re-profiles the column.
  await page.getByRole('textbox', { name: 'Type of age in customers@1' }).click();
  await page.getByRole('option', { name: 'categorical' }).click();
  await expect(page.getByRole('img', { name: 'Most frequent values of age' })).toBeVisible();

  // Rows: virtualized, loaded as you scroll.
  await page.getByRole('tab', { name: 'Rows' }).click();
  const grid = page.getByRole('table', { name: 'Rows of customers@1' });
  await expect(grid.getByRole('row').nth(1)).toContainText('asked about');
  expect(await grid.getByRole('row').count()).toBeLessThan(80);
  await grid.evaluate((element) => (element.scrollTop = 30 * 390));
  await expect(grid.getByRole('cell', { name: '400', exact: true }).first()).toBeVisible();

  // SQL box.
  await page.getByRole('tab', { name: 'SQL' }).click();
  await page
    .getByRole('textbox', { name: 'SQL query' })
    .fill('SELECT plan, count(*) AS n FROM data GROUP BY plan ORDER BY plan');
  await page.getByRole('button', { name: 'Run' }).click();
  await expect(page.getByTestId('sql-summary')).toContainText('3 rows');
  await expect(page.getByRole('table', { name: 'Query results' })).toContainText('basic');
  await page.getByRole('textbox', { name: 'SQL query' }).fill('DELETE FROM data');
  await page.getByRole('button', { name: 'Run' }).click();
  await expect(page.getByText('Only a single SELECT query is allowed')).toBeVisible();
  // A typo gets DuckDB's own parser message and where it points.
  await page.getByRole('textbox', { name: 'SQL query' }).fill('SELEC plan FROM data');
  await page.getByRole('button', { name: 'Run' }).click();
  await expect(page.getByText('SQL error (line 1, column 1): syntax error at or near "SELEC"')).toBeVisible();
  await page.screenshot({ path: 'test-results/screenshots/datasets-sql.png', fullPage: true });

  // A bad upload names the file and line, and adds nothing.
  const dir = mkdtempSync(join(tmpdir(), 'lathe-e2e-bad-'));
  writeFileSync(join(dir, 'ragged.csv'), 'a,b,c\n1,2,3\n4,5\n');
  await page.getByRole('button', { name: 'New version' }).click();
  // An unsupported file is refused in the page: nothing is uploaded.
  const uploads: string[] = [];
  page.on('request', (request) => request.url().includes('/api/datasets/upload') && uploads.push(request.url()));
  writeFileSync(join(dir, 'budget.xlsx'), 'not a table');
  await page.getByTestId('dataset-file-input').setInputFiles(join(dir, 'budget.xlsx'));
  await expect(page.getByTestId('add-dataset-error')).toContainText('budget.xlsx: Lathe reads CSV, TSV, Parquet');
  await expect(page.getByTestId('add-dataset-error')).toContainText('.xlsx is not one of them');
  await expect(page.getByRole('button', { name: 'Add version' })).toBeDisabled();
  expect(uploads).toEqual([]);
  await page.getByTestId('dataset-file-input').setInputFiles(join(dir, 'ragged.csv'));
  await expect(page.getByRole('textbox', { name: 'Dataset name' })).toHaveValue('customers');
  await page.getByRole('button', { name: 'Add version' }).click();
  await expect(page.getByTestId('add-dataset-error')).toContainText(
    'ragged.csv: line 3 has 2 fields, the header has 3',
  );
  expect(uploads).toHaveLength(1);
  await page.screenshot({ path: 'test-results/screenshots/datasets-bad-upload.png' });
  await page.getByRole('button', { name: 'Cancel' }).click();
  const versions = await lathe.cli(['--json', 'data', 'versions', 'customers']);
  expect((JSON.parse(versions.stdout) as unknown[]).length).toBe(1);
});

test('compare two versions added from the CLI, with a key column', async ({ page, lathe }) => {
  expect((await lathe.cli(['data', 'add', join(samples, 'customers-v1.csv'), '--name', 'customers'])).code).toBe(0);
  expect(
    (
      await lathe.cli([
        'data',
        'add',
        join(samples, 'customers-v2.csv'),
        '--name',
        'customers',
        '--message',
        'Q2 refresh',
      ])
    ).code,
  ).toBe(0);
  const again = await lathe.cli(['--json', 'data', 'add', join(samples, 'customers-v2.csv'), '--name', 'customers']);
  expect(JSON.parse(again.stdout)).toMatchObject({ version: 2, deduplicated: true });

  await page.goto(lathe.url);
  await page.getByRole('link', { name: 'Datasets' }).click();
  const row = page.getByTestId('dataset-row-customers');
  await expect(row).toContainText('@2');
  await expect(row).toContainText('410');
  await inEveryLayout(page, 'datasets-list');
  await row.getByRole('link', { name: 'customers' }).click();

  await expect(page.getByRole('option', { name: /@2/ })).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByRole('listbox', { name: 'Versions' })).toContainText('Q2 refresh');
  await page.getByRole('tab', { name: 'Compare' }).click();
  await expect(page.getByTestId('diff-summary')).toContainText('400 → 410 (+10)');
  await expect(page.getByTestId('diff-summary')).toContainText('+ region');
  await expect(page.getByTestId('diff-summary')).toContainText('churned: boolean → integer');
  await expect(page.getByTestId('diff-row-income')).toContainText('0.015');
  await expect(page.getByTestId('diff-row-plan')).toContainText('0.118');
  await page.getByRole('textbox', { name: 'Key column' }).click();
  await page.getByRole('option', { name: 'customer_id' }).click();
  await expect(page.getByTestId('key-diff-counts')).toContainText('30 added');
  await expect(page.getByTestId('key-diff-counts')).toContainText('20 removed');
  await expect(page.getByRole('img', { name: /Distribution of income/ })).toBeVisible();
  await page.screenshot({ path: 'test-results/screenshots/datasets-diff.png', fullPage: true });

  // Jensen–Shannon is for categories: a numeric column shows a dash that says why.
  const notApplicable = page.getByTestId('diff-row-income').getByLabel(/not applicable: Jensen–Shannon compares/);
  await expect(notApplicable).toHaveText('—');
  await notApplicable.hover();
  await expect(page.getByRole('tooltip')).toContainText('it applies to categorical and boolean columns');

  // At both common laptop sizes, light and dark: no statistic in a card is cut off and "same type" stays on one line.
  for (const [width, height] of [
    [1440, 900],
    [1280, 800],
  ] as const) {
    for (const scheme of ['light', 'dark'] as const) {
      await page.setViewportSize({ width, height });
      await page.emulateMedia({ colorScheme: scheme });
      await expect(page.getByRole('table', { name: /Statistics of income/ })).toBeVisible();
      const clipped = await page.evaluate(() =>
        [...document.querySelectorAll('.side-by-side td, .side-by-side th')]
          .filter((cell) => cell.scrollWidth > cell.clientWidth + 1)
          .map((cell) => cell.textContent),
      );
      expect(clipped, `${width}×${height} ${scheme}`).toEqual([]);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow, `compare tab at ${width}×${height} scrolls sideways`).toBeLessThanOrEqual(0);
      const wrapped = await page
        .getByText('same type', { exact: true })
        .evaluateAll(
          (nodes) => nodes.filter((node) => node.getClientRects().length !== 1 || node.clientHeight > 24).length,
        );
      expect(wrapped).toBe(0);
      await page.screenshot({ path: `test-results/screenshots/datasets-diff-${width}-${scheme}.png`, fullPage: true });
    }
  }
});

test('try the bundled sample from the empty page', async ({ page, lathe }) => {
  await page.goto(lathe.url);
  await page.getByRole('link', { name: 'Datasets' }).click();
  await page.getByRole('button', { name: 'Try the sample' }).click();
  await expect(page.getByRole('heading', { name: 'customers-sample' })).toBeVisible();
  await expect(page.getByRole('listbox', { name: 'Versions' }).getByRole('option')).toHaveCount(2);
  await page.getByRole('tab', { name: 'Compare' }).click();
  await expect(page.getByTestId('diff-summary')).toContainText('400 → 410 (+10)');
});

test('a dataset added elsewhere appears in the open Train form without a reload', async ({ page, lathe }) => {
  const added = await lathe.cli(['data', 'add', join(samples, 'customers-v1.csv'), '--name', 'customers']);
  expect(added.code).toBe(0);
  await page.goto(lathe.url);
  await page.getByRole('link', { name: 'Models' }).click();
  await page.getByRole('button', { name: 'Train model' }).click();
  const dialog = page.getByRole('dialog', { name: 'Train a model' });
  await dialog.getByRole('textbox', { name: 'Dataset' }).click();
  await expect(page.getByRole('option', { name: 'customers', exact: true })).toBeVisible();

  // Another tab of the same server adds one: the core's own datasets.changed event, not a store change.
  const other = await page.context().newPage();
  await other.goto(lathe.url);
  const status = await other.evaluate(
    async (path) => {
      const response = await fetch('/api/rpc/datasets.addFile', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ path, name: 'customers_next' }),
      });
      return `${response.status} ${await response.text()}`;
    },
    join(samples, 'customers-v2.csv'),
  );
  expect(status).toMatch(/^200 /);
  await expect(page.getByRole('option', { name: 'customers_next', exact: true })).toBeVisible({ timeout: 15_000 });

  // The CLI (another process) adds one: the store-changed path.
  expect((await lathe.cli(['data', 'add', join(samples, 'customers-v1.tsv'), '--name', 'tabbed'])).code).toBe(0);
  await expect(page.getByRole('option', { name: 'tabbed', exact: true })).toBeVisible({ timeout: 15_000 });
});

test('New version on a dataset page adds NAME@2, not a new dataset', async ({ page, lathe }) => {
  expect((await lathe.cli(['data', 'add', join(samples, 'customers-v1.csv'), '--name', 'breast_cancer'])).code).toBe(0);
  await page.goto(`${lathe.url}#/datasets/breast_cancer`);
  await expect(page.getByRole('heading', { name: 'breast_cancer' })).toBeVisible();
  await page.getByRole('button', { name: 'New version' }).click();
  const dialog = page.getByRole('dialog', { name: 'New version of breast_cancer' });
  await dialog.getByTestId('dataset-file-input').setInputFiles(join(samples, 'customers-v2.csv'));
  // The file's own name is not used: the version goes under this dataset.
  await expect(dialog.getByRole('textbox', { name: 'Dataset name' })).toHaveValue('breast_cancer');
  await expect(dialog.getByRole('textbox', { name: 'Dataset name' })).toHaveAttribute('readonly', '');
  await dialog.getByRole('button', { name: 'Add version' }).click();
  await expect(page.getByTestId('version-2')).toBeVisible();
  const listed = JSON.parse((await lathe.cli(['--json', 'data', 'list'])).stdout) as { name: string }[];
  expect(listed.map((d) => d.name)).toEqual(['breast_cancer']);
  expect(
    (JSON.parse((await lathe.cli(['--json', 'data', 'versions', 'breast_cancer'])).stdout) as unknown[]).length,
  ).toBe(2);
});

test('lineage on the dataset page, and delete: a version, then the dataset (refused while a model uses it, then forced)', async ({
  page,
  lathe,
}) => {
  expect((await lathe.cli(['data', 'add', join(samples, 'customers-v1.csv'), '--name', 'customers'])).code).toBe(0);
  expect((await lathe.cli(['data', 'add', join(samples, 'customers-v2.csv'), '--name', 'customers'])).code).toBe(0);
  const trained = await lathe.cli([
    'train',
    '--data',
    'customers@1',
    '--target',
    'plan',
    '--epochs',
    '2',
    '--hidden',
    '8',
    '--model-name',
    'plans',
  ]);
  expect(trained.code, trained.stderr).toBe(0);

  await page.goto(`${lathe.url}#/datasets/customers`);
  const madeFrom = page.getByTestId('made-from');
  await expect(madeFrom.getByRole('link', { name: 'model plans@1' })).toBeVisible();
  await expect(madeFrom.getByRole('link', { name: /^run / })).toBeVisible();
  await inEveryLayout(page, 'datasets-detail');

  // Version 2 has nothing made from it: deleted after a confirmation.
  await page.getByTestId('version-2').click();
  await page.getByRole('button', { name: 'Delete' }).click();
  await page.getByRole('menuitem', { name: 'Delete version @2' }).click();
  const confirm = page.getByRole('dialog', { name: 'Delete version' });
  await expect(confirm).toContainText('Delete customers@2?');
  await confirm.getByRole('button', { name: 'Delete', exact: true }).click();
  await expect(page.getByTestId('version-2')).toHaveCount(0);
  await expect(page.getByTestId('version-1')).toBeVisible();

  // The dataset: refused, naming the model and run, then deleted anyway.
  await page.getByRole('button', { name: 'Delete' }).click();
  await page.getByRole('menuitem', { name: 'Delete dataset customers' }).click();
  const whole = page.getByRole('dialog', { name: 'Delete dataset' });
  await whole.getByRole('button', { name: 'Delete', exact: true }).click();
  const blockers = whole.getByTestId('delete-blockers');
  await expect(blockers).toContainText('customers cannot be deleted: run');
  await expect(blockers.getByRole('link', { name: 'model plans@1' })).toBeVisible();
  await page.screenshot({ path: 'test-results/screenshots/datasets-delete-refused.png' });
  await whole.getByRole('button', { name: 'Delete anyway' }).click();
  await expect(page.getByRole('heading', { name: 'No datasets yet' })).toBeVisible();
  expect((await lathe.cli(['--json', 'data', 'list'])).stdout.trim()).toBe('[]');
  await inEveryLayout(page, 'datasets-empty');
  // The model stays.
  expect((await lathe.cli(['model', 'list'])).stdout).toContain('plans');
});
