import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatNumber } from '../../shared/format';
import type { Locator, Page } from '@playwright/test';
import { test, expect } from './fixtures';

const fixture = new URL('../../resources/fixtures/pytorch-mlp/model.onnx', import.meta.url).pathname;

/** Signs in with the token URL, then opens one page of the app. */
async function openAt(page: Page, url: string, origin: string, path: string): Promise<void> {
  await page.goto(url);
  await expect(page.getByRole('heading', { name: 'Experiments' })).toBeVisible();
  await page.goto(`${origin}/#${path}`);
}

/** Opens the training form on the churn@1 dataset with target "churned", epochs and batch size filled; returns the dialog. */
async function openTrainForm(page: Page, epochs: string, batchSize: string): Promise<Locator> {
  await page.getByRole('button', { name: 'Train model' }).click();
  const dialog = page.getByRole('dialog', { name: 'Train a model' });
  // Start says why it is disabled until the form is complete.
  await expect(dialog.getByTestId('submit-blocked')).toHaveText('Choose a dataset');
  await expect(dialog.getByRole('button', { name: 'Start training' })).toBeDisabled();
  await dialog.getByRole('textbox', { name: 'Dataset' }).click();
  await page.getByRole('option', { name: 'churn', exact: true }).click();
  // Any version, not only the latest.
  await dialog.getByRole('textbox', { name: 'Version' }).click();
  await page.getByRole('option', { name: /^@1 ·/ }).click();
  await expect(dialog.getByTestId('submit-blocked')).toHaveText(/Choose the target column/);
  const targetBox = dialog.getByRole('textbox', { name: 'Target column' });
  await targetBox.fill('no-such-column');
  await expect(page.getByText('Nothing found: no column by that name')).toBeVisible();
  await targetBox.fill('');
  await targetBox.click();
  await page.getByRole('option', { name: 'churned' }).click();
  await expect(dialog.getByTestId('submit-blocked')).toHaveCount(0);
  await dialog.getByRole('textbox', { name: 'Epochs (max)' }).fill(epochs);
  await dialog.getByRole('textbox', { name: 'Batch size' }).fill(batchSize);
  return dialog;
}

/** A small churn table with a learnable signal (plan and usage decide the label). */
function writeChurnCsv(path: string, rows: number): void {
  const plans = ['basic', 'pro', 'team'];
  const lines = ['usage,tenure,plan,churned'];
  for (let i = 0; i < rows; i++) {
    const usage = ((i * 37) % 100) / 10;
    const tenure = (i * 13) % 48;
    const plan = plans[i % 3]!;
    const churned = usage + (plan === 'basic' ? -2 : 1) + tenure / 24 < 4 ? 'yes' : 'no';
    lines.push(`${usage},${tenure},${plan},${churned}`);
  }
  writeFileSync(path, lines.join('\n') + '\n');
}

