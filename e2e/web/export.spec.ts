/**
 * Exporting a version as a deployable bundle from its page (issue 13): target and output chosen in the
 * Export bundle dialog, progress while it works, the manifest (files, schema, validation) and a self-test
 * run from the app, past exports listed, and a non-empty output folder refused with a plain message.
 * Screenshots at 1440×900 in test-results/screenshots/export-*.png.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test, expect } from './fixtures';

const samples = new URL('../../resources/samples/', import.meta.url).pathname;

test('export a server bundle and a Lambda zip from the version page, read the manifest and self-test it', async ({
  page,
  lathe,
}) => {
  test.setTimeout(300_000);
  expect((await lathe.cli(['data', 'add', join(samples, 'customers-v1.csv'), '--name', 'customers'])).code).toBe(0);
  const trained = await lathe.cli([
    'train',
    '--data',
    'customers@1',
    '--target',
    'churned',
    '--features',
    'age,income,plan',
    '--epochs',
    '2',
    '--hidden',
    '8',
    '--model-name',
    'churn',
  ]);
  expect(trained.code, trained.stderr).toBe(0);

  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto(lathe.url);
  await expect(page.getByRole('heading', { name: 'Experiments' })).toBeVisible();
  await page.goto(`${lathe.origin}/#/models/churn`);
  await page.getByRole('button', { name: 'Export bundle' }).click();
  const dialog = page.getByRole('dialog', { name: 'Bundles of churn@1' });
  await expect(dialog.getByText('None yet.')).toBeVisible();
  await expect(dialog.getByText(/zipped for direct upload; checked against 50 MB zipped/)).toBeVisible();
  await expect(dialog.getByRole('button', { name: 'Export', exact: true })).toBeDisabled();
  await page.screenshot({ path: 'test-results/screenshots/export-dialog.png' });

  const serverOut = join(lathe.home, 'churn-server');
  await dialog.getByLabel('Output').fill(serverOut);
  await dialog.getByRole('button', { name: 'Export', exact: true }).click();
  await expect(dialog.getByTestId('bundle-progress')).toBeVisible();
  await expect(dialog.getByRole('alert').filter({ hasText: 'Exported' })).toContainText(serverOut, {
    timeout: 120_000,
  });
  const manifest = dialog.getByTestId('bundle-manifest');
  const files = manifest.getByRole('table', { name: 'Bundle files' });
  await expect(files.getByRole('row', { name: /^model\.onnx/ })).toBeVisible();
  await expect(files.getByRole('row', { name: /libonnxruntime\.so/ })).toBeVisible();
  await expect(files.getByRole('row', { name: /^Dockerfile/ })).toBeVisible();
  await page.screenshot({ path: 'test-results/screenshots/export-manifest.png' });

  await manifest.getByRole('button', { name: 'Run self-test' }).click();
  const selftest = manifest.getByTestId('bundle-selftest');
  await expect(selftest).toContainText('Self-test passed', { timeout: 120_000 });
  await expect(selftest).toContainText(/golden outputs: 16 rows agree with Lathe's predict/);
  await expect(selftest).toContainText(/golden outputs \(Arrow body\): 16 rows agree with Lathe's predict/);
  await expect(selftest).toContainText(/file hashes: \d+ of \d+ files match/);
  await manifest.getByRole('tab', { name: 'Schema' }).click();
  const fields = manifest.getByRole('table', { name: 'Request fields' });
  await expect(fields.getByRole('row', { name: /plan string plan \(string\) basic, plus, pro/ })).toBeVisible();
  await page.screenshot({ path: 'test-results/screenshots/export-selftest.png' });
  await manifest.getByRole('tab', { name: 'Validation' }).click();
  await expect(manifest.getByText('No validation report for this version when it was exported.')).toBeVisible();

  // A folder that holds something is refused, and left as it was.
  const full = join(lathe.home, 'full');
  mkdirSync(full);
  writeFileSync(join(full, 'notes.txt'), 'mine');
  await dialog.getByLabel('Output').fill(full);
  await dialog.getByRole('button', { name: 'Export', exact: true }).click();
  await expect(dialog.getByRole('alert').filter({ hasText: 'Export failed' })).toContainText(
    `The output folder ${full} is not empty`,
    { timeout: 60_000 },
  );
  await page.screenshot({ path: 'test-results/screenshots/export-refused.png' });

  await dialog.getByTestId('bundle-target-lambda').click();
  const zip = join(lathe.home, 'churn-lambda.zip');
  await dialog.getByLabel('Output').fill(zip);
  await dialog.getByRole('button', { name: 'Export', exact: true }).click();
  await expect(dialog.getByRole('alert').filter({ hasText: 'Exported' })).toContainText(zip, { timeout: 180_000 });
  await expect(dialog.getByTestId('bundle-export-row')).toHaveCount(2);
  await expect(manifest).toContainText('churn@1 · lambda · zip');
  await page.screenshot({ path: 'test-results/screenshots/export-lambda.png' });

  const listed = await lathe.cli(['--json', 'bundles', 'list', 'churn@1']);
  const exports = JSON.parse(listed.stdout) as { target: string; selftest: { passed: boolean } | null }[];
  expect(exports.map((e) => e.target).sort()).toEqual(['lambda', 'server']);
  expect(exports.find((e) => e.target === 'server')!.selftest?.passed).toBe(true);
});
