import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { ObjectStore } from './object-store.js';

let dir: string;
let store: ObjectStore;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'lathe-objects-'));
  store = new ObjectStore(join(dir, 'objects'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('ObjectStore', () => {
  it('stores bytes under objects/sha256/<2>/<62> named by their SHA-256', async () => {
    const stored = await store.putBytes('hello lathe');
    const expected = createHash('sha256').update('hello lathe').digest('hex');
    expect(stored).toEqual({ hash: expected, size: 11, created: true });
    expect(existsSync(join(dir, 'objects', 'sha256', expected.slice(0, 2), expected.slice(2)))).toBe(true);
    expect((await store.read(expected)).toString()).toBe('hello lathe');
  });

  it('deduplicates identical bytes and leaves no temp file behind', async () => {
    const a = await store.putBytes('same');
    const b = await store.putBytes('same');
    expect(b).toEqual({ ...a, created: false });
    expect(store.usage()).toEqual({ objects: 1, bytes: 4 });
    expect(readdirSync(join(dir, 'objects', 'tmp'))).toEqual([]);
  });

  it('copies a file without moving it', async () => {
    const file = join(dir, 'data.csv');
    writeFileSync(file, 'a,b\n1,2\n');
    const stored = await store.putFile(file);
    expect(existsSync(file)).toBe(true);
    expect(store.sizeOf(stored.hash)).toBe(8);
  });

  it('removes the temp file when the source stream fails midway', async () => {
    const failing = new Readable({
      read() {
        this.push(Buffer.from('partial'));
        this.destroy(new Error('disk went away'));
      },
    });
    await expect(store.putStream(failing)).rejects.toThrow('disk went away');
    expect(readdirSync(join(dir, 'objects', 'tmp'))).toEqual([]);
    expect(store.usage().objects).toBe(0);
  });

  it('refuses anything that is not a hash as an object name (no path tricks)', () => {
    expect(() => store.pathOf('../../etc/passwd')).toThrow(/Not a SHA-256/);
    expect(() => store.pathOf('A'.repeat(64))).toThrow(/Not a SHA-256/);
  });

  it('reports NOT_FOUND for a missing object', async () => {
    await expect(store.read('0'.repeat(64))).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
