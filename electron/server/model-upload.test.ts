import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startServing, type Serving } from './serve.js';

let home: string;
let serving: Serving;
const token = 'test-token-model-upload-0123456789';
const onnx = readFileSync(join(import.meta.dirname, '..', '..', 'resources', 'fixtures', 'pytorch-mlp', 'model.onnx'));

beforeEach(async () => {
  home = mkdtempSync(join(tmpdir(), 'lathe-model-upload-'));
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
  return fetch(`http://127.0.0.1:${serving.server.port}/api/models/upload?${query}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/octet-stream', ...headers },
    body,
  });
}

const leftovers = () => readdirSync(join(home, 'objects', 'tmp'));

describe('model upload route', () => {
  it('imports an uploaded ONNX file with its feature names and removes the temp copy', async () => {
    const response = await upload('name=mlp&filename=model.onnx&features=a,b,c,d', onnx);
    expect(response.status).toBe(200);
    const { result } = (await response.json()) as { result: { model: string; version: number } };
    expect(result).toMatchObject({ model: 'mlp', version: 1 });
    expect(serving.core.models.resolve('mlp@1')).toMatchObject({ source: 'imported', features: ['a', 'b', 'c', 'd'] });
    expect(leftovers()).toEqual([]);
  });

  it('refuses a missing token, a cookie from another site, a non-ONNX name and bytes that are not ONNX', async () => {
    expect((await upload('name=m&filename=m.onnx', onnx, { Authorization: 'Bearer wrong' })).status).toBe(401);
    const crossSite = await fetch(`http://127.0.0.1:${serving.server.port}/api/models/upload?name=m&filename=m.onnx`, {
      method: 'POST',
      headers: {
        Cookie: `lathe_token_${serving.server.port}=${token}`,
        'Content-Type': 'application/octet-stream',
        Origin: 'https://evil.example',
        'Sec-Fetch-Site': 'cross-site',
      },
      body: onnx,
    });
    expect([401, 403]).toContain(crossSite.status);
    expect((await upload('name=m&filename=m.onnx', onnx, { 'Content-Type': 'text/plain' })).status).toBe(400);
    expect((await upload('name=m&filename=m.csv', onnx)).status).toBe(400);
    const garbage = await upload('name=m&filename=m.onnx', 'not a model');
    expect(garbage.status).toBe(400);
    const { error } = (await garbage.json()) as { error: { message: string } };
    expect(error.message).toMatch(/^m\.onnx.*not a valid ONNX model/);
    expect(serving.core.models.list()).toEqual([]);
    expect(leftovers()).toEqual([]);
  });

  it('answers 413 past LATHE_UPLOAD_LIMIT_BYTES and keeps nothing', async () => {
    await serving.stop();
    process.env.LATHE_UPLOAD_LIMIT_BYTES = '500'; // the fixture is 796 bytes
    try {
      serving = await startServing({ home, port: 0, token, rendererDir: join(home, 'renderer') });
      expect((await upload('name=big&filename=big.onnx', onnx)).status).toBe(413);
      expect(serving.core.models.list()).toEqual([]);
      expect(leftovers()).toEqual([]);
    } finally {
      delete process.env.LATHE_UPLOAD_LIMIT_BYTES;
    }
  });
});
