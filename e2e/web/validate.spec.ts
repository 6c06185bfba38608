/**
 * Validate from the UI (issue 13): a version's Validate action, a suite with a problem shown at its line,
 * fixed, run on a holdout with progress, the report with its worst slices, the HTML report, and the
 * version's past reports (one made from the CLI beforehand). Screenshots at 1440×900.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, expect } from './fixtures';
import { writeCsv } from '../../electron/core/drift/testing/drift-tables';
import { regionHeader, regionRows } from '../../electron/core/validation/testing/validation-data';

test('validate a version from the model page: suite problems by line, progress, report, HTML, past reports', async ({
  page,
  lathe,
}) => {
  test.setTimeout(240_000);
  const folder = mkdtempSync(join(tmpdir(), 'lathe-e2e-validate-'));
  expect(
    (
      await lathe.cli([
        'data',
        'add',
        writeCsv(folder, 'train.csv', regionHeader, regionRows(1200, 1)),
        '--name',
        'train',
      ])
    ).code,
  ).toBe(0);
  expect(
    (
      await lathe.cli([
        'data',
        'add',
        writeCsv(folder, 'holdout.csv', regionHeader, regionRows(600, 2)),
        '--name',
        'holdout',
      ])
    ).code,
  ).toBe(0);
  const trained = await lathe.cli([
    'train',
    '--data',
    'train@1',
    '--target',
    'label',
    '--task',
    'classification',
    '--features',
    'x1,x2,region',
    '--hidden',
    '8',
    '--epochs',
    '20',
    '--batch-size',
    '32',
    '--lr',
    '0.02',
    '--model-name',
    'clf',
    '--backend',
    'wasm',
  ]);
  expect(trained.code, trained.stderr).toBe(0);
  // A report made from the CLI shows up among the version's past reports.
  const smoke = join(folder, 'smoke.yaml');
  writeFileSync(smoke, 'name: smoke\nchecks:\n  - type: onnx\n');
  expect((await lathe.cli(['validate', 'clf@1', '--suite', smoke])).code).toBe(0);
  expect(
    (await lathe.cli(['validate', 'gate', 'set', 'production', '--model', 'clf', '--suite', 'release-gate'])).code,
  ).toBe(0);

  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto(lathe.url);
  await page.getByRole('link', { name: 'Models' }).click();
  await page.getByRole('link', { name: 'clf', exact: true }).click();
  await page.getByRole('button', { name: 'Validate' }).click();
  const dialog = page.getByRole('dialog', { name: 'Validate clf@1' });
  await expect(dialog.getByTestId('alias-gates')).toHaveText(
    'Alias production moves only onto a version with a passing report of suite release-gate.',
  );
  const editor = dialog.getByRole('textbox', { name: 'Suite (YAML)' });
  await expect(editor).toHaveValue(/name: default-classification/);

  // A metric the model does not report, and a slice check: the problem is listed with its line.
  await editor.fill(
    [
      'name: release-gate',
      'checks:',
      '  - type: metric',
      '    metric: auc',
      '    threshold: 0.8',
      '  - type: slice',
      '    column: region',
      '    metric: accuracy',
      '    threshold: 0.75',
      '  - type: latency',
      '    p95Ms: 1000',
      '  - type: drift',
      '  - type: onnx',
    ].join('\n'),
  );
  const problems = dialog.getByTestId('suite-problems');
  await expect(problems).toContainText('line 4 checks[0].metric: "auc" is not a metric of a classification model', {
    timeout: 30_000,
  });
  await expect(problems).toContainText('needs a holdout');
  await expect(dialog.getByRole('button', { name: 'Run validation' })).toBeDisabled();
  await page.screenshot({ path: 'test-results/screenshots/validate-problems-1440.png' });

  // Fixed metric, and the holdout chosen in the picker.
  await editor.fill((await editor.inputValue()).replace('metric: auc', 'metric: accuracy'));
  await dialog.getByRole('textbox', { name: /Holdout dataset/ }).click();
  await page.getByRole('option', { name: 'holdout' }).click();
  await expect(dialog.getByRole('textbox', { name: 'Version' })).toHaveValue(/@1/);
  await expect(dialog.getByText('The suite is valid for this version.')).toBeVisible({ timeout: 30_000 });
  await dialog.getByRole('button', { name: 'Run validation' }).click();
  await expect(dialog.getByTestId('validation-progress')).toBeVisible();
  await page.screenshot({ path: 'test-results/screenshots/validate-running-1440.png' });

  const report = dialog.getByTestId('validation-report');
  await expect(report.getByTestId('validation-verdict')).toHaveText('Failed', { timeout: 120_000 });
  await expect(report).toContainText('4 of 5 checks passed · suite release-gate');
  const checks = report.getByRole('table', { name: 'checks' });
  await expect(checks.getByRole('row', { name: /checks\[1\] slice by region/ })).toContainText('fail');
  // South's labels are coin flips: it is the worst slice.
  const slices = report.getByRole('table', { name: /slices of/ });
  await expect(slices.getByRole('row').nth(1)).toContainText('south');
  await expect(checks.getByRole('row', { name: /checks\[2\] latency/ })).toContainText('pass');
  await page.screenshot({ path: 'test-results/screenshots/validate-report-1440.png' });

  const [download] = await Promise.all([
    page.waitForEvent('download'),
    report.getByRole('button', { name: 'Save HTML' }).click(),
  ]);
  const html = readFileSync((await download.path())!, 'utf8');
  expect(html).toContain('Validation of clf@1');
  expect(html).toContain('FAILED');
  expect(html).not.toMatch(/<script|<link|src="http/);

  // Past reports: the CLI's and this one; choosing the older one shows it, by keyboard.
  const list = dialog.getByRole('table', { name: 'validation reports' });
  await expect(list.getByRole('row')).toHaveCount(3);
  await list.getByRole('row', { name: /smoke/ }).focus();
  await page.keyboard.press('Enter');
  await expect(report.getByTestId('validation-verdict')).toHaveText('Passed');
  await expect(report).toContainText('1 of 1 checks passed · suite smoke');
  await page.screenshot({ path: 'test-results/screenshots/validate-reports-1440.png' });
});

test('a version without reports says how to make one', async ({ page, lathe }) => {
  const imported = await lathe.cli([
    'model',
    'import',
    join(process.cwd(), 'resources/fixtures/pytorch-mlp/model.onnx'),
    '--name',
    'mlp',
  ]);
  expect(imported.code, imported.stderr).toBe(0);
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto(lathe.url);
  await page.getByRole('link', { name: 'Models' }).click();
  await page.getByRole('link', { name: 'mlp', exact: true }).click();
  await page.getByRole('button', { name: 'Validate' }).click();
  const dialog = page.getByRole('dialog', { name: 'Validate mlp@1' });
  await dialog.getByRole('tab', { name: /Reports/ }).click();
  await expect(dialog.getByRole('heading', { name: 'No validation reports yet' })).toBeVisible();
  await expect(dialog).toContainText('lathe validate mlp@1 --suite suite.yaml');
  await page.screenshot({ path: 'test-results/screenshots/validate-empty-1440.png' });
});
