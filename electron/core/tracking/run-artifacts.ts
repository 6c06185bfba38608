/**
 * Run artifacts: files under run-relative paths, stored as objects in the content-addressed store with one
 * `run_artifacts` row each (put, list, read, preview), and the removal of objects nothing references any
 * more when artifacts are replaced or runs purged.
 */
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import type { ArtifactEntry } from '../../../shared/contract/index.js';
import { LatheError } from '../../../shared/errors.js';
import type { ObjectStore } from '../objects/object-store.js';
import type { Db } from '../store/database.js';
import { checkArtifactPath } from './artifact-path.js';
import { folderEntries } from './artifact-listing.js';
import { unreferencedObjects } from '../objects/object-references.js';
import type { RunRow, RunStore } from './runs.js';

/** The artifacts of runs. */
export class RunArtifacts {
  constructor(
    private readonly db: Db,
    private readonly objects: ObjectStore,
    private readonly runs: RunStore,
  ) {}

  /** Stores bytes as an artifact of a run at a run-relative path (replacing what was there). */
  async logArtifactBytes(runId: string, relativePath: string, bytes: Uint8Array): Promise<void> {
    await this.logArtifactStream(runId, relativePath, Readable.from([Buffer.from(bytes)]));
  }

  /** Copies a local file into the store as an artifact of a run. Only the core calls this (never a client). */
  async logArtifactFile(runId: string, relativePath: string, filePath: string): Promise<void> {
    await this.logArtifactStream(runId, relativePath, createReadStream(filePath));
  }

  /** Stores a stream as an artifact: the object is written first, then the database row; a failed row leaves no orphan. */
  async logArtifactStream(
    runId: string,
    relativePath: string,
    source: Readable,
  ): Promise<{ path: string; size: number }> {
    const path = checkArtifactPath(relativePath);
    const row = this.runs.activeRow(runId);
    this.assertNoPathClash(row, path);
    const stored = await this.objects.putStream(source);
    let replaced: string | undefined;
    try {
      this.db.transaction(() => {
        this.assertNoPathClash(row, path);
        replaced = this.db
          .prepare<[number, string], { object_hash: string }>(
            'SELECT object_hash FROM run_artifacts WHERE run_key = ? AND path = ?',
          )
          .get(row.key, path)?.object_hash;
        this.db
          .prepare(
            'INSERT OR REPLACE INTO run_artifacts (run_key, path, object_hash, size, created_at) VALUES (?, ?, ?, ?, ?)',
          )
          .run(row.key, path, stored.hash, stored.size, Date.now());
      })();
    } catch (error) {
      if (stored.created) this.removeUnreferenced([stored.hash]);
      throw error;
    }
    if (replaced && replaced !== stored.hash) this.removeUnreferenced([replaced]);
    this.runs.changed(row, 'updated');
    return { path, size: stored.size };
  }

  /** The entries directly under a run-relative directory ('' for the root). */
  listArtifacts(runId: string, directory = ''): ArtifactEntry[] {
    const dir = checkArtifactPath(directory.replace(/\/+$/, ''), { allowEmpty: true });
    const row = this.runs.row(runId);
    const prefix = dir === '' ? '' : dir + '/';
    const files = this.db
      .prepare<[number, number, string], { path: string; size: number }>(
        'SELECT path, size FROM run_artifacts WHERE run_key = ? AND substr(path, 1, ?) = ? ORDER BY path',
      )
      .all(row.key, prefix.length, prefix);
    return folderEntries(files, prefix).sort(
      (a, b) => Number(b.isDir) - Number(a.isDir) || a.path.localeCompare(b.path),
    );
  }

  /** The stored object behind an artifact file; NOT_FOUND when there is no such file. */
  artifact(runId: string, relativePath: string): { hash: string; size: number; path: string } {
    const path = checkArtifactPath(relativePath);
    const row = this.runs.row(runId);
    const found = this.db
      .prepare<[number, string], { object_hash: string; size: number }>(
        'SELECT object_hash, size FROM run_artifacts WHERE run_key = ? AND path = ?',
      )
      .get(row.key, path);
    if (!found) throw new LatheError('NOT_FOUND', `Run ${runId} has no artifact "${path}"`, { field: 'path' });
    return { hash: found.object_hash, size: found.size, path };
  }