test('train from the form with live progress, then inspect, predict and benchmark the version', async ({
  page,
  lathe,
}) => {
  const csv = join(lathe.home, 'churn.csv');
  writeChurnCsv(csv, 900);
  expect((await lathe.cli(['data', 'add', csv, '--name', 'churn'])).code).toBe(0);
  // A second, smaller version: the form trains on the @1 chosen, not on the latest.
  const second = join(lathe.home, 'churn-2.csv');
  writeChurnCsv(second, 300);
  expect((await lathe.cli(['data', 'add', second, '--name', 'churn'])).code).toBe(0);

  await page.goto(lathe.url);
  await expect(page.getByRole('heading', { name: 'Experiments' })).toBeVisible();
  await page.keyboard.press('g');
  await page.keyboard.press('m');
  await expect(page.getByRole('heading', { name: 'Models', exact: true })).toBeVisible();
  await expect(page.getByText('No models yet')).toBeVisible();
  await page.screenshot({ path: 'test-results/screenshots/models-empty.png', fullPage: true });

  // Enough batches (up to 40 epochs × 315 of 2 rows; early stopping ends it near epoch 15, a few seconds
  // on wasm) that progress is seen before the end, even when the page's event stream connects late.
  const dialog = await openTrainForm(page, '40', '2');
  await dialog.getByRole('textbox', { name: 'Learning rate' }).fill('0.01');
  await dialog.getByRole('textbox', { name: 'Experiment' }).fill('churn-ui');
  await dialog.getByRole('textbox', { name: 'Validation share' }).fill('0.2');
  await dialog.getByRole('textbox', { name: 'Patience' }).fill('4');
  await page.screenshot({ path: 'test-results/screenshots/models-train-form.png', fullPage: true });
  await dialog.getByRole('button', { name: 'Start training' }).click();
  await expect(dialog).toBeHidden();

  const job = page.getByTestId('training-job').first();
  await expect(job).toContainText('churn@1 → churned');
  // Live progress arrives while the worker trains (and the page keeps answering).
  // The ETA leads with the patience window (early stopping), the time to epoch 40 is only a bound.
  await expect(job.getByTestId('training-status')).toContainText(
    /epoch \d+\/40 .* left if val_loss stops improving \(early stop at epoch \d+\), at most/,
    { timeout: 20_000 },
  );
  await page.screenshot({ path: 'test-results/screenshots/models-training.png', fullPage: true });
  await expect(job.getByText('finished', { exact: true })).toBeVisible({ timeout: 90_000 });
  await expect(job.getByTestId('training-status')).toContainText('accuracy');
  await expect(job.getByRole('img', { name: 'Loss per epoch' })).toBeVisible();
  await page.screenshot({ path: 'test-results/screenshots/models-trained.png', fullPage: true });

  await page.getByRole('row', { name: /churn-churned/ }).click();
  await expect(page.getByRole('heading', { name: 'churn-churned', exact: true })).toBeVisible();
  const metrics = page.getByRole('table', { name: 'Metrics' });
  await expect(metrics).toContainText('roc_auc');
  await expect(metrics).toContainText('onnx_max_difference');
  await expect(page.getByRole('table', { name: 'Inputs' })).toContainText('string[N, 1]');
  await expect(page.getByText('trained on: churn@1')).toBeVisible();
  // Artifacts of the training run: permutation importance and the confusion matrix.
  await expect(page.getByLabel('Feature importance')).toContainText('usage');
  const matrix = page.getByRole('table', { name: 'Confusion matrix' });
  await expect(matrix).toContainText('true');
  // Importance keeps its sign and shows no float noise; the confusion matrix comes before it.
  const values = await page.getByTestId('importance-value').allTextContents();
  const signs = await page.getByTestId('importance-row').evaluateAll((rows) => rows.map((r) => r.dataset.sign));
  expect(values.length).toBe(3);
  values.forEach((v, i) => {
    expect(v).not.toMatch(/e-/);
    expect(signs[i]).toBe(v === '0' ? '0' : v.startsWith('-') ? '-1' : '1');
  });
  const matrixBox = (await matrix.boundingBox())!;
  const importanceBox = (await page.getByLabel('Feature importance').boundingBox())!;
  expect(matrixBox.y).toBeLessThan(importanceBox.y);
  // ROC and precision-recall curves of the test split; the threshold slider moves the confusion matrix.
  await expect(page.getByRole('img', { name: 'ROC curve' })).toBeVisible();
  await expect(page.getByRole('img', { name: 'Precision–recall curve' })).toBeVisible();
  await expect(page.getByTestId('roc-auc')).toContainText(/AUC [01]\.\d{4}/);
  const slider = page.getByRole('slider', { name: 'Threshold' });
  await slider.focus();
  await slider.press('Home');
  await expect(page.getByTestId('threshold-value')).toHaveText('0.00');
  // Everything is predicted positive at 0: no false negatives, no true negatives.
  await expect(page.getByTestId('confusion-FN')).toContainText(/^0FN/);
  await expect(page.getByTestId('confusion-TN')).toContainText(/^0TN/);
  await expect(page.getByTestId('confusion-TP')).toContainText('TPR 100.0%');
  await slider.press('ArrowRight');
  await expect(page.getByTestId('threshold-value')).toHaveText('0.01');
  // Hyperparameters, split sizes and the loss curves of the run.
  const hyperparameters = page.getByRole('table', { name: 'Hyperparameters' });
  await expect(hyperparameters).toContainText('learning_rate');
  await expect(hyperparameters.getByRole('row', { name: /validation_share/ })).toContainText('0.2');
  await expect(hyperparameters.getByRole('row', { name: /patience/ })).toContainText('4');
  await expect(page.getByTestId('split-sizes')).toHaveText(/^\d+ \/ \d+ \/ \d+$/);
  await expect(page.getByRole('img', { name: 'Loss per epoch' })).toBeVisible();
  await page.screenshot({ path: 'test-results/screenshots/models-detail.png', fullPage: true });

  // Export downloads the very bytes `lathe model export` writes.
  const downloading = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export ONNX' }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toBe('churn-churned-v1.onnx');
  const downloaded = join(lathe.home, 'downloaded.onnx');
  await download.saveAs(downloaded);
  const exported = join(lathe.home, 'exported.onnx');
  expect((await lathe.cli(['model', 'export', 'churn-churned@1', '--out', exported])).code).toBe(0);
  expect(readFileSync(downloaded).equals(readFileSync(exported))).toBe(true);

  await page.getByRole('tab', { name: 'Predict' }).click();
  await page.getByRole('textbox', { name: 'usage' }).fill('0.5');
  await page.getByRole('textbox', { name: 'tenure' }).fill('2');
  await page.getByRole('textbox', { name: 'plan' }).click();
  await page.getByRole('option', { name: 'basic' }).click();
  await page.getByRole('button', { name: 'Predict' }).click();
  // The data layer reads yes/no as a boolean column, so the classes are false/true.
  await expect(page.getByTestId('prediction-label')).toHaveText('true');
  // Or fill the form from a row of the training data, with that row's actual label beside it.
  await page.getByRole('button', { name: 'Fill from a row of churn@1' }).click();
  await expect(page.getByTestId('sample-row')).toHaveText('Row 1 of churn@1 (its churned: true)');
  await expect(page.getByRole('textbox', { name: 'usage' })).toHaveValue('0');
  await expect(page.getByRole('textbox', { name: 'plan' })).toHaveValue('basic');
  await page.screenshot({ path: 'test-results/screenshots/models-predict.png', fullPage: true });

  // Batch scoring of the dataset version into a Parquet file, from the same tab.
  // The data comes from a dataset picker (any version), not a free-text box.
  await page.getByRole('textbox', { name: 'Data' }).click();
  await page.getByRole('option', { name: 'churn', exact: true }).click();
  await page.getByRole('textbox', { name: 'Version' }).click();
  await page.getByRole('option', { name: /^@1 ·/ }).click();
  // An input column passed through to the output, beside the class-named probabilities.
  await page.getByRole('textbox', { name: 'Keep columns' }).click();
  await page.getByRole('option', { name: 'plan', exact: true }).click();
  await page.keyboard.press('Escape');
  // In the browser the user picks a format, not a path on the server; the page says where the file goes.
  await page.getByText('Parquet', { exact: true }).click();
  await expect(page.getByTestId('score-destination')).toContainText('churn-churned-v1-scores-churn-v1.parquet');
  await page.getByRole('button', { name: 'Score', exact: true }).click();
  await expect(page.getByTestId('score-result')).toContainText('Scored 900 rows');
  const preview = page.getByRole('table', { name: 'Output preview' });
  await expect(preview.getByRole('columnheader')).toHaveText([
    'plan',
    'label',
    'probability_false',
    'probability_true',
  ]);
  await expect(preview.getByRole('row')).toHaveCount(21);
  await expect(preview.getByRole('row').nth(1)).toContainText('basic');
  // The data has the label, so metrics come with the scores; the CLI computes the same accuracy.
  await expect(page.getByTestId('score-metric-accuracy')).toHaveText(/^accuracy 0\.\d+|^accuracy 1$/);
  const cli = await lathe.cli([
    '--json',
    'predict',
    '--model',
    'churn-churned@1',
    '--data',
    'churn@1',
    '--out',
    join(lathe.home, 'cli.csv'),
    '--keep',
    'plan',
  ]);
  expect(cli.code).toBe(0);
  const scored = JSON.parse(cli.stdout) as {
    columns: string[];
    evaluation: { labeledRows: number; metrics: { accuracy: number } };
  };
  expect(scored.columns).toEqual(['plan', 'label', 'probability_false', 'probability_true']);
  expect(scored.evaluation.labeledRows).toBe(900);
  await expect(page.getByTestId('score-metric-accuracy')).toHaveText(
    `accuracy ${formatNumber(scored.evaluation.metrics.accuracy)}`,
  );
  // At 1440×900, light and dark: the output preview scrolls inside its box, never the page sideways.
  for (const scheme of ['light', 'dark'] as const) {
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.emulateMedia({ colorScheme: scheme });
    await preview.scrollIntoViewIfNeeded();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow, `scoring at 1440×900 ${scheme} scrolls sideways`).toBeLessThanOrEqual(0);
    await page.screenshot({ path: `test-results/screenshots/models-score-1440-${scheme}.png` });
  }
  await page.setViewportSize({ width: 1360, height: 860 });
  await page.emulateMedia({ colorScheme: 'light' });
  // The output downloads in the browser: the very Parquet bytes written.
  const scoresDownloading = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Download Parquet' }).click();
  const scoresDownload = await scoresDownloading;
  expect(scoresDownload.suggestedFilename()).toBe('churn-churned-v1-scores-churn-v1.parquet');
  const savedScores = join(lathe.home, 'downloaded-scores.parquet');
  await scoresDownload.saveAs(savedScores);
  const written = join(lathe.home, 'churn-churned-v1-scores-churn-v1.parquet');
  expect(readFileSync(savedScores).equals(readFileSync(written))).toBe(true);

  await page.getByRole('tab', { name: 'Benchmark' }).click();
  await page.getByRole('button', { name: 'Run benchmark' }).click();
  await expect(page.getByRole('table', { name: 'Benchmark' })).toContainText('rows/s', { timeout: 30_000 });
  await page.screenshot({ path: 'test-results/screenshots/models-bench.png', fullPage: true });

  // The CLI sees the same version, with the run that made it.
  const shown = await lathe.cli(['--json', 'model', 'show', 'churn-churned@1']);
  const parsed = JSON.parse(shown.stdout) as {
    version: { runId: string; bench: unknown };
    lineage: { kind: string }[];
  };
  expect(parsed.version.bench).not.toBeNull();
  expect(parsed.lineage.map((l) => l.kind)).toEqual(expect.arrayContaining(['run', 'dataset_version']));
});

