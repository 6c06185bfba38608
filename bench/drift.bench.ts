/**
 * `npm run bench -- drift [--json]`: the drift figures, each beside a baseline from the same run.
 *   drift_s            a full drift report (worker start, DuckDB reads, 20 Wasserstein tests, histograms, storage)
 *                      of 1,000,000 rows × 20 numeric columns against 1,000,000 reference rows, Parquet (goal ≤ 3),
 *                      run as the app runs it: core and workers built to JavaScript (the bench builds the Node half
 *                      and bundles bench/drift-report.ts beside it); beside DuckDB alone reading the same 40 columns
 *   drift_source_s     the same report from source, workers loaded through tsx (how tests run it)
 *   ks_ratio           Lathe's ks_2samp time over scipy's on the same two 1,000,000-value vectors (goal ≤ 1.0)
 *   wasserstein_ratio  the same for wasserstein_distance (goal ≤ 1.0)
 * Then the stages of drift_s, each alone and in process, to show where its time goes: two drift workers started
 * with an empty job (from source they load through tsx), both sides' 20 columns read into Float64Arrays, the 40
 * sorts, and the 20 column tests (sorts included), one core.
 * scipy runs in Debian's /usr/bin/python3 on the same vectors (written as raw float64); both sides time the
 * call alone, sorting included, best of 3. Without python3-scipy the ratios are reported as null.
 */
import { spawnSync } from 'node:child_process';
import { build } from 'esbuild';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { openCore } from '../electron/core/core.js';
import { withConnection } from '../electron/core/data/engine.js';
import { ksTwoSample } from '../electron/core/drift/stats/ks.js';
import { wasserstein } from '../electron/core/drift/stats/distances.js';
import { seededRandom } from '../electron/core/train/random.js';
import { readColumns } from '../electron/core/data/read-table.js';
import { columnDrift } from '../electron/core/drift/column-drift.js';
import { sortedFinite } from '../electron/core/drift/stats/ks.js';
import { radixSortFloat64 } from '../electron/core/drift/stats/radix-sort.js';
import { runWorkerToEnd } from '../electron/core/workers/run-worker.js';
import type { DriftWorkerReply, DriftWorkerRequest } from '../electron/core/drift/drift-protocol.js';

const say = (line: string) => process.stderr.write(line + '\n');
const root = new URL('..', import.meta.url).pathname;
const ROWS = 1_000_000;
const COLUMNS = 20;

async function writeParquet(path: string, seed: number, shift: number): Promise<void> {
  const columns = Array.from(
    { length: COLUMNS },
    (_, index) => `(random() * 100 + ${index % 2 === 0 ? shift : 0})::DOUBLE AS c${index}`,
  ).join(', ');
  await withConnection(async (connection) => {
    await connection.run(`SELECT setseed(${seed})`);
    await connection.run(`COPY (SELECT ${columns} FROM range(${ROWS})) TO '${path}' (FORMAT parquet)`);
  });
}

function bestOf<T>(times: number, work: () => T): { seconds: number; value: T } {
  let best = Infinity;
  let value!: T;
  for (let index = 0; index < times; index++) {
    const started = performance.now();
    value = work();
    best = Math.min(best, (performance.now() - started) / 1000);
  }
  return { seconds: best, value };
}

const scipyScript = `
import sys, time, numpy as np
from scipy import stats
a = np.fromfile(sys.argv[1], dtype=np.float64); b = np.fromfile(sys.argv[2], dtype=np.float64)
def best(f):
    t = float('inf'); r = None
    for _ in range(3):
        s = time.perf_counter(); r = f(); t = min(t, time.perf_counter() - s)
    return t, r
ks_t, ks = best(lambda: stats.ks_2samp(a, b))
w_t, w = best(lambda: stats.wasserstein_distance(a, b))
print(ks_t, ks.statistic, ks.pvalue, w_t, w)
`;

