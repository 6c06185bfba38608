/**
 * The content-addressed object store beside lathe.db: `objects/sha256/ab/cdef…`. Bytes are written to
 * a temp file in the same file system (`tempPath`), hashed while written, then renamed into place by
 * the store itself (`adopt`), so a reader never sees half an object, the same bytes are stored once,
 * and no service renames into `objects/` on its own. Objects are opened without following links, so a
 * symlink planted in `objects/` is refused rather than served.
 *
 * Writers that keep an object unreferenced for a while (an ingest profiles the file before its version
 * row commits) hold a lease (`objects/leases/<pid>-<start>-<random>`, one hash a line): the collector
 * (`gc.ts`) never removes an object a live process holds or one newer than the oldest live lease, and
 * treats a lease whose process is gone as the record of a crash.
 */
import { createHash, randomBytes } from 'node:crypto';
import {
  appendFileSync,
  constants,
  createReadStream,
  createWriteStream,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  renameSync,
  rmSync,
  writeFileSync,
  type Stats,
} from 'node:fs';
import { open } from 'node:fs/promises';
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

/** A writer's claim on the objects it stores until their rows commit; `release` when done. */
export interface ObjectLease {
  /** Records that `hash` belongs to this writer (before it appears in the store). */
  hold(hash: string): void;
  /** Ends the lease (idempotent). */
  release(): void;
}

const hashPattern = /^[0-9a-f]{64}$/;
/** Opens a file for reading and fails (ELOOP) when the last component is a symlink. */
const readNoFollow = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0);

/** Reads and writes immutable blobs addressed by their SHA-256. */
export class ObjectStore {
  /** `objects/sha256`: the objects themselves. */
  readonly root: string;
  /** `objects/tmp`: files being written. */
  readonly tempDir: string;
  /** `objects/leases`: one file per live writer. */
  readonly leaseDir: string;

  constructor(objectsRoot: string) {
    this.root = join(objectsRoot, 'sha256');
    this.tempDir = join(objectsRoot, 'tmp');
    this.leaseDir = join(objectsRoot, 'leases');
    for (const dir of [this.root, this.tempDir, this.leaseDir]) mkdirSync(dir, { recursive: true });
  }

  /** The file path of an object (whether or not it exists). Throws on anything that is not a hash. */
  pathOf(hash: string): string {
    if (!hashPattern.test(hash)) throw new LatheError('BAD_INPUT', `Not a SHA-256 object hash: ${hash}`);
    return join(this.root, hash.slice(0, 2), hash.slice(2));
  }

  /**
   * The path of a stored object for readers that open by path (DuckDB, ONNX Runtime), after checking
   * that neither it nor its folder is a link. NOT_FOUND when absent; STORE_UNUSABLE when planted.
   */
  checkedPath(hash: string): string {
    this.assertExists(hash);
    return this.pathOf(hash);
  }

  /** True when the object is stored as a plain file (a symlink in its place does not count). */
  has(hash: string): boolean {
    return this.plainStat(hash) !== undefined;
  }

  /**
   * A fresh file name in `objects/tmp` (same file system as the objects, so `adopt` is a rename). The
   * name starts with this process's id so the collector can tell a crashed writer's file from a live one's.
   */
  tempPath(prefix = 'put'): string {
    return join(this.tempDir, `${process.pid}-${prefix}-${Date.now()}-${randomBytes(6).toString('hex')}`);
  }

  /**
   * Moves a finished temp file (from {@link tempPath}) into the store as `hash`: renamed when new,
   * removed when the store already holds those bytes. The caller computed `hash` over exactly these bytes.
   */
  adopt(temp: string, hash: string, lease?: ObjectLease): StoredObject {
    const target = this.pathOf(hash);
    const size = lstatSync(temp).size;
    lease?.hold(hash);
    if (this.has(hash)) {
      rmSync(temp, { force: true });
      return { hash, size, created: false };
    }
    mkdirSync(join(this.root, hash.slice(0, 2)), { recursive: true });
    renameSync(temp, target);
    return { hash, size, created: true };
  }

  /** Starts a lease for objects this writer stores before their rows commit. */
  lease(): ObjectLease {
    const file = join(this.leaseDir, `${process.pid}-${Date.now()}-${randomBytes(6).toString('hex')}`);
    writeFileSync(file, '', { flag: 'wx', mode: 0o600 });
    let released = false;
    return {
      hold: (hash) => {
        if (!released) appendFileSync(file, `${hash}\n`);
      },
      release: () => {
        if (released) return;
        released = true;
        rmSync(file, { force: true });
      },
    };
  }

  /** Stores bytes from a buffer. */
  async putBytes(bytes: Uint8Array | string, lease?: ObjectLease): Promise<StoredObject> {
    return this.putStream(Readable.from([Buffer.from(bytes)]), lease);
  }

  /** Stores a file's bytes (copied, never moved: the user's file stays where it is). */
  async putFile(path: string, lease?: ObjectLease): Promise<StoredObject> {
    return this.putStream(createReadStream(path), lease);
  }

