/**
 * The real desktop app, launched with Playwright's _electron. Runs wherever an Electron binary and a
 * display exist; elsewhere (the build machines, which cannot download the binary) it is skipped and says why.
 */
import { test, expect, _electron as electron } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { probeElectronBinary, hasDisplay } from '../../electron/core/doctor/electron-binary';
import { electronSqliteBinding } from '../../scripts/electron-native.mjs';

const binary = probeElectronBinary();
const root = new URL('../..', import.meta.url).pathname;

if (!binary.present || !hasDisplay()) {
  console.log(
    `[electron] skipped: ${!binary.present ? `Electron binary unavailable (${binary.reason})` : 'no display (DISPLAY/WAYLAND_DISPLAY unset)'}`,
  );
}
test.skip(!binary.present, `Electron binary unavailable: ${binary.reason}`);
test.skip(!hasDisplay(), 'No display (DISPLAY/WAYLAND_DISPLAY unset); run under xvfb-run to test the desktop app');

test('the desktop app opens, is isolated, and creates an experiment', async () => {
  const home = mkdtempSync(join(tmpdir(), 'lathe-electron-'));
  // better-sqlite3 in node_modules is built for Node; the app gets an Electron-ABI build, as `npm start` does.
  const sqliteBinding = electronSqliteBinding(root, binary.version!);
  expect(sqliteBinding, 'better-sqlite3 could not be built for Electron').toBeDefined();
  const app = await electron.launch({
    executablePath: binary.path,
    args: [root, '--home', home],
    env: { ...process.env, LATHE_SQLITE_BINDING: sqliteBinding! },
  });
  try {
    const page = await app.firstWindow();
    await expect(page.getByRole('heading', { name: 'Experiments' })).toBeVisible();
    await expect(page.getByTestId('status-bar')).toContainText('Desktop');
    // The page has the contract client and nothing of Node.
    expect(await page.evaluate(() => typeof (window as unknown as { require?: unknown }).require)).toBe('undefined');
    expect(await page.evaluate(() => typeof (window as unknown as { lathe?: unknown }).lathe)).toBe('object');
    expect(page.url()).toMatch(/^app:\/\/lathe\//);
    await page.getByRole('button', { name: 'New experiment' }).first().click();
    await page.getByRole('textbox', { name: 'Name' }).fill('desktop-made');
    await page.getByRole('button', { name: 'Create' }).click();
    await expect(page.getByRole('row', { name: /desktop-made/ })).toBeVisible();
    // window.open is denied: no second window appears.
    await page.evaluate(() => window.open('https://example.com'));
    expect(app.windows()).toHaveLength(1);
  } finally {
    await app.close();
    rmSync(home, { recursive: true, force: true });
  }
});
