import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import {
  mkdtempSync,
  readdirSync,
  rmSync,
  writeFileSync,
  existsSync,
  symlinkSync,
  mkdirSync,
  readFileSync,
} from 'node:fs';
import { text } from 'node:stream/consumers';
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

  it('adopts a finished temp file by renaming it, and drops it when the bytes are already stored', () => {
    const temp = store.tempPath('test');
    expect(temp.startsWith(join(dir, 'objects', 'tmp', `${process.pid}-test-`))).toBe(true);
    writeFileSync(temp, 'adopted bytes');
    const hash = createHash('sha256').update('adopted bytes').digest('hex');
    expect(store.adopt(temp, hash)).toEqual({ hash, size: 13, created: true });
    expect(existsSync(temp)).toBe(false);
    const again = store.tempPath('test');
    writeFileSync(again, 'adopted bytes');
    expect(store.adopt(again, hash)).toEqual({ hash, size: 13, created: false });
    expect(readdirSync(join(dir, 'objects', 'tmp'))).toEqual([]);
  });

  it('refuses a symlink planted in objects/ instead of following it', async () => {
    const secret = join(dir, 'secret.txt');
    writeFileSync(secret, 'not for you');
    const hash = createHash('sha256').update('planted').digest('hex');
    mkdirSync(join(dir, 'objects', 'sha256', hash.slice(0, 2)), { recursive: true });
    symlinkSync(secret, store.pathOf(hash));
    expect(() => store.has(hash)).toThrow(/not a plain file/);
    await expect(store.read(hash)).rejects.toMatchObject({ code: 'STORE_UNUSABLE' });
    expect(() => store.openRead(hash)).toThrow(/not a plain file/);
    expect(() => store.checkedPath(hash)).toThrow(/not a plain file/);
  });

  it('refuses a planted symlink in place of a prefix folder', async () => {
    const elsewhere = join(dir, 'elsewhere');
    mkdirSync(elsewhere);
    const hash = createHash('sha256').update('folder').digest('hex');
    writeFileSync(join(elsewhere, hash.slice(2)), 'folder');
    symlinkSync(elsewhere, join(dir, 'objects', 'sha256', hash.slice(0, 2)));
    await expect(store.read(hash)).rejects.toMatchObject({ code: 'STORE_UNUSABLE' });
  });

  it('checks the hash where bytes leave: read, whole-object streams and copies fail on changed bytes', async () => {
    const { hash } = await store.putBytes('original bytes');
    writeFileSync(store.pathOf(hash), 'tampered bytes');
    await expect(store.read(hash)).rejects.toThrow(/does not match its hash/);
    await expect(text(store.openRead(hash))).rejects.toThrow(/does not match its hash/);
    const out = join(dir, 'copy');
    await expect(store.copyTo(hash, out)).rejects.toThrow(/does not match its hash/);
    expect(existsSync(out)).toBe(false);
    expect(await store.verify(hash)).toBe(false);
    // A range read serves part of an object (downloads resume); it is not checked.
    expect(await text(store.openRead(hash, { start: 0, end: 7 }))).toBe('tampered');
  });

  it('copies an intact object byte for byte', async () => {
    const { hash } = await store.putBytes('intact');
    const out = join(dir, 'copy');
    expect(await store.copyTo(hash, out)).toBe(6);
    expect(readFileSync(out, 'utf8')).toBe('intact');
    expect(await text(store.openRead(hash))).toBe('intact');
  });
});
