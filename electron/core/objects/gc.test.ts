import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Core } from '../core.js';
import { openTempCore } from '../testing/temp-core.js';
import { processAlive } from './gc.js';

let core: Core;
let cleanup: () => Promise<void>;
beforeEach(() => ({ core, cleanup } = openTempCore()));
afterEach(() => cleanup());

/** The id of a process that has just exited (so nothing runs under it). */
function deadPid(): number {
  const pid = spawnSync(process.execPath, ['-e', '0']).pid;
  expect(processAlive(pid)).toBe(false);
  return pid;
}

/** Makes an object look `ageMs` old. */
function age(core: Core, hash: string, ageMs: number): void {
  const when = new Date(Date.now() - ageMs);
  utimesSync(core.objects.pathOf(hash), when, when);
}

describe('collecting what a crash left', () => {
  it('removes an old unreferenced object and keeps referenced and recent ones', async () => {
    const orphan = await core.objects.putBytes('nobody points here');
    const recent = await core.objects.putBytes('maybe about to be committed');
    const run = core.tracking.createRun({ experimentId: '0', name: 'holder' });
    const artifact = Buffer.from('an artifact');
    await core.tracking.logArtifactBytes(run.id, 'kept.txt', artifact);
    age(core, createHash('sha256').update(artifact).digest('hex'), 60 * 60 * 1000);
    age(core, orphan.hash, 60 * 60 * 1000);

    const dry = core.store.collect({ dryRun: true });
    expect(dry.objects.hashes).toEqual([orphan.hash]);
    expect(core.objects.has(orphan.hash)).toBe(true);
    expect(core.store.reclaimable()).toBe('nobody points here'.length);

    const report = core.store.collect();
    expect(report.objects).toEqual({ count: 1, bytes: 18, hashes: [orphan.hash] });
    expect(report.kept).toBe(1);
    expect(core.objects.has(orphan.hash)).toBe(false);
    expect(core.objects.has(recent.hash)).toBe(true);
    expect(core.objects.usage().objects).toBe(2);
  });

  it('never removes what a live writer holds, however old, nor anything newer than its lease', async () => {
    const lease = core.objects.lease();
    const held = await core.objects.putBytes('held by a live ingest', lease);
    age(core, held.hash, 60 * 60 * 1000);
    expect(core.store.collect().objects.count).toBe(0);
    expect(core.objects.has(held.hash)).toBe(true);
    lease.release();
    expect(core.store.collect().objects.hashes).toEqual([held.hash]);
  });

  it('removes at once the objects and temp files of a writer that died, whatever their age', async () => {
    const pid = deadPid();
    const orphan = await core.objects.putBytes('copied, never registered');
    writeFileSync(join(core.objects.leaseDir, `${pid}-${Date.now()}-deadbeef`), `${orphan.hash}\n`);
    const partial = join(core.objects.tempDir, `${pid}-ingest-${Date.now()}-abcdef`);
    writeFileSync(partial, 'half a fi');
    const live = core.objects.tempPath('ingest');
    writeFileSync(live, 'a live write');

    const report = core.store.collect();
    expect(report.objects.hashes).toEqual([orphan.hash]);
    expect(report.tempFiles).toEqual({ count: 1, bytes: 9 });
    expect(report.staleLeases).toBe(1);
    expect(existsSync(partial)).toBe(false);
    expect(existsSync(live)).toBe(true);
    expect(readdirSync(core.objects.leaseDir)).toEqual([]);
  });
});
