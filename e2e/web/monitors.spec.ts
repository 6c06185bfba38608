import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { test, expect } from './fixtures';
import { writeCsv } from '../../electron/core/drift/testing/drift-tables';
import { firstMonday, regressionRows, scenarioRows } from '../../electron/core/monitor/testing/scenario';

/**
 * Looks at a monitor page at 1440×900 and 1280×800, light and dark: no sideways scroll, every chart title whole on
 * one line (not cut by its ellipsis), and a screenshot of each kept for a person to look at.
 */
async function inEveryLayout(page: Page, name: string): Promise<void> {
  for (const [width, height] of [
    [1440, 900],
    [1280, 800],
  ] as const) {
    for (const scheme of ['light', 'dark'] as const) {
      await page.setViewportSize({ width, height });
      await page.emulateMedia({ colorScheme: scheme });
      await page.mouse.move(width / 2, height - 4);
      await expect(page.getByTestId('page-header')).toBeVisible();
      await expect(page.locator('html')).toHaveAttribute('data-mantine-color-scheme', scheme);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow, `${name} at ${width}×${height} ${scheme} scrolls sideways`).toBeLessThanOrEqual(0);
      const titles = await page.getByTestId('chart-title').evaluateAll((elements) =>
        elements.map((element) => ({
          text: element.textContent,
          cut: element.scrollWidth > element.clientWidth,
          lines: Math.round(element.getBoundingClientRect().height / parseFloat(getComputedStyle(element).lineHeight)),
        })),
      );
      expect(titles.length).toBeGreaterThanOrEqual(3);
      for (const title of titles)
        expect(title, `${name} at ${width}×${height}`).toMatchObject({ cut: false, lines: 1 });
      await page.screenshot({ path: `test-results/screenshots/${name}-${width}-${scheme}.png`, fullPage: true });
    }
  }
  await page.setViewportSize({ width: 1280, height: 720 });
  await page.emulateMedia({ colorScheme: 'light' });
}

test('monitor page: weekly windows, drift share, CBPE band beside realised accuracy, alerts', async ({
  page,
  lathe,
}) => {
  test.setTimeout(300_000);
  const folder = mkdtempSync(join(tmpdir(), 'lathe-e2e-monitor-'));
  const header = ['x1', 'x2', 'label'];
  expect(
    (
      await lathe.cli([
        'data',
        'add',
        writeCsv(folder, 'train.csv', header, scenarioRows(1500, 1, false)),
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
        writeCsv(folder, 'reference.csv', header, scenarioRows(800, 2, false)),
        '--name',
        'reference',
      ])
    ).code,
  ).toBe(0);
  const trained = await lathe.cli([
    '--json',
    'train',
    '--data',
    'train@1',
    '--target',
    'label',
    '--task',
    'classification',
    '--features',
    'x1,x2',
    '--hidden',
    '8',
    '--epochs',
    '30',
    '--batch-size',
    '32',
    '--lr',
    '0.01',
    '--backend',
    'wasm',
  ]);
  expect(trained.code).toBe(0);
  const model = JSON.parse(trained.stdout) as { model: string; version: number };
  const stream = join(folder, 'weeks');
  mkdirSync(stream);
  for (let week = 0; week < 8; week++)
    writeCsv(
      stream,
      `week-${week + 1}.csv`,
      ['day', ...header],
      scenarioRows(400, 100 + week, week >= 4, new Date(firstMonday + week * 7 * 86_400_000)),
    );
  const created = await lathe.cli([
    'monitor',
    'create',
    'weekly',
    '--model',
    `${model.model}@${model.version}`,
    '--reference',
    'reference@1',
    '--folder',
    stream,
    '--window',
    'weekly',
    '--time-column',
    'day',
    '--min-accuracy',
    '0.8',
  ]);
  expect(created.code).toBe(0);

  await page.goto(lathe.url);
  await page.getByRole('link', { name: 'Monitors' }).click();
  await page.getByRole('link', { name: 'weekly' }).click();
  await expect(page.getByText('Not run yet.')).toBeVisible();
  await page.getByRole('button', { name: 'Run now' }).click();
  // The run's alerts arrive as one in-app summary notification (not one per alert) while the page fills in.
  const summary = page.getByText(/^Monitor weekly: \d+ alerts \(\d+ drift, \d+ performance\)$/);
  await expect(summary).toBeVisible({ timeout: 180_000 });
  await expect(page.getByText(/^Monitor weekly:/)).toHaveCount(1);
  await expect(page.getByText('weekly windows by the time column “day”.', { exact: false })).toBeVisible();
  await expect(page.getByRole('img', { name: 'Drift share per window' })).toBeVisible();
  await expect(page.getByRole('img', { name: 'Estimated and realised accuracy per window' })).toBeVisible();
  const alerts = page.getByRole('table', { name: 'Alerts' });
  await expect(alerts).toContainText('week of 2024-02-19: 2 of 2 features drift (x1, x2)');
  await expect(alerts).toContainText('accuracy');
  await expect(alerts).not.toContainText('week of 2024-01-01');
  // Realised F1 and ROC AUC beside accuracy, charted and in the windows table with one row per week.
  await expect(page.getByRole('img', { name: 'F1 and ROC AUC per window' })).toBeVisible();
  const windows = page.getByRole('table', { name: 'Windows' });
  for (const header of ['Est. accuracy', 'Accuracy', 'F1', 'ROC AUC'])
    await expect(windows.getByRole('columnheader', { name: header, exact: true })).toBeVisible();
  await expect(windows.getByRole('row')).toHaveCount(9);
  const first = windows.getByRole('row').nth(1).getByRole('cell');
  await expect(first.nth(0)).toHaveText('week of 2024-01-01');
  await expect(first.nth(6)).toHaveText(/^0\.(8|9)\d\d$/);
  await page.screenshot({ path: 'test-results/screenshots/monitor.png', fullPage: true });
  await inEveryLayout(page, 'monitor');
});