  /** True when `relativePath` is a directory of the run's artifacts. */
  isArtifactDirectory(runId: string, relativePath: string): boolean {
    const path = checkArtifactPath(relativePath.replace(/\/+$/, ''), { allowEmpty: true });
    if (path === '') return true;
    const row = this.runs.row(runId);
    const prefix = path + '/';
    return (
      this.db
        .prepare('SELECT 1 FROM run_artifacts WHERE run_key = ? AND substr(path, 1, ?) = ? LIMIT 1')
        .get(row.key, prefix.length, prefix) !== undefined
    );
  }

  /** The head of an artifact for a preview, and what kind of preview fits it. */
  async artifactPreview(
    runId: string,
    relativePath: string,
    maxBytes = 256 * 1024,
  ): Promise<{
    path: string;
    size: number;
    truncated: boolean;
    kind: 'text' | 'json' | 'csv' | 'image' | 'binary';
    mime: string;
    encoding: 'utf8' | 'base64';
    content: string;
  }> {
    const file = this.artifact(runId, relativePath);
    const extension = /\.([a-z0-9]+)$/i.exec(file.path)?.[1]?.toLowerCase() ?? '';
    const images: Record<string, string> = {
      png: 'image/png',
      jpg: 'image/jpeg',
      jpeg: 'image/jpeg',
      gif: 'image/gif',
      webp: 'image/webp',
      bmp: 'image/bmp',
    };
    const limit = images[extension] ? Math.max(maxBytes, 8_000_000) : maxBytes;
    const head = await readHead(
      this.objects.openRead(file.hash, file.size > 0 ? { start: 0, end: Math.min(file.size, limit) - 1 } : undefined),
      limit,
    );
    const truncated = file.size > head.length;
    if (images[extension] && !truncated)
      return {
        path: file.path,
        size: file.size,
        truncated,
        kind: 'image',
        mime: images[extension],
        encoding: 'base64',
        content: head.toString('base64'),
      };
    const looksText = !head.subarray(0, 8000).includes(0);
    if (!looksText || images[extension])
      return {
        path: file.path,
        size: file.size,
        truncated,
        kind: 'binary',
        mime: 'application/octet-stream',
        encoding: 'base64',
        content: head.subarray(0, 4096).toString('base64'),
      };
    const text = head.toString('utf8');
    const kind = extension === 'json' ? 'json' : extension === 'csv' || extension === 'tsv' ? 'csv' : 'text';
    const mime = kind === 'json' ? 'application/json' : kind === 'csv' ? 'text/csv' : 'text/plain';
    return { path: file.path, size: file.size, truncated, kind, mime, encoding: 'utf8', content: text };
  }

  private assertNoPathClash(row: RunRow, path: string): void {
    const segments = path.split('/');
    for (let i = 1; i < segments.length; i += 1) {
      const parent = segments.slice(0, i).join('/');
      if (this.db.prepare('SELECT 1 FROM run_artifacts WHERE run_key = ? AND path = ?').get(row.key, parent)) {
        throw new LatheError('BAD_INPUT', `Artifact "${parent}" is a file, so "${path}" cannot be stored under it`, {
          field: 'path',
        });
      }
    }
    const prefix = path + '/';
    if (
      this.db
        .prepare('SELECT 1 FROM run_artifacts WHERE run_key = ? AND substr(path, 1, ?) = ? LIMIT 1')
        .get(row.key, prefix.length, prefix)
    ) {
      throw new LatheError('BAD_INPUT', `Artifact "${path}" is a directory; pick another name`, { field: 'path' });
    }
  }

  /** The objects a run's artifacts point at (read before its rows go, to clean up after a purge). */
  hashesOf(row: RunRow): string[] {
    return this.db
      .prepare<[number], { object_hash: string }>('SELECT object_hash FROM run_artifacts WHERE run_key = ?')
      .all(row.key)
      .map((r) => r.object_hash);
  }

  /** Removes the objects among `hashes` that nothing references any more; what was freed. */
  removeUnreferenced(hashes: readonly string[]): { removed: number; bytes: number } {
    let removed = 0;
    let bytes = 0;
    for (const hash of unreferencedObjects(this.db, hashes)) {
      if (!this.objects.has(hash)) continue;
      bytes += this.objects.sizeOf(hash);
      this.objects.remove(hash);
      removed += 1;
    }
    return { removed, bytes };
  }
}

async function readHead(stream: Readable, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    chunks.push(chunk as Buffer);
    size += (chunk as Buffer).length;
    if (size >= limit) break;
  }
  stream.destroy();
  return Buffer.concat(chunks).subarray(0, limit);
}
