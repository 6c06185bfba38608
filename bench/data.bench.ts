/**
 * `npm run bench -- data [--json] [--10m]`: the datasets figures, each beside a baseline from the same run.
 *   hash_ratio   SHA-256 throughput over a 1 GB CSV divided by MD5 throughput (what DVC uses) on the same
 *                file, both read the same way in the same process (goal ≥ 1.5)
 *   readd_ms     re-adding that unchanged 1 GB file (stat cache hit; goal ≤ 1000), beside its first add
 *   profile_s    adding (hash + check + copy + DuckDB profile) 1,000,000 rows × 20 columns (goal ≤ 5), beside
 *                DuckDB only parsing the same file (SELECT count of every column)
 *   peak_rss_mb  the process's peak resident memory during that import, beside the RSS before it
 * With --10m it also imports a 10,000,000-row file and reports its time and peak RSS (ten_million_*).
 * Files are generated here under the OS temp dir and removed afterwards.
 */
import { createHash } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, readSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openCore, type Core } from '../electron/core/core.js';
import { sourceSql, sqlIdentifier, withConnection } from '../electron/core/data/engine.js';
import { seededRandom } from '../electron/core/train/random.js';

const say = (line: string) => process.stderr.write(line + '\n');
const dirs: string[] = [];
function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}

/** Writes a CSV of `rows` rows × 20 columns (12 float, 4 integer, 2 categorical, 1 boolean, 1 date), streaming. */
function writeWideCsv(path: string, rows: number, seed = 7): void {
  const random = seededRandom(seed);
  const fd = openSync(path, 'w');
  const header = [
    ...Array.from({ length: 12 }, (_, i) => `f${i}`),
    ...Array.from({ length: 4 }, (_, i) => `i${i}`),
    'color',
    'plan',
    'active',
    'day',
  ];
  writeSync(fd, header.join(',') + '\n');
  const colors = ['red', 'green', 'blue', 'amber', 'violet'];
  const plans = ['basic', 'plus', 'pro'];
  let buffer: string[] = [];
  for (let r = 0; r < rows; r++) {
    const cells: string[] = [];
    for (let i = 0; i < 12; i++) cells.push((random() * 1000 - 500).toFixed(4));
    for (let i = 0; i < 4; i++) cells.push(String(Math.floor(random() * 100_000)));
    cells.push(
      colors[Math.floor(random() * colors.length)]!,
      plans[Math.floor(random() * plans.length)]!,
      random() < 0.3 ? 'true' : 'false',
    );
    cells.push(
      `2024-${String(1 + Math.floor(random() * 12)).padStart(2, '0')}-${String(1 + Math.floor(random() * 28)).padStart(2, '0')}`,
    );
    buffer.push(cells.join(','));
    if (buffer.length === 20_000) {
      writeSync(fd, buffer.join('\n') + '\n');
      buffer = [];
    }
  }
  if (buffer.length > 0) writeSync(fd, buffer.join('\n') + '\n');
  closeSync(fd);
}

/** Writes a ~`bytes` CSV by repeating an 8 MB block of rows (fast to make; DuckDB and the hashes see real CSV). */
function writeGigabyteCsv(path: string, bytes: number): void {
  const random = seededRandom(11);
  const lines = ['id,x,y,label'];
  let size = 0;
  const rows: string[] = [];
  while (size < 8 * 1024 * 1024) {
    const line = `${Math.floor(random() * 1e9)},${(random() * 100).toFixed(6)},${(random() * 1e6).toFixed(2)},${['a', 'b', 'c', 'd'][Math.floor(random() * 4)]}`;
    rows.push(line);
    size += line.length + 1;
  }
  const block = Buffer.from(rows.join('\n') + '\n');
  const fd = openSync(path, 'w');
  writeSync(fd, lines[0] + '\n');
  let written = 0;
  while (written < bytes) written += writeSync(fd, block);
  closeSync(fd);
}

/** Bytes per second for hashing `path` with `algorithm`, reading 4 MB at a time. */
function hashThroughput(path: string, algorithm: 'sha256' | 'md5'): { rate: number; digest: string } {
  const hash = createHash(algorithm);
  const buffer = Buffer.allocUnsafe(4 * 1024 * 1024);
  const fd = openSync(path, 'r');
  const started = performance.now();
  let total = 0;
  for (;;) {
    const read = readSync(fd, buffer, 0, buffer.length, null);
    if (read === 0) break;
    hash.update(buffer.subarray(0, read));
    total += read;
  }
  closeSync(fd);
  const seconds = (performance.now() - started) / 1000;
  return { rate: total / seconds, digest: hash.digest('hex') };
}

/** Runs `work` while sampling RSS every 20 ms; returns its time and the peak RSS. */
async function withPeakRss<T>(
  work: () => Promise<T>,
): Promise<{ value: T; seconds: number; peakMb: number; beforeMb: number }> {
  const beforeMb = process.memoryUsage.rss() / 1024 / 1024;
  let peak = beforeMb;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss() / 1024 / 1024)), 20);
  const started = performance.now();
  try {
    const value = await work();
    peak = Math.max(peak, process.memoryUsage.rss() / 1024 / 1024);
    return { value, seconds: (performance.now() - started) / 1000, peakMb: peak, beforeMb };
  } finally {
    clearInterval(timer);
  }
}

