/** What a hostile page or a stray request can do to `lathe serve`: nothing. */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test, expect } from './fixtures';

test('the page runs under a strict CSP and without the token in its URL', async ({ page, lathe }) => {
  const response = await page.goto(lathe.url);
  expect(response?.status()).toBe(200);
  await expect(page).not.toHaveURL(/token=/);
  const csp = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
  expect(csp).toContain("script-src 'self'");
  expect(csp).toContain("object-src 'none'");
  expect(csp).toContain("frame-src 'none'");
  // An inline script injected into the page does not run.
  const ran = await page.evaluate(() => {
    const script = document.createElement('script');
    script.textContent = 'window.__injected = true';
    document.body.appendChild(script);
    return (window as unknown as { __injected?: boolean }).__injected === true;
  });
  expect(ran).toBe(false);
});

test('another origin cannot call the API, even from a browser that has the cookie', async ({ page, lathe }) => {
  await page.goto(lathe.url); // the cookie is now set for 127.0.0.1
  // A page on another origin (here: about:blank has an opaque origin) tries a cross-origin call.
  const page2 = await page.context().newPage();
  await page2.goto('about:blank');
  const outcome = await page2.evaluate(async (origin) => {
    try {
      const res = await fetch(`${origin}/api/rpc/experiments.create`, {
        method: 'POST',
        body: JSON.stringify({ name: 'csrf' }),
        credentials: 'include',
      });
      return `status ${res.status}`;
    } catch {
      return 'blocked';
    }
  }, lathe.origin);
  // SameSite=Strict keeps the cookie off cross-site requests, and no CORS header lets the page read a reply.
  expect(outcome).toBe('blocked');
  const listed = await lathe.cli(['--json', 'experiments', 'list']);
  expect(listed.stdout).not.toContain('csrf');
});

test('a page on another port of 127.0.0.1 (same site: the cookie goes along) changes nothing', async ({
  page,
  lathe,
}) => {
  await page.goto(lathe.url); // the SameSite=Strict cookie is now set for 127.0.0.1, which every port shares
  const other = createServer((_request, response) => {
    response.writeHead(200, { 'Content-Type': 'text/html' });
    response.end('<!doctype html><title>another app on this machine</title>');
  });
  await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
  try {
    await page.goto(`http://127.0.0.1:${(other.address() as AddressInfo).port}/`);
    // Simple requests (text/plain, no preflight) with the cookie, as the probe sent them.
    const outcomes = await page.evaluate(async (origin) => {
      const calls: [string, unknown][] = [
        ['/api/2.0/mlflow/experiments/create', { name: 'csrf-mlflow' }],
        ['/api/rpc/experiments.create', { name: 'csrf-rpc' }],
      ];
      const results: string[] = [];
      for (const [path, body] of calls) {
        try {
          const response = await fetch(origin + path, {
            method: 'POST',
            mode: 'no-cors',
            credentials: 'include',
            body: JSON.stringify(body),
          });
          results.push(response.type);
        } catch {
          results.push('blocked');
        }
      }
      return results;
    }, lathe.origin);
    expect(outcomes).toHaveLength(2);
    const listed = await lathe.cli(['--json', 'experiments', 'list']);
    expect(listed.stdout).not.toContain('csrf-');
  } finally {
    other.close();
  }
});

test('requests without the token are refused', async ({ request, lathe }) => {
  const res = await request.post(`${lathe.origin}/api/rpc/experiments.list`, { data: {} });
  expect(res.status()).toBe(401);
  const ok = await request.post(`${lathe.origin}/api/rpc/experiments.list`, {
    data: {},
    headers: { Authorization: `Bearer ${lathe.token}` },
  });
  expect(ok.status()).toBe(200);
});
