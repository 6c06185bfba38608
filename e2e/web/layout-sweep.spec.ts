/**
 * A page sweep: a home seeded through the CLI (a dataset with two versions, a tiny model, a drift report), then
 * every top-level section and the main detail pages at 1440×900 and 1280×800, light and dark. Each page must
 * never scroll sideways and no visible text may run off the right edge; a screenshot of each is saved under
 * test-results/screenshots/sweep-*.png for a person to look at.
 */
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { test, expect } from './fixtures';

const samples = new URL('../../resources/samples/', import.meta.url).pathname;

/** Visible text elements (no element children) that end beyond the viewport's right edge, outside any scroller. */
async function overflowing(page: Page): Promise<{ scrollWidth: number; innerWidth: number; clipped: string[] }> {
  return page.evaluate(() => {
    const clipped: string[] = [];
    for (const element of Array.from(document.body.querySelectorAll<HTMLElement>('*'))) {
      if (element.children.length > 0 || !element.textContent?.trim()) continue;
      const box = element.getBoundingClientRect();
      if (box.width === 0 || box.height === 0) continue;
      if (box.right <= window.innerWidth + 1) continue;
      // Text inside a scroller (a wide table in its own scroll box) that itself fits on screen is scrolled, not lost.
      let scroller = element.parentElement;
      while (scroller && getComputedStyle(scroller).overflowX === 'visible') scroller = scroller.parentElement;
      if (scroller && scroller !== document.documentElement && scroller !== document.body) {
        if (scroller.getBoundingClientRect().right <= window.innerWidth + 1) continue;
      }
      clipped.push(`${element.tagName} "${element.textContent.trim().slice(0, 40)}"`);
    }
    return { scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth, clipped };
  });
}

test('layout sweep: no page scrolls sideways or pushes text off screen, at two sizes, light and dark', async ({
  page,
  lathe,
}) => {
  test.setTimeout(240_000);
  const seed = async (args: string[]) => {
    const result = await lathe.cli(args);
    expect(result.code, result.stderr).toBe(0);
    return result.stdout;
  };
  await seed(['data', 'add', join(samples, 'customers-v1.tsv'), '--name', 'customers']);
  await seed(['data', 'add', join(samples, 'customers-v2.csv'), '--name', 'customers']);
  await seed([
    'train',
    '--data',
    'customers@1',
    '--target',
    'churned',
    '--epochs',
    '2',
    '--hidden',
    '4',
    '--model-name',
    'churn',
  ]);
  const report = JSON.parse(
    await seed(['--json', 'drift', '--reference', 'customers@1', '--current', 'customers@2']),
  ) as { id: string };

  // The served URL carries the session token, so pages are reached by changing only its hash.
  const at = (hash: string) => {
    const url = new URL(lathe.url);
    url.hash = hash;
    return url.toString();
  };
  // Find the run page through the experiments list, as a user would.
  await page.goto(at('#/experiments'));
  await expect(page.getByRole('heading', { name: 'Experiments' })).toBeVisible({ timeout: 30_000 });
  const experimentLink = page.locator('a[href^="#/experiments/"]').first();
  await expect(experimentLink).toBeVisible();
  await experimentLink.click();
  const runLink = page.locator('a[href*="/runs/"]').first();
  await expect(runLink).toBeVisible({ timeout: 30_000 });
  const runPath = (await runLink.getAttribute('href'))!;

  const pages: { name: string; path: string; heading: string | RegExp }[] = [
    { name: 'experiments', path: '#/experiments', heading: 'Experiments' },
    { name: 'datasets', path: '#/datasets', heading: 'Datasets' },
    { name: 'models', path: '#/models', heading: 'Models' },
    { name: 'drift', path: '#/drift', heading: 'Drift' },
    { name: 'monitors', path: '#/monitors', heading: 'Monitors' },
    { name: 'lineage', path: '#/lineage', heading: 'Lineage' },
    { name: 'dataset', path: '#/datasets/customers', heading: 'customers' },
    { name: 'model', path: '#/models/churn', heading: 'churn' },
    { name: 'run', path: runPath, heading: /./ },
    { name: 'drift-report', path: `#/drift/${report.id}`, heading: /./ },
    { name: 'lineage-model', path: `#/lineage?entity=${encodeURIComponent('model:churn@1')}`, heading: 'Lineage' },
  ];
  const problems: string[] = [];
  for (const [width, height] of [
    [1440, 900],
    [1280, 800],
  ] as const)
    for (const scheme of ['light', 'dark'] as const) {
      await page.setViewportSize({ width, height });
      await page.emulateMedia({ colorScheme: scheme });
      for (const visited of pages) {
        await page.goto(at(visited.path));
        const heading =
          typeof visited.heading === 'string'
            ? page.getByRole('heading', { name: visited.heading, exact: true })
            : page.getByRole('heading', { level: 2 });
        await expect(heading.first()).toBeVisible({ timeout: 30_000 });
        await expect(page.locator('.mantine-Loader-root')).toHaveCount(0, { timeout: 30_000 });
        await page.screenshot({ path: `test-results/screenshots/sweep-${visited.name}-${width}-${scheme}.png` });
        const found = await overflowing(page);
        const where = `${visited.name} at ${width}×${height} ${scheme}`;
        if (found.scrollWidth > found.innerWidth)
          problems.push(`${where}: scrolls sideways (${found.scrollWidth} > ${found.innerWidth})`);
        for (const text of found.clipped) problems.push(`${where}: ${text} runs off the right edge`);
      }
    }
  expect(problems).toEqual([]);
});
