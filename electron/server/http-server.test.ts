import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, statSync, existsSync, readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServing, type Serving } from './serve.js';

let home: string;
let renderer: string;
let serving: Serving;
let base: string;
const token = 'test-token-1234567890';

beforeEach(async () => {
  home = mkdtempSync(join(tmpdir(), 'lathe-serve-'));
  renderer = join(home, 'renderer');
  mkdirSync(join(renderer, 'assets'), { recursive: true });
  writeFileSync(join(renderer, 'index.html'), '<!doctype html><title>Lathe</title>');
  writeFileSync(join(renderer, 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(join(home, 'secret.txt'), 'outside the renderer');
  serving = await startServing({ home, port: 0, token, rendererDir: renderer });
  base = `http://127.0.0.1:${serving.server.port}`;
});
afterEach(async () => {
  await serving.stop();
  rmSync(home, { recursive: true, force: true });
});

/** A raw request, so tests control the Host header and the exact path bytes. */
function raw(path: string, options: { method?: string; headers?: Record<string, string>; body?: string } = {}) {
  return new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }>(
    (resolve, reject) => {
      const req = httpRequest(
        {
          host: '127.0.0.1',
          port: serving.server.port,
          path,
          method: options.method ?? 'GET',
          headers: { Host: `127.0.0.1:${serving.server.port}`, ...options.headers },
        },
        (res) => {
          let body = '';
          res.on('data', (c) => (body += String(c)));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
        },
      );
      req.on('error', reject);
      if (options.body !== undefined) req.write(options.body);
      req.end();
    },
  );
}
const bearer = { Authorization: `Bearer ${token}` };
const rpc = (method: string, body: unknown, headers: Record<string, string> = bearer) =>
  raw(`/api/rpc/${method}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

describe('lathe serve: access', () => {
  it('listens on 127.0.0.1 only', () => {
    expect(serving.server.server.address()).toMatchObject({ address: '127.0.0.1' });
  });

  it('answers 401 without a token or with a wrong one', async () => {
    expect((await raw('/')).status).toBe(401);
    expect((await rpc('experiments.list', {}, {})).status).toBe(401);
    expect((await rpc('experiments.list', {}, { Authorization: 'Bearer wrong-token-000000000' })).status).toBe(401);
    expect((await raw('/?token=wrong')).status).toBe(401);
    const body = JSON.parse((await raw('/api/events')).body) as { error: { code: string } };
    expect(body.error.code).toBe('UNAUTHORIZED');
  });

  it('answers 403 to a foreign Host header (DNS rebinding), even with the token', async () => {
    const res = await raw('/api/rpc/experiments.list', {
      method: 'POST',
      headers: { ...bearer, Host: 'attacker.example:80' },
      body: '{}',
    });
    expect(res.status).toBe(403);
    expect((await raw('/', { headers: { Host: `127.0.0.1:${serving.server.port + 1}` } })).status).toBe(403);
    expect((await raw('/', { headers: { Host: `localhost:${serving.server.port}`, ...bearer } })).status).toBe(200);
  });

  it('trades ?token= for an HttpOnly cookie and drops it from the URL', async () => {
    const first = await raw(`/?token=${token}`);
    expect(first.status).toBe(302);
    expect(first.headers.location).toBe('/');
    const cookie = String(first.headers['set-cookie']);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    const second = await raw('/', { headers: { Cookie: cookie.split(';')[0]! } });
    expect(second.status).toBe(200);
    expect(second.headers['content-security-policy']).toContain("script-src 'self'");
  });

  it('sends no CORS headers, even to a cross-origin request', async () => {
    const res = await rpc('experiments.list', {}, { ...bearer, Origin: 'https://evil.example' });
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('lathe serve: same-site requests carrying the cookie', () => {
  const cookie = () => ({ Cookie: `lathe_token_${serving.server.port}=${encodeURIComponent(token)}` });
  const ownOrigin = () => `http://127.0.0.1:${serving.server.port}`;

  it('refuses a cookie-only RPC call from another origin of the same site (another port of 127.0.0.1)', async () => {
    const foreign: Record<string, string>[] = [
      { Origin: 'http://127.0.0.1:1' },
      { Origin: 'http://localhost:5173' },
      { 'Sec-Fetch-Site': 'same-site' },
      { 'Sec-Fetch-Site': 'cross-site' },
      { Origin: 'null' },
    ];
    for (const headers of foreign) {
      const res = await rpc('experiments.create', { name: 'csrf-rpc' }, { ...cookie(), ...headers });
      expect(res.status, JSON.stringify(headers)).toBe(403);
      expect((JSON.parse(res.body) as { error: { code: string } }).error.code).toBe('FORBIDDEN');
    }
    expect(serving.core.experiments.findByName('csrf-rpc')).toBeUndefined();
  });

  it("accepts the app's own page (same origin) and Bearer clients whatever their headers", async () => {
    const own = await rpc(
      'experiments.create',
      { name: 'own-page' },
      { ...cookie(), Origin: ownOrigin(), 'Sec-Fetch-Site': 'same-origin' },
    );
    expect(own.status).toBe(200);
    const noOriginHeaders = await rpc('experiments.list', {}, cookie());
    expect(noOriginHeaders.status).toBe(200);
    const script = await rpc('experiments.create', { name: 'bearer-script' }, { ...bearer, Origin: 'http://x:1' });
    expect(script.status).toBe(200);
  });

  it('answers 4xx, not 500, to a malformed %-encoded cookie and a malformed %-encoded method name', async () => {
    const badCookie = await raw('/api/rpc/experiments.list', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Cookie: `lathe_token_${serving.server.port}=%E0%A4%A` },
      body: '{}',
    });
    expect(badCookie.status).toBe(401);
    const badMethod = await rpc('%E0%A4%A', {});
    expect(badMethod.status).toBe(400);
    expect((JSON.parse(badMethod.body) as { error: { code: string } }).error.code).toBe('BAD_INPUT');
  });
});

