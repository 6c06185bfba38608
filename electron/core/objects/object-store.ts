/**
 * The content-addressed object store beside lathe.db: `objects/sha256/ab/cdef…`. Bytes are written to
 * a temp file in the same file system, hashed while written, then renamed into place, so a reader never
 * sees half an object and the same bytes are stored once.
 */
import { createHash, randomBytes } from 'node:crypto';
import {
  createReadStream,
  createWriteStream,
  existsSync,
  mkdirSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { LatheError } from '../../../shared/errors.js';

/** What `put` tells about a stored object. */
export interface StoredObject {
  hash: string;
  size: number;
  /** False when the bytes were already in the store. */
  created: boolean;
}

const hashPattern = /^[0-9a-f]{64}$/;

/** Reads and writes immutable blobs addressed by their SHA-256. */
export class ObjectStore {
  private readonly root: string;
  private readonly tempDir: string;

  constructor(objectsRoot: string) {
    this.root = join(objectsRoot, 'sha256');
    this.tempDir = join(objectsRoot, 'tmp');
    mkdirSync(this.root, { recursive: true });
    mkdirSync(this.tempDir, { recursive: true });
  }

  /** The file path of an object (whether or not it exists). Throws on anything that is not a hash. */
  pathOf(hash: string): string {
    if (!hashPattern.test(hash)) throw new LatheError('BAD_INPUT', `Not a SHA-256 object hash: ${hash}`);
    return join(this.root, hash.slice(0, 2), hash.slice(2));
  }

  /** True when the object is stored. */
  has(hash: string): boolean {
    return existsSync(this.pathOf(hash));
  }

  /** Stores bytes from a buffer. */
  async putBytes(bytes: Uint8Array | string): Promise<StoredObject> {
    return this.putStream(Readable.from([Buffer.from(bytes)]));
  }

  /** Stores a file's bytes (copied, never moved: the user's file stays where it is). */
  async putFile(path: string): Promise<StoredObject> {
    return this.putStream(createReadStream(path));
  }

  /** Stores a stream's bytes; hashing and writing happen in one pass. */
  async putStream(source: Readable): Promise<StoredObject> {
    const temp = join(this.tempDir, `${Date.now()}-${randomBytes(6).toString('hex')}`);
    const hasher = createHash('sha256');
    let size = 0;
    const tap = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        hasher.update(chunk);
        size += chunk.length;
        done(null, chunk);
      },
    });
    try {
      await pipeline(source, tap, createWriteStream(temp, { flags: 'wx' }));
    } catch (error) {
      rmSync(temp, { force: true });
      throw error;
    }
    const hash = hasher.digest('hex');
    const target = this.pathOf(hash);
    if (existsSync(target)) {
      rmSync(temp, { force: true });
      return { hash, size, created: false };
    }
    mkdirSync(join(this.root, hash.slice(0, 2)), { recursive: true });
    renameSync(temp, target);
    return { hash, size, created: true };
  }

  /** Reads a whole object into memory (for small objects; stream large ones with `openRead`). */
  async read(hash: string): Promise<Buffer> {
    this.assertExists(hash);
    return readFile(this.pathOf(hash));
  }

  /** A read stream over an object, optionally a byte range. */
  openRead(hash: string, range?: { start: number; end: number }): Readable {
    this.assertExists(hash);
    return createReadStream(this.pathOf(hash), range);
  }

  /** The size in bytes of one object. */
  sizeOf(hash: string): number {
    this.assertExists(hash);
    return statSync(this.pathOf(hash)).size;
  }

  /** Removes an object. Callers remove only objects nothing in the database references any more. */
  remove(hash: string): void {
    rmSync(this.pathOf(hash), { force: true });
  }

  /** Count and total size of the stored objects (for `lathe doctor`). */
  usage(): { objects: number; bytes: number } {
    let objects = 0;
    let bytes = 0;
    for (const prefix of readdirSync(this.root)) {
      const dir = join(this.root, prefix);
      for (const name of readdirSync(dir)) {
        objects += 1;
        bytes += statSync(join(dir, name)).size;
      }
    }
    return { objects, bytes };
  }

  /** Removes temp files left by a crash mid-write (none are in use when the store opens). */
  sweepTemp(olderThanMs = 60 * 60 * 1000): number {
    let removed = 0;
    const now = Date.now();
    for (const name of readdirSync(this.tempDir)) {
      const file = join(this.tempDir, name);
      if (now - statSync(file).mtimeMs > olderThanMs) {
        rmSync(file, { force: true });
        removed += 1;
      }
    }
    return removed;
  }

  private assertExists(hash: string): void {
    if (!this.has(hash)) throw new LatheError('NOT_FOUND', `Object ${hash} is not in the store`);
  }
}
