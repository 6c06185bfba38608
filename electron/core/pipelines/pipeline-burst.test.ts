/**
 * A watched folder receiving 100 files in a burst yields exactly 100 ingests: each file starts one run
 * (its mark is taken with the run, in one transaction), none is missed, none is ingested twice.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Core } from '../core.js';
import { openTempCore } from '../testing/temp-core.js';
import { waitFor } from './testing/wait.js';

let core: Core;
let cleanup: () => Promise<void>;
let folder: string;
beforeEach(() => {
  ({ core, cleanup } = openTempCore());
  folder = mkdtempSync(join(tmpdir(), 'lathe-burst-'));
});
afterEach(async () => {
  await cleanup();
  rmSync(folder, { recursive: true, force: true });
});

function writeBatch(index: number): void {
  const rows = Array.from({ length: 20 }, (_, row) => `${index},${row},${(index * 31 + row * 7) % 13}`);
  writeFileSync(join(folder, `batch-${String(index).padStart(3, '0')}.csv`), `file,row,value\n${rows.join('\n')}\n`);
}

const ended = (core: Core) =>
  core.pipelines.runs('burst', 1000).filter((run) => run.status !== 'queued' && run.status !== 'running');

describe('a watched folder', () => {
  it('turns 100 files written in a burst into exactly 100 ingests', { timeout: 600_000 }, async () => {
    core.pipelines.save(`name: burst
concurrency: 3
triggers:
  - kind: folder
    path: ${folder}
    glob: "batch-*.csv"
    stableMs: 300
steps:
  ingest:
    type: ingest
    with:
      file: \${{ trigger.file }}
      dataset: batches
`);
    core.pipelines.start({ pollMs: 200 });
    // A file that is not matched by the glob, and a dot file, start nothing.
    writeFileSync(join(folder, 'notes.txt'), 'hello');
    writeFileSync(join(folder, '.batch-999.csv'), 'file,row,value\n');
    for (let index = 0; index < 100; index++) writeBatch(index);
    await waitFor(core, () => (ended(core).length >= 100 ? true : undefined), 540_000, '100 runs to end');
    // One more file after the burst: once its run has ended, nothing of the burst can still be pending.
    writeBatch(100);
    await waitFor(core, () => (ended(core).length >= 101 ? true : undefined), 60_000, 'the 101st run');
    const runs = core.pipelines.runs('burst', 1000);
    expect(runs).toHaveLength(101);
    expect(runs.every((run) => run.status === 'succeeded')).toBe(true);
    const files = runs.map((run) => run.trigger.values.name as string).sort();
    expect(new Set(files).size).toBe(101);
    expect(files[0]).toBe('batch-000.csv');
    expect(core.datasets.versions('batches')).toHaveLength(101);
  });
});