describe('lathe serve: RPC', () => {
  it('calls a method and returns its result', async () => {
    const res = await rpc('experiments.create', { name: 'over-http' });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toMatchObject({ result: { name: 'over-http' } });
  });

  it('answers 400 with the error shape to an unknown method, bad JSON or a bad payload, and changes nothing', async () => {
    const count = () => serving.core.experiments.list({ includeDeleted: true }).length;
    const before = count();
    for (const [method, body] of [
      ['experiments.explode', {}],
      ['constructor', {}],
      ['experiments.create', '{not json'],
      ['experiments.create', { name: '' }],
      ['experiments.create', { name: 'x', admin: true }],
    ] as const) {
      const res = await rpc(method, body);
      expect(res.status, `${method} ${JSON.stringify(body)}`).toBe(400);
      const parsed = JSON.parse(res.body) as { error: { code: string; message: string } };
      expect(['UNKNOWN_METHOD', 'BAD_INPUT']).toContain(parsed.error.code);
      expect(parsed.error.message.length).toBeGreaterThan(0);
    }
    expect(count()).toBe(before);
  });

  it('answers 415 to an RPC body that is not declared JSON (forces a CORS preflight on cross-origin callers)', async () => {
    const res = await raw('/api/rpc/experiments.create', {
      method: 'POST',
      headers: { ...bearer, 'Content-Type': 'text/plain' },
      body: '{"name":"simple-request"}',
    });
    expect(res.status).toBe(415);
    expect(serving.core.experiments.findByName('simple-request')).toBeUndefined();
  });

  it('answers 413 to a body over the limit', async () => {
    const res = await rpc('experiments.create', { name: 'x'.repeat(17 * 1024 * 1024) });
    expect(res.status).toBe(413);
  });

  it('streams core events over SSE', async () => {
    const response = await fetch(`${base}/api/events`, { headers: bearer });
    const reader = response.body!.getReader();
    await reader.read(); // ": connected"
    serving.core.experiments.create('evented');
    let text = '';
    while (!text.includes('experiments.changed')) text += new TextDecoder().decode((await reader.read()).value);
    expect(text).toContain('event: experiments.changed');
    expect(text).toContain('"change":"created"');
    await reader.cancel();
  });
});

describe('lathe serve: static files', () => {
  it('serves the renderer and falls back to index.html for app routes', async () => {
    expect((await raw('/assets/app.js', { headers: bearer })).body).toBe('console.log(1)');
    expect((await raw('/experiments/3', { headers: bearer })).body).toContain('<title>Lathe</title>');
  });

  it.each([
    '/../secret.txt',
    '/%2e%2e/secret.txt',
    '/assets/%2e%2e/%2e%2e/secret.txt',
    '/..%5csecret.txt',
    '/%252e%252e/secret.txt',
    '/assets/..%00/x.js',
  ])('never serves a file outside the renderer for %s', async (path) => {
    const res = await raw(path, { headers: bearer });
    expect(res.body).not.toContain('outside the renderer');
  });
});

describe('lathe serve: server.json', () => {
  it('is written with mode 0600 and removed on stop', async () => {
    const file = join(home, 'server.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const info = JSON.parse(readFileSync(file, 'utf8')) as { url: string; port: number; token: string; pid: number };
    expect(info).toMatchObject({ port: serving.server.port, token, pid: process.pid });
    expect(info.url).toContain(`token=${token}`);
    await serving.stop();
    expect(existsSync(file)).toBe(false);
  });
});
