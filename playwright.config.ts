import { defineConfig } from '@playwright/test';

/** Debian's Chromium; Playwright's own browser download cannot run on the build machines. */
export const chromiumPath = process.env.LATHE_CHROMIUM ?? '/usr/bin/chromium';

export default defineConfig({
  testDir: './e2e',
  outputDir: './test-results',
  // Sized for a loaded 2-core machine (CI beside other CPU-bound work): a test may take two minutes, and every
  // expect polls for up to 20 s, because the page's own signals (a heading, a row, a status) can arrive late
  // when the renderer shares the cores. A wait that is truly longer says so at its call site.
  timeout: 120_000,
  expect: { timeout: 20_000 },
  fullyParallel: false,
  workers: 1,
  retries: process.env.CI ? 1 : 0,
  reporter: [['list'], ['json', { outputFile: '.test-reports/playwright.json' }]],
  projects: [
    {
      name: 'web',
      testDir: './e2e/web',
      use: {
        browserName: 'chromium',
        headless: true,
        viewport: { width: 1360, height: 860 },
        launchOptions: {
          executablePath: chromiumPath,
          args: [
            '--no-sandbox',
            '--disable-gpu',
            '--disable-background-networking',
            '--disable-component-update',
            '--disable-sync',
            '--no-first-run',
            '--disable-quic',
          ],
        },
        screenshot: 'only-on-failure',
        trace: 'retain-on-failure',
      },
    },
    {
      // Runs wherever an Electron binary exists; skips with a reason elsewhere (see e2e/electron/app.spec.ts).
      name: 'electron',
      testDir: './e2e/electron',
    },
  ],
});
