/**
 * The desktop app's file handling, in the browser: the Electron binary cannot run here, so this test
 * stands in for the preload with a page script that provides `window.lathe` (calling the same contract
 * over HTTP) and `window.latheDesktop` (a fixed path for the native dialog and for dropped files).
 * The real preload is unit-tested in electron/preload/preload.test.ts, the dialog in electron/main.
 */
import { test, expect } from './fixtures';

const sample = new URL('../../resources/samples/customers-v1.csv', import.meta.url).pathname;

test('desktop: choose a data file with the native dialog and add it by path', async ({ page, lathe }) => {
  await page.goto(lathe.url); // sets the cookie the stand-in preload's calls use
  await page.addInitScript((path) => {
    const call = (method: string, input: unknown) =>
      fetch(`/api/rpc/${method}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(input ?? {}),
      }).then(async (res) => {
        const body = (await res.json()) as { result?: unknown; error?: unknown };
        if (body.error) throw new Error(JSON.stringify(body.error));
        return body.result;
      });
    (window as unknown as Record<string, unknown>).lathe = new Proxy(
      {},
      {
        get: (_target, method: string) => (method === 'on' ? () => () => {} : (input: unknown) => call(method, input)),
      },
    );
    (window as unknown as Record<string, unknown>).latheDesktop = {
      pathForFile: () => path,
      pickDataFile: async () => path,
    };
  }, sample);
  await page.goto(`${lathe.origin}/#/datasets`);
  await page.reload(); // a new document, so the stand-in preload runs before the app
  await expect(page.getByTestId('status-bar')).toContainText('Store:');
  await page.getByRole('button', { name: 'Add dataset' }).first().click();
  // No upload choice in the desktop app: the file is read where it is.
  await expect(page.getByText('Upload a file')).toHaveCount(0);
  await page.getByRole('button', { name: 'Drop a data file here or press Enter to choose one' }).click();
  await expect(page.getByRole('textbox', { name: 'File path' })).toHaveValue(sample);
  await expect(page.getByRole('textbox', { name: 'Dataset name' })).toHaveValue('customers-v1');
  await page.getByRole('dialog').getByRole('button', { name: 'Add dataset' }).click();
  await expect(page.getByRole('heading', { name: 'customers-v1' })).toBeVisible({ timeout: 20_000 });
  const listed = await lathe.cli(['--json', 'data', 'list']);
  expect(listed.stdout).toContain('customers-v1');
});