test('cancel a training from the UI: the run ends KILLED', async ({ page, lathe }) => {
  const csv = join(lathe.home, 'churn.csv');
  writeChurnCsv(csv, 3000);
  expect((await lathe.cli(['data', 'add', csv, '--name', 'churn'])).code).toBe(0);
  await openAt(page, lathe.url, lathe.origin, '/models');
  const dialog = await openTrainForm(page, '5000', '4');
  await dialog.getByRole('button', { name: 'Start training' }).click();
  const job = page.getByTestId('training-job').first();
  await expect(job.getByTestId('training-status')).toContainText(/epoch \d+\/5000/, { timeout: 20_000 });
  await job.getByRole('button', { name: 'Cancel' }).click();
  await page.getByRole('dialog', { name: 'Cancel training?' }).getByRole('button', { name: 'Cancel training' }).click();
  await expect(job.getByText('killed', { exact: true })).toBeVisible({ timeout: 15_000 });
  await expect(job.getByTestId('training-status')).toContainText('the run ended KILLED');
  // A finished card says how long it took and can be dismissed, for good on this machine.
  await expect(job.getByTestId('training-differences')).toHaveText(/^took \d/);
  await job.getByRole('button', { name: 'Dismiss churn@1 → churned' }).click();
  await expect(page.getByTestId('training-job')).toHaveCount(0);
  // After a reload the job list comes back from the core, and the dismissed card stays away.
  const listed = page.waitForResponse((r) => r.url().includes('/api/rpc/models.trainingJobs') && r.ok());
  await page.reload();
  expect(JSON.stringify(await (await listed).json())).toContain('"status":"killed"');
  await expect(page.getByRole('button', { name: 'Train model' })).toBeVisible();
  await expect(page.getByTestId('training-job')).toHaveCount(0);
  const runs = await lathe.cli(['--json', 'runs', 'list', '--experiment', 'Default']);
  expect(runs.stdout).toContain('KILLED');
  expect(JSON.parse((await lathe.cli(['--json', 'model', 'list'])).stdout)).toEqual([]);
});