const mb = (bytesPerSecond: number) => `${(bytesPerSecond / 1024 / 1024).toFixed(0)} MB/s`;

/** The benchmark. */
export async function run({ args }: { json: boolean; args: string[] }): Promise<Record<string, unknown>> {
  const files = tempDir('lathe-bench-data-files-');
  let core: Core | undefined;
  try {
    core = openCore({ home: tempDir('lathe-bench-data-home-'), shell: 'cli' });

    // profile_s and peak_rss_mb: 1,000,000 rows × 20 columns.
    const wide = join(files, 'wide-1m.csv');
    say('writing 1,000,000 rows × 20 columns …');
    writeWideCsv(wide, 1_000_000);
    say(`  ${(statSync(wide).size / 1024 / 1024).toFixed(0)} MB`);
    const parseOnly = await withConnection(async (connection) => {
      const started = performance.now();
      const names = [
        'f0',
        'f1',
        'f2',
        'f3',
        'f4',
        'f5',
        'f6',
        'f7',
        'f8',
        'f9',
        'f10',
        'f11',
        'i0',
        'i1',
        'i2',
        'i3',
        'color',
        'plan',
        'active',
        'day',
      ];
      await connection.run(
        `SELECT ${names.map((n) => `count(${sqlIdentifier(n)})`).join(', ')} FROM ${sourceSql(wide, { format: 'csv' })}`,
      );
      return (performance.now() - started) / 1000;
    });
    const imported = await withPeakRss(() => core!.datasets.add({ path: wide, name: 'wide' }));
    const profileS = imported.seconds;
    say(
      `profile_s    ${profileS.toFixed(2)} s to add + profile 1M × 20 (baseline: DuckDB parse only ${parseOnly.toFixed(2)} s; goal ≤ 5)`,
    );
    say(
      `peak_rss_mb  ${imported.peakMb.toFixed(0)} MB during that import (baseline: ${imported.beforeMb.toFixed(0)} MB before it)`,
    );

    // hash_ratio and readd_ms: a 1 GB CSV.
    const big = join(files, 'one-gigabyte.csv');
    say('writing a 1 GB CSV …');
    writeGigabyteCsv(big, 1024 ** 3);
    hashThroughput(big, 'md5'); // warm the page cache so both hashes read from memory alike
    const md5 = hashThroughput(big, 'md5');
    const sha = hashThroughput(big, 'sha256');
    const hashRatio = sha.rate / md5.rate;
    say(`hash_ratio   ${hashRatio.toFixed(2)} (SHA-256 ${mb(sha.rate)} / MD5 ${mb(md5.rate)} baseline; goal ≥ 1.5)`);
    const firstAdd = await withPeakRss(() => core!.datasets.add({ path: big, name: 'big' }));
    if (firstAdd.value.hash !== sha.digest) throw new Error('the stored hash differs from the benchmark’s SHA-256');
    const readded = await withPeakRss(() => core!.datasets.add({ path: big, name: 'big' }));
    if (!readded.value.deduplicated) throw new Error('re-adding the unchanged file made a new version');
    const readdMs = readded.seconds * 1000;
    say(
      `readd_ms     ${readdMs.toFixed(1)} ms to re-add the unchanged 1 GB file (baseline: first add ${firstAdd.seconds.toFixed(1)} s; goal ≤ 1000)`,
    );

    const result: Record<string, unknown> = {
      hash_ratio: Number(hashRatio.toFixed(3)),
      readd_ms: Number(readdMs.toFixed(1)),
      profile_s: Number(profileS.toFixed(3)),
      peak_rss_mb: Math.round(imported.peakMb),
      baselines: {
        sha256_mb_s: Math.round(sha.rate / 1024 / 1024),
        md5_mb_s: Math.round(md5.rate / 1024 / 1024),
        first_add_1gb_s: Number(firstAdd.seconds.toFixed(2)),
        duckdb_parse_only_s: Number(parseOnly.toFixed(3)),
        rss_before_import_mb: Math.round(imported.beforeMb),
      },
    };
    rmSync(big, { force: true });

    if (args.includes('--10m')) {
      const huge = join(files, 'rows-10m.csv');
      say('writing 10,000,000 rows × 20 columns …');
      writeWideCsv(huge, 10_000_000, 13);
      const tenMillion = await withPeakRss(() => core!.datasets.add({ path: huge, name: 'huge' }));
      say(
        `ten_million  ${tenMillion.seconds.toFixed(1)} s, peak RSS ${tenMillion.peakMb.toFixed(0)} MB (${(statSync(huge).size / 1024 / 1024).toFixed(0)} MB file)`,
      );
      result.ten_million_rows_s = Number(tenMillion.seconds.toFixed(2));
      result.ten_million_peak_rss_mb = Math.round(tenMillion.peakMb);
    }
    return result;
  } finally {
    core?.dispose();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  }
}