// The stages of a drift report, each timed alone (see the header).
async function stageSeconds(
  referencePath: string,
  currentPath: string,
): Promise<{ workerStart: number; read: number; sort: number; radixSort: number; tests: number }> {
  const names = Array.from({ length: COLUMNS }, (_, index) => `c${index}`);
  const table = { path: referencePath, format: 'parquet' as const, types: {} };
  let started = performance.now();
  await Promise.all(
    [0, 1].map(() =>
      runWorkerToEnd<DriftWorkerRequest, DriftWorkerReply>('drift', {
        reference: table,
        current: table,
        columns: [],
        referenceRows: ROWS,
      }),
    ),
  );
  const workerStart = (performance.now() - started) / 1000;
  const types = Object.fromEntries(names.map((name) => [name, 'float' as const]));
  started = performance.now();
  // Both sides at once, as the drift worker reads them.
  const [reference, current] = await Promise.all(
    [referencePath, currentPath].map((path) =>
      readColumns(path, names, { format: 'parquet', types, expectedRows: ROWS }),
    ),
  );
  const read = (performance.now() - started) / 1000;
  // The sorts, each beside the LSD radix sort alone on the same column (what every sort was before the bucket
  // spreading), alternated column by column so a change in the machine's load falls on both.
  let sort = 0;
  let radixSort = 0;
  for (const side of [reference!, current!])
    for (const name of names) {
      const values = side.get(name) as Float64Array;
      let sortStarted = performance.now();
      sortedFinite(values);
      sort += (performance.now() - sortStarted) / 1000;
      const copy = values.slice();
      sortStarted = performance.now();
      radixSortFloat64(copy);
      radixSort += (performance.now() - sortStarted) / 1000;
    }
  started = performance.now();
  for (const name of names)
    columnDrift(
      {
        column: name,
        referenceType: 'float',
        currentType: 'float',
        reference: reference!.get(name)!,
        current: current!.get(name)!,
      },
      ROWS,
    );
  const tests = (performance.now() - started) / 1000;
  return { workerStart, read, sort, radixSort, tests };
}

// The report from built JavaScript: the Node half built as `npm run build` does, this bench's report script bundled
// beside it (so its workers resolve to dist/electron/workers/*.js), run in a fresh node.
async function builtReport(
  referencePath: string,
  currentPath: string,
  home: string,
): Promise<{ workerStart: number; seconds: number; drifted: number }> {
  const buildNode = spawnSync(process.execPath, [join(root, 'scripts/build.mjs'), 'node'], { encoding: 'utf8' });
  if (buildNode.status !== 0) throw new Error(`building the Node half failed: ${buildNode.stderr}`);
  await build({
    entryPoints: { 'bench/drift-report': join(root, 'bench/drift-report.ts') },
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    packages: 'external',
    external: ['electron'],
    outdir: join(root, 'dist'),
    absWorkingDir: root,
    logLevel: 'warning',
    banner: {
      js: "import { createRequire as __latheCreateRequire } from 'node:module'; const require = __latheCreateRequire(import.meta.url);",
    },
  });
  const run = spawnSync(
    process.execPath,
    [join(root, 'dist/bench/drift-report.js'), referencePath, currentPath, home],
    {
      encoding: 'utf8',
    },
  );
  if (run.status !== 0) throw new Error(`the built drift report failed: ${run.stderr}`);
  return JSON.parse(run.stdout.trim().split('\n').pop()!) as { workerStart: number; seconds: number; drifted: number };
}