test('import a PyTorch ONNX model from the UI, see its schema and score a typed row', async ({ page, lathe }) => {
  const iris = join(lathe.home, 'iris.csv');
  writeFileSync(iris, 'sepal_length,sepal_width,petal_length,petal_width,species\n5.1,3.5,1.4,0.2,setosa\n');
  expect((await lathe.cli(['data', 'add', iris, '--name', 'iris'])).code).toBe(0);
  await openAt(page, lathe.url, lathe.origin, '/models');
  await page.getByRole('button', { name: 'Import ONNX' }).click();
  const dialog = page.getByRole('dialog', { name: 'Import an ONNX model' });
  // A file that is not ONNX: the error shows in the form and nothing is registered.
  const notOnnx = join(lathe.home, 'notes.onnx');
  writeFileSync(notOnnx, 'name,value\na,1\n');
  // The web shell cannot see paths: the file is picked in the browser and uploaded.
  const pickOnnx = async (file: string) => {
    const choosing = page.waitForEvent('filechooser');
    await dialog.getByRole('button', { name: 'ONNX file' }).click();
    await (await choosing).setFiles(file);
  };
  await pickOnnx(notOnnx);
  // The model name defaults to the file's name.
  await expect(dialog.getByRole('textbox', { name: 'Model name' })).toHaveValue('notes');
  await dialog.getByRole('textbox', { name: 'Model name' }).fill('iris-torch');
  await dialog.getByRole('button', { name: 'Import' }).click();
  await expect(dialog.getByText(/^notes\.onnx.*is not a valid ONNX model/)).toBeVisible();
  await page.screenshot({ path: 'test-results/screenshots/models-import-error.png', fullPage: true });
  expect(JSON.parse((await lathe.cli(['--json', 'model', 'list'])).stdout)).toEqual([]);

  await pickOnnx(fixture);
  // Feature names taken from a dataset's columns, without its label.
  await dialog.getByRole('textbox', { name: 'Columns from dataset' }).click();
  await page.getByRole('option', { name: 'iris', exact: true }).click();
  const featureBox = dialog.getByRole('textbox', { name: 'Feature columns' });
  await expect(featureBox).toHaveValue('sepal_length,sepal_width,petal_length,petal_width,species');
  await dialog.getByRole('textbox', { name: 'Label column to leave out' }).click();
  await page.getByRole('option', { name: 'species' }).click();
  await expect(featureBox).toHaveValue('sepal_length,sepal_width,petal_length,petal_width');
  await dialog.getByRole('button', { name: 'Import' }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByRole('heading', { name: 'iris-torch', exact: true })).toBeVisible();
  await expect(page.getByRole('table', { name: 'Inputs' })).toContainText('float32[batch, 4]');
  await expect(page.getByText(/pytorch 1.13.0 · opset 13 · 4 nodes/)).toBeVisible();
  await page.getByRole('tab', { name: 'Predict' }).click();
  for (const [name, value] of [
    ['sepal_length', '5.1'],
    ['sepal_width', '3.5'],
    ['petal_length', '1.4'],
    ['petal_width', '0.2'],
  ] as const) {
    await page.getByRole('textbox', { name }).fill(value);
  }
  await page.getByRole('button', { name: 'Predict' }).click();
  await expect(page.getByLabel('Prediction')).toContainText('probabilities');
  await page.screenshot({ path: 'test-results/screenshots/models-imported.png', fullPage: true });
});
