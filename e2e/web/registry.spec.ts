/** The registry in the browser: aliases as badges, a confirmed move with its history, and deleting a model. */
import { test, expect } from './fixtures';

const fixture = new URL('../../resources/fixtures/pytorch-mlp/model.onnx', import.meta.url).pathname;

test('aliases show as badges, move after a confirmation with their history, and a model is deleted after typing its name', async ({
  page,
  lathe,
}) => {
  for (let i = 0; i < 2; i++) expect((await lathe.cli(['model', 'import', fixture, '--name', 'iris'])).code).toBe(0);
  expect((await lathe.cli(['model', 'alias', 'iris@1', 'champion'])).code).toBe(0);

  await page.goto(lathe.url);
  await expect(page.getByRole('heading', { name: 'Experiments' })).toBeVisible();
  await page.goto(`${lathe.origin}/#/models`);
  const list = page.getByRole('table', { name: 'Models' });
  await expect(list.getByText('@champion → 1')).toBeVisible();
  await list.getByRole('link', { name: 'iris' }).click();

  const versions = page.getByRole('table', { name: 'Versions' });
  await expect(versions.getByRole('row', { name: /@1/ }).getByLabel('alias champion')).toBeVisible();
  const registry = page.getByRole('region', { name: 'Registry', exact: true });
  await registry.getByRole('button', { name: 'Move alias champion', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'Move @champion' });
  await expect(dialog.getByRole('textbox', { name: 'Version' })).toHaveValue(/version 2/);
  await dialog.getByRole('button', { name: 'Continue' }).click();
  await expect(dialog.getByLabel('Confirmation')).toContainText('Move iris@champion from version 1 to version 2?');
  await page.screenshot({ path: 'test-results/screenshots/registry-move-confirm.png', fullPage: true });
  await dialog.getByRole('button', { name: 'Move alias' }).click();
  await expect(dialog).toBeHidden();
  await expect(versions.getByRole('row', { name: /@2/ }).getByLabel('alias champion')).toBeVisible();
  const history = registry.getByRole('table', { name: 'Alias history' });
  await expect(history.getByText('moved from version 1 to 2')).toBeVisible();
  await expect(history.getByText('set to version 1')).toBeVisible();

  // A change from the CLI arrives through the store watcher.
  expect((await lathe.cli(['model', 'alias', 'iris@1', 'challenger'])).code).toBe(0);
  await expect(versions.getByRole('row', { name: /@1/ }).getByLabel('alias challenger')).toBeVisible({
    timeout: 15_000,
  });

  await registry.getByRole('button', { name: 'Edit description' }).click();
  await registry.getByRole('textbox', { name: 'Description' }).fill('Iris species from petal and sepal sizes');
  await registry.getByRole('button', { name: 'Save description' }).click();
  await expect(registry.getByText('Iris species from petal and sepal sizes')).toBeVisible();
  await page.screenshot({ path: 'test-results/screenshots/registry-model.png', fullPage: true });

  await registry.getByRole('button', { name: 'Delete model' }).click();
  const confirm = page.getByRole('dialog', { name: 'Delete iris?' });
  const remove = confirm.getByRole('button', { name: 'Delete model' });
  await expect(remove).toBeDisabled();
  await confirm.getByRole('textbox', { name: 'Model name to confirm' }).fill('iris');
  await remove.click();
  await expect(page.getByRole('heading', { name: 'Models', exact: true })).toBeVisible();
  await expect(page.getByText('No models yet')).toBeVisible();
  const listed = await lathe.cli(['--json', 'model', 'list']);
  expect(JSON.parse(listed.stdout)).toEqual([]);
});
