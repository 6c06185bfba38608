/**
 * Collects what a crash leaves in the object store: objects no row references (a `lathe data add`
 * killed after its copy was in place but before its version committed) and temp files of writers that
 * are gone. A live writer in another process is never robbed: its temp files carry its process id, its
 * unreferenced objects are listed in its lease, and nothing newer than the oldest live lease (or than
 * `graceMs`, for writers that hold no lease between storing bytes and committing their row) is removed,
 * unless a crashed writer's lease names it.
 */
import { lstatSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Db } from '../store/database.js';
import type { ObjectStore } from './object-store.js';
import { unreferencedObjects } from './object-references.js';

/** What a collection found (and, unless `dryRun`, removed). */
export interface GcReport {
  dryRun: boolean;
  /** Unreferenced objects removed (or that would be). */
  objects: { count: number; bytes: number; hashes: string[] };
  /** Temp files of crashed or long-dead writers. */
  tempFiles: { count: number; bytes: number };
  /** Leases of processes that are gone. */
  staleLeases: number;
  /** Unreferenced objects kept because a live writer may still commit them. */
  kept: number;
}

/** Options of {@link collectGarbage}. */
export interface GcOptions {
  dryRun?: boolean;
  /** Objects younger than this are kept unless a crashed writer's lease names them (default 10 minutes). */
  graceMs?: number;
  /** Temp files of live processes older than this are stale (default 1 hour). */
  tempMaxAgeMs?: number;
  now?: number;
}

/** A lease older than this is stale even if a process with its id runs (the id was reused). */
const leaseMaxAgeMs = 24 * 60 * 60 * 1000;

/** True when a process with this id runs on this machine. */
export function processAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

interface Lease {
  file: string;
  live: boolean;
  startedAt: number;
  hashes: string[];
}

function readLeases(objects: ObjectStore, now: number): Lease[] {
  const leases: Lease[] = [];
  for (const name of readdirSync(objects.leaseDir)) {
    const [pid, started] = name.split('-');
    const file = join(objects.leaseDir, name);
    const startedAt = Number(started);
    let hashes: string[] = [];
    try {
      hashes = readFileSync(file, 'utf8').split('\n').filter(Boolean);
    } catch {
      continue; // Released while we looked.
    }
    const live = processAlive(Number(pid)) && Number.isFinite(startedAt) && now - startedAt < leaseMaxAgeMs;
    leases.push({ file, live, startedAt, hashes });
  }
  return leases;
}

function staleTempFiles(objects: ObjectStore, now: number, maxAgeMs: number): { path: string; size: number }[] {
  const stale: { path: string; size: number }[] = [];
  for (const name of readdirSync(objects.tempDir)) {
    const path = join(objects.tempDir, name);
    let stat;
    try {
      stat = lstatSync(path);
    } catch {
      continue;
    }
    const pid = Number(name.split('-')[0]);
    // Names without a process id come from before leases existed: only age tells.
    const ownerGone = /^\d+-/.test(name) && !processAlive(pid);
    if (ownerGone || now - stat.mtimeMs > maxAgeMs) stale.push({ path, size: stat.size });
  }
  return stale;
}

/** True when a crash left something to collect (cheap: two folder listings), so start-up runs a full pass only then. */
export function crashLeftovers(objects: ObjectStore, now = Date.now()): boolean {
  return (
    readLeases(objects, now).some((lease) => !lease.live) || staleTempFiles(objects, now, 60 * 60 * 1000).length > 0
  );
}

/** Removes unreferenced objects and stale temp files that no live writer can still need. */
export function collectGarbage(db: Db, objects: ObjectStore, options: GcOptions = {}): GcReport {
  const now = options.now ?? Date.now();
  const graceMs = options.graceMs ?? 10 * 60 * 1000;
  const dryRun = options.dryRun ?? false;
  const leases = readLeases(objects, now);
  const heldByLive = new Set(leases.filter((l) => l.live).flatMap((l) => l.hashes));
  const leftByCrash = new Set(leases.filter((l) => !l.live).flatMap((l) => l.hashes));
  const oldestLive = Math.min(...leases.filter((l) => l.live).map((l) => l.startedAt));

  const candidates = new Map<string, { size: number; mtimeMs: number }>();
  for (const entry of objects.entries()) if (entry.plain) candidates.set(entry.hash, entry);
  const free = unreferencedObjects(db, candidates.keys());
  const removed: string[] = [];
  let bytes = 0;
  let kept = 0;
  for (const hash of free) {
    const entry = candidates.get(hash)!;
    const settled = now - entry.mtimeMs > graceMs && entry.mtimeMs < oldestLive;
    if (heldByLive.has(hash) || !(settled || leftByCrash.has(hash))) {
      kept += 1;
      continue;
    }
    removed.push(hash);
    bytes += entry.size;
  }
  // Checked again just before removing: a row may have committed, or a live writer leased the same bytes, meanwhile.
  const heldNow = new Set(
    readLeases(objects, Date.now())
      .filter((l) => l.live)
      .flatMap((l) => l.hashes),
  );
  const toRemove = dryRun ? removed : unreferencedObjects(db, removed).filter((hash) => !heldNow.has(hash));
  if (!dryRun) for (const hash of toRemove) objects.remove(hash);

  const temps = staleTempFiles(objects, now, options.tempMaxAgeMs ?? 60 * 60 * 1000);
  const dead = leases.filter((l) => !l.live);
  if (!dryRun) {
    for (const temp of temps) rmSync(temp.path, { force: true });
    for (const lease of dead) rmSync(lease.file, { force: true });
  }
  return {
    dryRun,
    objects: { count: toRemove.length, bytes, hashes: toRemove },
    tempFiles: { count: temps.length, bytes: temps.reduce((sum, t) => sum + t.size, 0) },
    staleLeases: dead.length,
    kept,
  };
}
