import { test, expect } from './fixtures';

test('create, rename, delete (with undo) an experiment through the UI', async ({ page, lathe }) => {
  await page.goto(lathe.url);
  // The token in the URL was traded for a cookie and dropped from the address bar.
  await expect(page).not.toHaveURL(/token=/);
  await expect(page.getByRole('heading', { name: 'Experiments' })).toBeVisible();
  await expect(page.getByTestId('status-bar')).toContainText(lathe.home);
  await expect(page.getByTestId('status-bar')).toContainText('Training: wasm');

  await page.getByRole('button', { name: 'New experiment' }).first().click();
  await page.getByRole('textbox', { name: 'Name' }).fill('churn-baseline');
  await page.getByRole('button', { name: 'Create' }).click();
  const row = page.getByRole('row', { name: /churn-baseline/ });
  await expect(row).toBeVisible();
  await page.screenshot({ path: 'test-results/screenshots/experiments.png', fullPage: true });

  // Its empty runs table gives the exact lines that point an MLflow script at this server.
  await page.getByRole('link', { name: 'Open runs of churn-baseline' }).click();
  const lines = page.getByTestId('tracking-lines');
  await expect(lines).toContainText(`export MLFLOW_TRACKING_URI=${lathe.origin}`);
  await expect(lines).toContainText(`export MLFLOW_TRACKING_TOKEN=${lathe.token}`);
  await expect(lines).toContainText('mlflow.set_experiment("churn-baseline")');
  await page.screenshot({ path: 'test-results/screenshots/runs-empty.png', fullPage: true });
  // The guide it points to opens inside the app.
  await page.getByRole('link', { name: 'docs/mlflow.md' }).click();
  await expect(page.getByRole('heading', { name: 'Logging into Lathe from MLflow scripts' })).toBeVisible();
  await expect(page.getByText('export MLFLOW_TRACKING_TOKEN=', { exact: false }).first()).toBeVisible();
  await page.screenshot({ path: 'test-results/screenshots/docs-mlflow.png', fullPage: true });
  await page.goBack();
  await expect(page.getByTestId('tracking-lines')).toBeVisible();
  await page.goBack();

  // The CLI sees what the UI wrote.
  const listed = await lathe.cli(['--json', 'experiments', 'list']);
  expect(listed.code).toBe(0);
  expect((JSON.parse(listed.stdout) as { name: string }[]).map((e) => e.name)).toContain('churn-baseline');

  // A duplicate name is refused with the message under the field.
  await page.keyboard.press('n');
  await page.getByRole('textbox', { name: 'Name' }).fill('churn-baseline');
  await page.getByRole('button', { name: 'Create' }).click();
  await expect(page.getByText('An experiment named "churn-baseline" already exists')).toBeVisible();
  await page.getByRole('button', { name: 'Cancel' }).click();

  await page.getByRole('button', { name: 'Rename churn-baseline' }).click();
  const input = page.getByLabel('New name for churn-baseline');
  await input.fill('churn-v2');
  await input.press('Enter');
  await expect(page.getByRole('row', { name: /churn-v2/ })).toBeVisible();

  await page.getByRole('button', { name: 'Delete churn-v2' }).click();
  await expect(page.getByRole('dialog', { name: 'Delete experiment?' })).toBeVisible();
  await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
  await expect(page.getByRole('row', { name: /churn-v2/ })).toHaveCount(0);
  await page.getByRole('button', { name: 'Undo' }).click();
  await expect(page.getByRole('row', { name: /churn-v2/ })).toBeVisible();
});

test('an experiment created from the CLI appears live in an open page', async ({ page, lathe }) => {
  await page.goto(lathe.url);
  await expect(page.getByRole('heading', { name: 'Experiments' })).toBeVisible();
  const created = await lathe.cli(['experiments', 'create', 'from-terminal']);
  expect(created.code).toBe(0);
  // Another process wrote it: the server notices the store changed and the page refreshes, no reload.
  await expect(page.getByRole('row', { name: /from-terminal/ })).toBeVisible();
});

test('keyboard: n opens the create dialog, Escape closes it, Tab reaches the sidebar', async ({ page, lathe }) => {
  await page.goto(lathe.url);
  await expect(page.getByRole('heading', { name: 'Experiments' })).toBeVisible();
  await page.keyboard.press('n');
  await expect(page.getByRole('dialog', { name: 'New experiment' })).toBeVisible();
  await expect(page.getByRole('textbox', { name: 'Name' })).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(page.getByRole('dialog')).toHaveCount(0);
  await page.keyboard.press('Tab');
  await expect(page.getByRole('link', { name: 'Experiments' })).toBeFocused();
});

test('follows the operating system between light and dark, and shows an empty state that says what to do', async ({
  page,
  lathe,
}) => {
  // Start from no experiments at all: delete Default through the CLI.
  expect((await lathe.cli(['experiments', 'delete', '0'])).code).toBe(0);
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.goto(lathe.url);
  await expect(page.locator('html')).toHaveAttribute('data-mantine-color-scheme', 'dark');
  await expect(page.getByRole('heading', { name: 'No experiments yet' })).toBeVisible();
  await expect(page.getByText('lathe experiments create NAME')).toBeVisible();
  await page.screenshot({ path: 'test-results/screenshots/experiments-empty-dark.png' });
  await page.emulateMedia({ colorScheme: 'light' });
  await expect(page.locator('html')).toHaveAttribute('data-mantine-color-scheme', 'light');
});
