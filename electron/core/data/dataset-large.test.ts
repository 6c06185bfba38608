/** Scale: a 10,000,000-row file imports within DuckDB's memory cap (the bench adds a 20-column version with --10m). */
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Core } from '../core.js';
import { openTempCore } from '../testing/temp-core.js';

let core: Core;
let cleanup: () => void;
let dir: string;
beforeAll(() => {
  ({ core, cleanup } = openTempCore());
  dir = mkdtempSync(join(tmpdir(), 'lathe-large-'));
});
afterAll(() => {
  cleanup();
  rmSync(dir, { recursive: true, force: true });
});

describe('large files', () => {
  it('imports a 10,000,000-row file without holding it in JS memory', { timeout: 240_000 }, async () => {
    const path = join(dir, 'ten-million.csv');
    const fd = openSync(path, 'w');
    writeSync(fd, 'id,group,value\n');
    const groups = ['a', 'b', 'c', 'd'];
    for (let start = 0; start < 10_000_000; start += 100_000) {
      const lines: string[] = [];
      for (let i = start; i < start + 100_000; i++) lines.push(`${i},${groups[i % 4]},${i % 1000}`);
      writeSync(fd, lines.join('\n') + '\n');
    }
    closeSync(fd);
    const heapBefore = process.memoryUsage().heapUsed;
    let peakHeap = heapBefore;
    const timer = setInterval(() => (peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed)), 25);
    try {
      const added = await core.datasets.add({ path, name: 'ten-million' });
      expect(added).toMatchObject({ rows: 10_000_000, columns: 3, deduplicated: false });
    } finally {
      clearInterval(timer);
    }
    // The file is ~170 MB; the JS heap must not grow by anything near it (DuckDB's memory is native and capped).
    expect(peakHeap - heapBefore).toBeLessThan(100 * 1024 * 1024);
    const { profile } = core.datasets.show('ten-million');
    expect(profile.columns[0]).toMatchObject({ count: 10_000_000, min: 0, max: 9_999_999, uniqueExact: false });
    expect(profile.columns[1]!.top).toEqual(groups.map((value) => ({ value, count: 2_500_000 })));
    expect(profile.columns[2]!.histogram!.counts.reduce((a, b) => a + b, 0)).toBe(10_000_000);
  });
});