/** Runs the benchmark. */
export async function run(): Promise<Record<string, unknown>> {
  const folder = mkdtempSync(join(tmpdir(), 'lathe-bench-drift-'));
  try {
    const referencePath = join(folder, 'reference.parquet');
    const currentPath = join(folder, 'current.parquet');
    say('writing 2 × 1,000,000 rows × 20 numeric columns (Parquet) …');
    await writeParquet(referencePath, 0.1, 0);
    await writeParquet(currentPath, 0.2, 3);
    const readStarted = performance.now();
    await withConnection(async (connection) => {
      for (const path of [referencePath, currentPath]) {
        const sums = Array.from({ length: COLUMNS }, (_, index) => `sum(c${index})`).join(', ');
        await (await connection.run(`SELECT ${sums} FROM read_parquet('${path}')`)).getRows();
      }
    });
    const duckdbReadSeconds = (performance.now() - readStarted) / 1000;
    const built = await builtReport(referencePath, currentPath, join(folder, 'built-home'));
    const core = openCore({ home: join(folder, 'home'), shell: 'cli' });
    let driftSeconds: number;
    let drifted: number;
    try {
      const started = performance.now();
      const report = await core.drift.run({ reference: referencePath, current: currentPath });
      driftSeconds = (performance.now() - started) / 1000;
      drifted = report.columnsDrifted;
    } finally {
      core.dispose();
    }
    say(
      `drift_s            ${built.seconds.toFixed(2)} (built JS as the app runs it; ${built.drifted}/${COLUMNS} columns drift; DuckDB reading the same columns alone ${duckdbReadSeconds.toFixed(2)} s; goal ≤ 3)`,
    );
    say(
      `drift_source_s     ${driftSeconds.toFixed(2)} (from source, workers through tsx; ${drifted}/${COLUMNS} columns drift)`,
    );

    const stages = await stageSeconds(referencePath, currentPath);
    const [load] = loadavg();
    // With 2 workers each starts, reads half the columns of both sides and tests them: the stages halve if 2 cores are free.
    const ceiling = built.workerStart + stages.read / 2 + stages.tests / 2;
    say(
      `  stages (each alone, load average ${load!.toFixed(1)} on ${availableParallelism()} cores): 2 workers started ${built.workerStart.toFixed(2)} s built (${stages.workerStart.toFixed(2)} s through tsx); reading 2 × 20 columns ${stages.read.toFixed(2)} s; 40 sorts ${stages.sort.toFixed(2)} s (LSD radix alone ${stages.radixSort.toFixed(2)} s); 20 column tests incl. sorts ${stages.tests.toFixed(2)} s; one core each`,
    );
    say(
      `  two workers on two free cores: start + reads/2 + tests/2 = ${ceiling.toFixed(2)} s (the report adds planning and storage)`,
    );

    const random = seededRandom(42);
    const a = new Float64Array(ROWS).map(() => random() * 2 - 1 + random());
    const b = new Float64Array(ROWS).map(() => random() * 2 - 1 + random() + 0.01);
    const ks = bestOf(3, () => ksTwoSample(a, b));
    const distance = bestOf(3, () => wasserstein(a, b));
    let ksRatio: number | null = null;
    let wassersteinRatio: number | null = null;
    let scipy: { ks: number; wasserstein: number; statistic: number; pvalue: number; distance: number } | null = null;
    if (existsSync('/usr/bin/python3')) {
      const aPath = join(folder, 'a.f64');
      const bPath = join(folder, 'b.f64');
      writeFileSync(aPath, new Uint8Array(a.buffer));
      writeFileSync(bPath, new Uint8Array(b.buffer));
      const python = spawnSync('/usr/bin/python3', ['-c', scipyScript, aPath, bPath], { encoding: 'utf8' });
      if (python.status === 0) {
        const [ksSeconds, statistic, pvalue, wSeconds, wDistance] = python.stdout.trim().split(/\s+/).map(Number);
        scipy = {
          ks: ksSeconds!,
          statistic: statistic!,
          pvalue: pvalue!,
          wasserstein: wSeconds!,
          distance: wDistance!,
        };
        ksRatio = ks.seconds / scipy.ks;
        wassersteinRatio = distance.seconds / scipy.wasserstein;
      } else say(`scipy baseline unavailable: ${python.stderr.trim().split('\n').pop()}`);
    }
    say(
      `ks_ratio           ${ksRatio?.toFixed(2) ?? 'n/a'} (Lathe ${(ks.seconds * 1000).toFixed(0)} ms / scipy ${scipy ? (scipy.ks * 1000).toFixed(0) : '?'} ms baseline; D ${ks.value.statistic} vs ${scipy?.statistic}, p ${ks.value.pvalue} vs ${scipy?.pvalue}; goal ≤ 1.0)`,
    );
    say(
      `wasserstein_ratio  ${wassersteinRatio?.toFixed(2) ?? 'n/a'} (Lathe ${(distance.seconds * 1000).toFixed(0)} ms / scipy ${scipy ? (scipy.wasserstein * 1000).toFixed(0) : '?'} ms baseline; ${distance.value} vs ${scipy?.distance}; goal ≤ 1.0)`,
    );
    return {
      drift_s: built.seconds,
      drift_source_s: driftSeconds,
      worker_start_built_s: built.workerStart,
      duckdb_read_s: duckdbReadSeconds,
      worker_start_s: stages.workerStart,
      read_s: stages.read,
      sort_s: stages.sort,
      radix_sort_s: stages.radixSort,
      two_core_estimate_s: ceiling,
      load_average: load,
      tests_s: stages.tests,
      ks_ratio: ksRatio,
      wasserstein_ratio: wassersteinRatio,
      ks_ms: ks.seconds * 1000,
      scipy_ks_ms: scipy ? scipy.ks * 1000 : null,
      wasserstein_ms: distance.seconds * 1000,
      scipy_wasserstein_ms: scipy ? scipy.wasserstein * 1000 : null,
    };
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}