test('a regression monitor: MAE, RMSE and R² per window', async ({ page, lathe }) => {
  test.setTimeout(240_000);
  const folder = mkdtempSync(join(tmpdir(), 'lathe-e2e-monitor-regression-'));
  const header = ['x1', 'x2', 'y'];
  for (const [name, seed, rows] of [
    ['rtrain', 3, 800],
    ['rreference', 4, 400],
  ] as const)
    expect(
      (
        await lathe.cli([
          'data',
          'add',
          writeCsv(folder, `${name}.csv`, header, regressionRows(rows, seed, false)),
          '--name',
          name,
        ])
      ).code,
    ).toBe(0);
  const trained = await lathe.cli([
    '--json',
    'train',
    '--data',
    'rtrain@1',
    '--target',
    'y',
    '--task',
    'regression',
    '--features',
    'x1,x2',
    '--hidden',
    '8',
    '--epochs',
    '30',
    '--batch-size',
    '32',
    '--lr',
    '0.01',
    '--backend',
    'wasm',
  ]);
  expect(trained.code).toBe(0);
  const model = JSON.parse(trained.stdout) as { model: string; version: number };
  const stream = join(folder, 'rweeks');
  mkdirSync(stream);
  for (let week = 0; week < 4; week++)
    writeCsv(
      stream,
      `week-${week + 1}.csv`,
      ['day', ...header],
      regressionRows(300, 300 + week, week >= 2, new Date(firstMonday + week * 7 * 86_400_000)),
    );
  const created = await lathe.cli([
    'monitor',
    'create',
    'prices',
    '--model',
    `${model.model}@${model.version}`,
    '--reference',
    'rreference@1',
    '--folder',
    stream,
    '--window',
    'weekly',
    '--time-column',
    'day',
  ]);
  expect(created.code).toBe(0);
  const ran = await lathe.cli(['monitor', 'run', 'prices']);
  expect(ran.stdout).toContain('R²');

  await page.goto(`${lathe.url}#/monitors/prices`);
  await expect(page.getByRole('heading', { name: 'prices' })).toBeVisible({ timeout: 30_000 });
  await expect(page.getByRole('img', { name: 'MAE and RMSE per window' })).toBeVisible();
  await expect(page.getByRole('img', { name: 'R² per window' })).toBeVisible();
  await expect(page.getByRole('img', { name: 'Estimated and realised accuracy per window' })).toHaveCount(0);
  const windows = page.getByRole('table', { name: 'Windows' });
  for (const header of ['MAE', 'RMSE', 'R²'])
    await expect(windows.getByRole('columnheader', { name: header, exact: true })).toBeVisible();
  await expect(windows.getByRole('row')).toHaveCount(5);
  await expect(windows.getByRole('row').nth(1).getByRole('cell').nth(3)).toHaveText(/^0\.\d{3}$/);
  await inEveryLayout(page, 'monitor-regression');

  // The form knows a regressor has no accuracy: no accuracy alert field, a line saying what the windows show instead.
  await page.getByRole('link', { name: 'Monitors', exact: true }).first().click();
  await page.getByRole('button', { name: 'New monitor' }).click();
  const dialog = page.getByRole('dialog', { name: 'New monitor' });
  await expect(dialog.getByLabel('Alert below accuracy (optional)')).toBeVisible();
  await dialog.getByRole('textbox', { name: 'Model', exact: true }).click();
  await page.getByRole('option', { name: model.model }).click();
  await dialog.getByRole('textbox', { name: 'Model version' }).click();
  await page.getByRole('option', { name: `v${model.version}` }).click();
  await expect(dialog.getByText(/A regression model: each window shows MAE, RMSE and R²/)).toBeVisible();
  await expect(dialog.getByLabel('Alert below accuracy (optional)')).toHaveCount(0);
});

