/**
 * Lineage nodes of the drift feature open their own pages: a drift report made from the CLI shows in the
 * lineage of its dataset version, and focusing it offers a link to its report page (entity-routes.ts).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, expect } from './fixtures';
import { shiftedRows, writeCsv } from '../../electron/core/drift/testing/drift-tables';

const header = ['id', 'x', 'colour', 'flag'];

test('a drift report in the lineage graph links to its report page', async ({ page, lathe }) => {
  const folder = mkdtempSync(join(tmpdir(), 'lathe-e2e-lineage-kinds-'));
  const reference = writeCsv(folder, 'reference.csv', header, shiftedRows(200, 0));
  const current = writeCsv(folder, 'current.csv', header, shiftedRows(150, 2));
  expect((await lathe.cli(['data', 'add', reference, '--name', 'sales'])).code).toBe(0);
  expect((await lathe.cli(['data', 'add', current, '--name', 'sales'])).code).toBe(0);
  const made = await lathe.cli(['drift', '--reference', 'sales@1', '--current', 'sales@2', '--json']);
  // Exit code 1 says the sets drifted (they do: x is shifted); the report is stored either way.
  expect(made.code, made.stderr).toBe(1);
  const report = JSON.parse(made.stdout) as { id: string; datasetDrift: boolean };
  expect(report.datasetDrift).toBe(true);

  await page.goto(lathe.url);
  await expect(page.getByRole('heading', { name: 'Experiments' })).toBeVisible();
  await page.goto(`${lathe.origin}/#/lineage?entity=${encodeURIComponent(`drift_report:${report.id}`)}`);
  const focused = page.getByLabel('Focused entity');
  await expect(focused).toContainText('drift sales@1 → sales@2', { timeout: 30_000 });
  await expect(page.getByRole('img', { name: 'Lineage graph' })).toBeVisible({ timeout: 30_000 });
  await page.screenshot({ path: 'test-results/screenshots/lineage-drift-report.png' });
  await focused.getByRole('link', { name: 'Open its page →' }).click();
  await expect(page).toHaveURL(new RegExp(`#/drift/${report.id}$`));
  await expect(page.getByTestId('drift-summary')).toBeVisible({ timeout: 30_000 });
});
