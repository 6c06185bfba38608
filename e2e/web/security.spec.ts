/** What a hostile page or a stray request can do to `lathe serve`: nothing. */
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

test('requests without the token are refused', async ({ request, lathe }) => {
  const res = await request.post(`${lathe.origin}/api/rpc/experiments.list`, { data: {} });
  expect(res.status()).toBe(401);
  const ok = await request.post(`${lathe.origin}/api/rpc/experiments.list`, {
    data: {},
    headers: { Authorization: `Bearer ${lathe.token}` },
  });
  expect(ok.status()).toBe(200);
});