test('new monitor form: errors shown beside their fields, then a monitor created from the page', async ({
  page,
  lathe,
}) => {
  test.setTimeout(240_000);
  const folder = mkdtempSync(join(tmpdir(), 'lathe-e2e-monitor-form-'));
  const header = ['x1', 'x2', 'label'];
  for (const [name, seed] of [
    ['train', 1],
    ['reference', 2],
  ] as const)
    expect(
      (
        await lathe.cli([
          'data',
          'add',
          writeCsv(folder, `${name}.csv`, header, scenarioRows(300, seed, false)),
          '--name',
          name,
        ])
      ).code,
    ).toBe(0);
  const trained = await lathe.cli([
    '--json',
    'train',
    '--data',
    'train@1',
    '--target',
    'label',
    '--task',
    'classification',
    '--features',
    'x1,x2',
    '--hidden',
    '4',
    '--epochs',
    '3',
    '--backend',
    'wasm',
  ]);
  expect(trained.code).toBe(0);
  const model = JSON.parse(trained.stdout) as { model: string; version: number };
  const stream = join(folder, 'weeks');
  mkdirSync(stream);
  writeCsv(stream, 'week-1.csv', ['day', ...header], scenarioRows(100, 9, false, new Date(firstMonday)));

  await page.goto(lathe.url);
  await page.getByRole('link', { name: 'Monitors' }).click();
  await page.getByRole('button', { name: 'New monitor' }).click();
  const dialog = page.getByRole('dialog', { name: 'New monitor' });
  // Nothing filled in: the schema's messages appear on their fields and nothing is sent.
  await dialog.getByRole('button', { name: 'Create monitor' }).click();
  await expect(dialog.getByText('model name must not be empty').first()).toBeVisible();
  await expect(dialog.getByRole('textbox', { name: 'Name', exact: true })).toHaveAccessibleDescription(
    'model name must not be empty',
  );
  await expect(dialog.getByText('model reference must be NAME')).toBeVisible();

  await dialog.getByLabel('Name', { exact: true }).fill('form-made');
  await dialog.getByRole('textbox', { name: 'Model', exact: true }).click();
  await page.getByRole('option', { name: model.model }).click();
  await dialog.getByRole('textbox', { name: 'Model version' }).click();
  await page.getByRole('option', { name: `v${model.version}` }).click();
  await dialog.getByRole('textbox', { name: 'Reference dataset' }).click();
  await page.getByRole('option', { name: 'reference' }).click();
  // The version select fills in the latest version by itself.
  await expect(dialog.getByRole('textbox', { name: 'Version', exact: true })).toHaveValue(/1/);
  await dialog.getByRole('textbox', { name: 'Folder' }).fill(join(folder, 'no-such-folder'));
  await dialog.getByRole('textbox', { name: 'Window', exact: true }).click();
  await page.getByRole('option', { name: 'Weekly' }).click();
  // A weekly window without a time column: refused before sending, beside the time column.
  await dialog.getByRole('button', { name: 'Create monitor' }).click();
  await expect(dialog.getByText('weekly windows need a time column')).toBeVisible();
  await expect(dialog.getByRole('textbox', { name: 'Time column' })).toHaveAccessibleDescription(
    /weekly windows need a time column/,
  );
  await dialog.getByRole('textbox', { name: 'Time column' }).fill('day');
  // A folder that does not exist: the core's refusal lands on the folder field.
  await dialog.getByRole('button', { name: 'Create monitor' }).click();
  await expect(dialog.getByText(/stream\.path: no such folder/)).toBeVisible({ timeout: 30_000 });
  await expect(dialog.getByRole('textbox', { name: 'Folder' })).toHaveAccessibleDescription(/no such folder/);
  await page.screenshot({ path: 'test-results/screenshots/monitor-form-errors.png', fullPage: true });
  await dialog.getByRole('textbox', { name: 'Folder' }).fill(stream);
  await dialog.getByRole('button', { name: 'Create monitor' }).click();
  // Created: the modal closes on the new monitor's page, and the CLI sees the same monitor.
  await expect(page.getByRole('heading', { name: 'form-made' })).toBeVisible({ timeout: 30_000 });
  await expect(page.getByText('Not run yet.')).toBeVisible();
  await expect(page.getByText(`Model ${model.model}@${model.version}, reference reference@1`)).toBeVisible();
  const listed = await lathe.cli(['--json', 'monitor', 'list']);
  const monitors = JSON.parse(listed.stdout) as {
    name: string;
    config: { window: string; timeColumn: string; stream: { path: string } };
  }[];
  expect(monitors.map((monitor) => monitor.name)).toEqual(['form-made']);
  expect(monitors[0]!.config).toMatchObject({ window: 'weekly', timeColumn: 'day', stream: { path: stream } });
});
