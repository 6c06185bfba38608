import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { trackingConnection } from './server-file.js';

describe('trackingConnection', () => {
  const home = mkdtempSync(join(tmpdir(), 'lathe-server-file-'));
  afterEach(() => rmSync(join(home, 'server.json'), { force: true }));

  it('gives the URI and token of a live server', () => {
    writeFileSync(join(home, 'server.json'), JSON.stringify({ port: 7788, token: 'abc', pid: process.pid }));
    expect(trackingConnection(home)).toEqual({
      uri: 'http://127.0.0.1:7788',
      token: 'abc',
      serverFile: join(home, 'server.json'),
    });
  });

  it('gives nulls when no server runs, the file is stale or not JSON', () => {
    expect(trackingConnection(home).uri).toBeNull();
    writeFileSync(join(home, 'server.json'), JSON.stringify({ port: 7788, token: 'abc', pid: 2 ** 22 + 12345 }));
    expect(trackingConnection(home).token).toBeNull();
    writeFileSync(join(home, 'server.json'), '{');
    expect(trackingConnection(home).uri).toBeNull();
  });
});
