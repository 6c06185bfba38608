import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, expect } from './fixtures';
import { shiftedRows, writeCsv } from '../../electron/core/drift/testing/drift-tables';

const header = ['id', 'x', 'colour', 'flag'];

test('drift view: make a report in the browser, read the columns, see the distributions, download HTML', async ({
  page,
  lathe,
}) => {
  const folder = mkdtempSync(join(tmpdir(), 'lathe-e2e-drift-'));
  const reference = writeCsv(folder, 'reference.csv', header, shiftedRows(400, 0));
  const current = writeCsv(folder, 'current.csv', header, shiftedRows(300, 2, ['red', 'green', 'blue', 'purple']));
  expect((await lathe.cli(['data', 'add', reference, '--name', 'sales'])).code).toBe(0);
  expect((await lathe.cli(['data', 'add', current, '--name', 'sales'])).code).toBe(0);

  await page.goto(lathe.url);
  await page.getByRole('link', { name: 'Drift' }).click();
  await expect(page.getByRole('heading', { name: 'No drift reports yet' })).toBeVisible();
  await page.getByRole('textbox', { name: 'Reference' }).fill('sales@1');
  await page.getByRole('textbox', { name: 'Current' }).fill('sales@2');
  await page.screenshot({ path: 'test-results/screenshots/drift-new.png', fullPage: true });
  await page.getByRole('button', { name: 'Compare' }).click();

  await expect(page.getByTestId('drift-summary')).toContainText('Dataset drift', { timeout: 60_000 });
  const table = page.getByRole('table', { name: 'Drift by column' });
  await expect(table.getByRole('row', { name: /^x Drift ks/ })).toContainText('Drift');
  await expect(table.getByRole('row', { name: /colour Drift chisquare ∞ 0/ })).toContainText(
    'values only in the current set: purple',
  );
  await table.getByRole('row', { name: /colour/ }).click();
  await expect(page.getByRole('img', { name: 'Category shares of colour' })).toBeVisible();
  await page.screenshot({ path: 'test-results/screenshots/drift-report.png', fullPage: true });
  await table.getByRole('row', { name: /^x Drift/ }).click();
  await expect(page.getByRole('img', { name: 'Histograms of x' })).toBeVisible();

  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'HTML report' }).click(),
  ]);
  const html = readFileSync((await download.path())!, 'utf8');
  expect(html).toContain('Drift: sales@2 vs sales@1');
  expect(html).not.toContain('NaN');

  // The report is listed, and stored where the CLI's home is.
  await page.getByRole('link', { name: 'Reports' }).click();
  await expect(page.getByRole('table', { name: 'Drift reports' })).toContainText('sales@2');
});
