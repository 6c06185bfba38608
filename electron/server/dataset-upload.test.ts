import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startServing, type Serving } from './serve.js';

let home: string;
let serving: Serving;
const token = 'test-token-upload-0123456789';
const samples = join(import.meta.dirname, '..', '..', 'resources', 'samples');

beforeEach(async () => {
  home = mkdtempSync(join(tmpdir(), 'lathe-upload-'));
  const renderer = join(home, 'renderer');
  mkdirSync(renderer, { recursive: true });
  writeFileSync(join(renderer, 'index.html'), '<!doctype html><title>Lathe</title>');
  serving = await startServing({ home, port: 0, token, rendererDir: renderer });
});
afterEach(async () => {
  await serving.stop();
  rmSync(home, { recursive: true, force: true });
});

function upload(query: string, body: Buffer | string, headers: Record<string, string> = {}) {
  return fetch(`http://127.0.0.1:${serving.server.port}/api/datasets/upload?${query}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/octet-stream', ...headers },
    body,
  });
}

const leftovers = () => readdirSync(join(home, 'objects', 'tmp'));

describe('dataset upload route', () => {
  it('adds an uploaded file under its browser file name and removes the temp copy', async () => {
    const response = await upload(
      'name=customers&filename=customers-v1.csv&message=from%20the%20browser',
      readFileSync(join(samples, 'customers-v1.csv')),
    );
    expect(response.status).toBe(200);
    const { result } = (await response.json()) as {
      result: { name: string; version: number; rows: number; deduplicated: boolean };
    };
    expect(result).toMatchObject({ name: 'customers', version: 1, rows: 400, deduplicated: false });
    const version = serving.core.datasets.versions('customers')[0]!;
    expect(version.origin?.path).toBe('customers-v1.csv');
    expect(version.message).toBe('from the browser');
    expect(leftovers()).toEqual([]);
  });

  it('names the uploaded file in a bad-input error and keeps nothing', async () => {
    const response = await upload('name=bad&filename=ragged.csv', 'a,b\n1\n');
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { message: string; details: { line: number } } };
    expect(body.error.message).toMatch(/^ragged\.csv: line 2 has 1 field/);
    expect(body.error.details.line).toBe(2);
    expect(serving.core.datasets.list()).toEqual([]);
    expect(leftovers()).toEqual([]);
  });

  it('requires the token, an octet-stream body, a dataset name and a known extension', async () => {
    expect((await upload('name=x&filename=a.csv', 'a\n1\n', { Authorization: 'Bearer wrong' })).status).toBe(401);
    expect((await upload('name=x&filename=a.csv', 'a\n1\n', { 'Content-Type': 'text/plain' })).status).toBe(400);
    expect((await upload('name=&filename=a.csv', 'a\n1\n')).status).toBe(400);
    expect((await upload('name=x&filename=a.exe', 'a\n1\n')).status).toBe(400);
  });
});

describe('dataset upload size limit', () => {
  it('answers 413 past LATHE_UPLOAD_LIMIT_BYTES and leaves no temp file', async () => {
    await serving.stop();
    process.env.LATHE_UPLOAD_LIMIT_BYTES = '1000';
    try {
      serving = await startServing({ home, port: 0, token, rendererDir: join(home, 'renderer') });
      const big = 'v\n' + '12345\n'.repeat(5000);
      const declared = await upload('name=big&filename=big.csv', big);
      expect(declared.status).toBe(413);
      // Without Content-Length (chunked), the limit is enforced while streaming.
      const stream = new ReadableStream({
        start(controller) {
          for (let i = 0; i < 20; i++) controller.enqueue(new TextEncoder().encode('12345\n'.repeat(100)));
          controller.close();
        },
      });
      const chunked = await fetch(
        `http://127.0.0.1:${serving.server.port}/api/datasets/upload?name=big&filename=big.csv`,
        {
          method: 'POST',
          headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/octet-stream' },
          body: stream,
          duplex: 'half',
        } as RequestInit,
      ).catch((error: unknown) => error);
      // The server answers 413 or, when the client is still sending, closes the connection: both refuse.
      expect([413, 'closed']).toContain(chunked instanceof Response ? chunked.status : 'closed');
      expect(serving.core.datasets.list()).toEqual([]);
      // The partial temp file is removed once the aborted stream has been torn down.
      await expect.poll(() => leftovers()).toEqual([]);
    } finally {
      delete process.env.LATHE_UPLOAD_LIMIT_BYTES;
    }
  });
});
