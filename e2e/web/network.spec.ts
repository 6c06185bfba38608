/**
 * Zero network, as the page sees it: Lathe claims the UI makes no request beyond loopback (no fonts, no
 * CDN, no telemetry). With a home that holds a dataset of two versions, a trained model and its run, this
 * visits every section in the sidebar (so sections added later are covered without editing this file),
 * every in-app link found on those pages, and every tab on each, recording every request the browser makes
 * and every Content-Security-Policy refusal (a request the CSP blocked never reaches the network, so it
 * would not show up as a request). Any non-loopback request or refusal fails the test.
 */
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { test, expect } from './fixtures';

const samples = new URL('../../resources/samples/', import.meta.url).pathname;

/** True for URLs that stay on this machine's loopback (or never leave the page at all). */
function staysLocal(url: string): boolean {
  const parsed = new URL(url);
  if (['data:', 'blob:', 'about:'].includes(parsed.protocol)) return true;
  return ['127.0.0.1', 'localhost', '[::1]'].includes(parsed.hostname);
}

test('visiting every page makes no request beyond loopback', async ({ page, lathe }) => {
  test.setTimeout(240_000);
  const seed = async (args: string[]) => {
    const result = await lathe.cli(args);
    expect(result.code, result.stderr).toBe(0);
  };
  await seed(['data', 'add', join(samples, 'customers-v1.csv'), '--name', 'customers']);
  await seed(['data', 'add', join(samples, 'customers-v2.csv'), '--name', 'customers']);
  const trainArgs = ['--target', 'churned', '--epochs', '2', '--hidden', '4', '--experiment', 'offline'];
  await seed(['train', '--data', 'customers@1', ...trainArgs, '--model-name', 'churn']);

  const requests: string[] = [];
  const refusals: string[] = [];
  const pending = new Set<string>();
  const context = page.context();
  context.on('request', (request) => {
    requests.push(request.url());
    // The event stream stays open for the page's life; every other request is expected to finish.
    if (!request.url().includes('/api/events')) pending.add(request.url());
  });
  context.on('requestfinished', (request) => pending.delete(request.url()));
  context.on('requestfailed', (request) => pending.delete(request.url()));
  page.on('websocket', (socket) => requests.push(socket.url()));
  page.on('console', (message) => {
    if (/Content Security Policy|Refused to (load|connect)/i.test(message.text())) refusals.push(message.text());
  });

  /** Waits for the page's own signals: a heading in the main area and no request still in flight. */
  const settle = async (where: string) => {
    await expect(page.locator('main').getByRole('heading').first(), where).toBeVisible();
    await expect.poll(() => [...pending], { message: `requests still open on ${where}` }).toEqual([]);
  };

  /** Clicks each tab of the main area in turn, so views behind tabs load their data too. */
  const visitTabs = async (target: Page, where: string) => {
    const tabs = target.locator('main').getByRole('tab');
    const count = await tabs.count();
    for (let index = 0; index < count; index++) {
      await tabs.nth(index).click();
      await settle(`${where}, tab ${index + 1}`);
    }
  };

  await page.goto(lathe.url);
  await settle('the first page');
  const sections = page.getByRole('navigation', { name: 'Sections' }).getByRole('link');
  const sectionLinks = await sections.evaluateAll((links) => links.map((link) => link.getAttribute('href') ?? ''));
  expect(sectionLinks.length).toBeGreaterThanOrEqual(3);

  const visited = new Set<string>();
  const toVisit: string[] = [];
  for (const href of sectionLinks) {
    await page.goto(`${lathe.origin}/${href}`);
    await settle(href);
    visited.add(href);
    await visitTabs(page, href);
    const inner = await page
      .locator('main a[href^="#/"]')
      .evaluateAll((links) => links.map((link) => link.getAttribute('href') ?? ''));
    toVisit.push(...inner);
  }
  for (const href of toVisit) {
    if (visited.has(href)) continue;
    visited.add(href);
    await page.goto(`${lathe.origin}/${href}`);
    await settle(href);
    await visitTabs(page, href);
  }

  // The walk reached the seeded things' own pages, and the recorder saw the page's (loopback) traffic.
  expect(visited.size).toBeGreaterThan(sectionLinks.length);
  expect(requests.some((url) => url.includes('/api/'))).toBe(true);
  expect(requests.filter((url) => !staysLocal(url))).toEqual([]);
  expect(refusals).toEqual([]);
});
