import { join } from 'node:path';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { test, expect } from './fixtures';

const samples = new URL('../../resources/samples/', import.meta.url).pathname;

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
  await page.screenshot({ path: 'test-results/screenshots/datasets-sql.png', fullPage: true });

  // A bad upload names the file and line, and adds nothing.
  const dir = mkdtempSync(join(tmpdir(), 'lathe-e2e-bad-'));
  writeFileSync(join(dir, 'ragged.csv'), 'a,b,c\n1,2,3\n4,5\n');
  await page.getByRole('button', { name: 'New version' }).click();
  await page.getByTestId('dataset-file-input').setInputFiles(join(dir, 'ragged.csv'));
  await page.getByRole('textbox', { name: 'Dataset name' }).fill('customers');
  await page.getByRole('button', { name: 'Add dataset' }).click();
  await expect(page.getByTestId('add-dataset-error')).toContainText(
    'ragged.csv: line 3 has 2 fields, the header has 3',
  );
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
  await page.screenshot({ path: 'test-results/screenshots/datasets-list.png', fullPage: true });
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
  await expect(page.getByRole('option', { name: /customers@1/ })).toBeVisible();

  // Another tab of the same server adds one: the core's own datasets.changed event, not a store change.
  const other = await page.context().newPage();
  await other.goto(lathe.url);
  const status = await other.evaluate(async (path) => {
    const response = await fetch('/api/rpc/datasets.addFile', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ path, name: 'customers_next' }),
    });
    return `${response.status} ${await response.text()}`;
  }, join(samples, 'customers-v2.csv'));
  expect(status).toMatch(/^200 /);
  await expect(page.getByRole('option', { name: /customers_next@1/ })).toBeVisible({ timeout: 15_000 });

  // The CLI (another process) adds one: the store-changed path.
  expect((await lathe.cli(['data', 'add', join(samples, 'customers-v1.tsv'), '--name', 'tabbed'])).code).toBe(0);
  await expect(page.getByRole('option', { name: /tabbed@1/ })).toBeVisible({ timeout: 15_000 });
});