  /** Stores a stream's bytes; hashing and writing happen in one pass. */
  async putStream(source: Readable, lease?: ObjectLease): Promise<StoredObject> {
    const temp = this.tempPath();
    const hasher = createHash('sha256');
    const tap = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        hasher.update(chunk);
        done(null, chunk);
      },
    });
    // Opened here, not by the write stream: a stream opens its file later, so a source failing at once could
    // leave a file created after the cleanup below had run.
    const fd = openSync(temp, 'wx', 0o600);
    try {
      await pipeline(source, tap, createWriteStream('', { fd }));
    } catch (error) {
      rmSync(temp, { force: true });
      throw error;
    }
    return this.adopt(temp, hasher.digest('hex'), lease);
  }

  /** Reads a whole object into memory (for small objects; stream large ones with `openRead`), checking its hash. */
  async read(hash: string): Promise<Buffer> {
    this.assertExists(hash);
    const handle = await this.openNoFollow(hash);
    let bytes: Buffer;
    try {
      bytes = await handle.readFile();
    } finally {
      await handle.close();
    }
    if (createHash('sha256').update(bytes).digest('hex') !== hash) throw this.corrupt(hash);
    return bytes;
  }

  /**
   * A read stream over an object, optionally a byte range. A whole-object stream checks the hash as the
   * bytes pass and ends in an error (so a download is cut short) when they do not match.
   */
  openRead(hash: string, range?: { start: number; end: number }): Readable {
    this.assertExists(hash);
    const fd = openSync(this.pathOf(hash), readNoFollow);
    const stream = createReadStream('', { fd, ...range });
    if (range) return stream;
    const hasher = createHash('sha256');
    const corrupt = () => this.corrupt(hash);
    const check = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        hasher.update(chunk);
        done(null, chunk);
      },
      flush(done) {
        done(hasher.digest('hex') === hash ? null : corrupt());
      },
    });
    stream.on('error', (error) => check.destroy(error));
    return stream.pipe(check);
  }

  /** Copies an object to `target` (created, never overwritten), checking the hash of the bytes written. */
  async copyTo(hash: string, target: string): Promise<number> {
    let size = 0;
    const count = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        size += chunk.length;
        done(null, chunk);
      },
    });
    try {
      await pipeline(this.openRead(hash), count, createWriteStream(target, { flags: 'wx' }));
    } catch (error) {
      rmSync(target, { force: true });
      throw error;
    }
    return size;
  }

  /** Re-hashes one object; false when its bytes no longer match its name. */
  async verify(hash: string): Promise<boolean> {
    const hasher = createHash('sha256');
    const handle = await this.openNoFollow(hash);
    try {
      for await (const chunk of handle.createReadStream({ autoClose: false })) hasher.update(chunk as Buffer);
    } finally {
      await handle.close();
    }
    return hasher.digest('hex') === hash;
  }

  /** Throws STORE_UNUSABLE unless the object's bytes still hash to its name (before bytes leave by another route). */
  async assertIntact(hash: string): Promise<void> {
    this.assertExists(hash);
    if (!(await this.verify(hash))) throw this.corrupt(hash);
  }

  /** The size in bytes of one object. */
  sizeOf(hash: string): number {
    this.assertExists(hash);
    return this.plainStat(hash)!.size;
  }

  /** Removes an object. Callers remove only objects nothing in the database references any more. */
  remove(hash: string): void {
    rmSync(this.pathOf(hash), { force: true });
  }

  /** Every entry of `objects/sha256` with its size, mtime and whether it is a plain file named by a hash. */
  *entries(): Generator<{ hash: string; path: string; size: number; mtimeMs: number; plain: boolean }> {
    for (const prefix of readdirSync(this.root)) {
      const dir = join(this.root, prefix);
      const dirStat = lstatSync(dir);
      if (!dirStat.isDirectory()) {
        yield { hash: prefix, path: dir, size: 0, mtimeMs: dirStat.mtimeMs, plain: false };
        continue;
      }
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        const stat = lstatSync(path);
        const hash = prefix + name;
        yield { hash, path, size: stat.size, mtimeMs: stat.mtimeMs, plain: stat.isFile() && hashPattern.test(hash) };
      }
    }
  }

  /** Count and total size of the stored objects (for `lathe doctor`). */
  usage(): { objects: number; bytes: number } {
    let objects = 0;
    let bytes = 0;
    for (const entry of this.entries()) {
      objects += 1;
      bytes += entry.size;
    }
    return { objects, bytes };
  }

  private async openNoFollow(hash: string) {
    try {
      return await open(this.pathOf(hash), readNoFollow);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ELOOP') throw this.planted(hash);
      throw error;
    }
  }

  /** lstat of the object and its folder; undefined when absent; throws when either is not what the store made. */
  private plainStat(hash: string): Stats | undefined {
    const path = this.pathOf(hash);
    let dir: Stats;
    let file: Stats;
    try {
      dir = lstatSync(join(this.root, hash.slice(0, 2)));
      file = lstatSync(path);
    } catch {
      return undefined;
    }
    if (!dir.isDirectory() || !file.isFile()) throw this.planted(hash);
    return file;
  }

  private planted(hash: string): LatheError {
    return new LatheError(
      'STORE_UNUSABLE',
      `Object ${hash} in ${this.root} is not a plain file (a link or a folder was put in its place); it is not read`,
      { hash },
    );
  }

  private corrupt(hash: string): LatheError {
    return new LatheError(
      'STORE_UNUSABLE',
      `Object ${hash} in ${this.root} does not match its hash (changed on disk); run lathe doctor --verify`,
      { hash },
    );
  }

  private assertExists(hash: string): void {
    if (!this.has(hash)) throw new LatheError('NOT_FOUND', `Object ${hash} is not in the store`);
  }
}
