/**
 * `npm run bench -- tracking [--json]`: tracking's four figures, each beside a baseline from the same run.
 *   ingest_ratio       1,000,000 points through core.tracking.logMetrics (batches of 10,000; it inserts 100 rows
 *                      per statement and maintains the MinMax tiles) divided by raw one-row
 *                      better-sqlite3 prepared inserts into the same `metrics` table, same batches (goal ≥ 0.8)
 *   http_points_per_s  MLflow log-batch over loopback to `lathe serve` in its own process, 1000 points a
 *                      request, 4 clients; baseline: a bare parse-only Node server (goal ≥ 100,000)
 *   history_ms         a 1,000,000-point series downsampled to 2,000 points (goal ≤ 100)
 *   search_ms          `metrics.acc > 0.9` over 100,000 runs, first page of 1000 (goal ≤ 200)
 * Data is generated here, in temporary homes under the OS temp dir, removed afterwards.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { spawn, type ChildProcess } from 'node:child_process';
import { Agent, request as httpRequest } from 'node:http';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { openCore, type Core } from '../electron/core/core.js';
import { testDatabase } from '../electron/core/testing/database.js';
import type { MetricInput } from '../electron/core/tracking/tracking-service.js';

const say = (line: string) => process.stderr.write(line + '\n');
const homes: string[] = [];
function tempCore(): Core {
  const home = mkdtempSync(join(tmpdir(), 'lathe-bench-tracking-'));
  homes.push(home);
  return openCore({ home, shell: 'cli' });
}

const totalPoints = 1_000_000;
const batchSize = 10_000;

function makeBatch(offset: number): MetricInput[] {
  const batch: MetricInput[] = new Array(batchSize);
  for (let i = 0; i < batchSize; i += 1) {
    const step = offset + i;
    batch[i] = {
      key: 'loss',
      value: Math.exp(-step / 200_000) + Math.sin(step / 500) * 0.05,
      step,
      timestamp: 1_700_000_000_000 + step,
    };
  }
  return batch;
}

async function ingest(): Promise<{ core: Core; runId: string; coreRate: number; rawRate: number }> {
  // Batches are generated before timing so both sides time only the writing.
  const batches = Array.from({ length: totalPoints / batchSize }, (_, b) => makeBatch(b * batchSize));

  // Raw and core alternate batch by batch, each into its own fresh store, so both see the same moments of a
  // shared machine (a slow second hits both sides instead of deciding the ratio).
  const rawCore = tempCore();
  const rawRun = rawCore.tracking.createRun({ experimentId: '0', name: 'raw' });
  const runKey = (testDatabase(rawCore).prepare('SELECT key FROM runs WHERE id = ?').get(rawRun.id) as { key: number })
    .key;
  const insert = testDatabase(rawCore).prepare(
    'INSERT INTO metrics (run_key, key, step, timestamp, value) VALUES (?, ?, ?, ?, ?)',
  );
  const rawBatch = testDatabase(rawCore).transaction((batch: MetricInput[]) => {
    for (const p of batch) insert.run(runKey, p.key, p.step, p.timestamp, p.value);
  });
  const core = tempCore();
  const runId = core.tracking.createRun({ experimentId: '0', name: 'core' }).id;
  let rawMs = 0;
  let coreMs = 0;
  batches.forEach((batch, b) => {
    // Alternate which side goes first, too.
    const sides = b % 2 === 0 ? ['raw', 'core'] : ['core', 'raw'];
    for (const side of sides) {
      const started = performance.now();
      if (side === 'raw') rawBatch(batch);
      else core.tracking.logMetrics(runId, batch);
      if (side === 'raw') rawMs += performance.now() - started;
      else coreMs += performance.now() - started;
    }
  });
  rawCore.dispose();
  const rawRate = totalPoints / (rawMs / 1000);
  const coreRate = totalPoints / (coreMs / 1000);
  return { core, runId, coreRate, rawRate };
}

function history(core: Core, runId: string): { historyMs: number; firstMs: number; rawReadMs: number; points: number } {
  const times: number[] = [];
  let points = 0;
  for (let i = 0; i < 7; i += 1) {
    const started = performance.now();
    points = core.tracking.metricHistory(runId, 'loss', { maxPoints: 2000 }).points.length;
    times.push(performance.now() - started);
  }
  const firstMs = times[0]!;
  times.sort((a, b) => a - b);
  const runKey = (testDatabase(core).prepare('SELECT key FROM runs WHERE id = ?').get(runId) as { key: number }).key;
  const started = performance.now();
  testDatabase(core)
    .prepare('SELECT step, value FROM metrics WHERE run_key = ? AND key = ? ORDER BY step')
    .raw()
    .all(runKey, 'loss');
  const rawReadMs = performance.now() - started;
  return { historyMs: times[Math.floor(times.length / 2)]!, firstMs, rawReadMs, points };
}

function search(): { searchMs: number; matches: number; unfilteredMs: number; sortedMs: number; seedSeconds: number } {
  const core = tempCore();
  const experiment = core.experiments.create('bench-search');
  const started = performance.now();
  core.batch(() => {
    for (let i = 0; i < 100_000; i += 1) {
      const run = core.tracking.createRun({
        experimentId: experiment.id,
        name: `r${i}`,
        startTime: 1_700_000_000_000 + i,
      });
      core.tracking.logBatch(run.id, {
        metrics: [{ key: 'acc', value: ((i * 7919) % 1000) / 1000, step: 0, timestamp: 1 }],
        params: [{ key: 'lr', value: String((i % 10) / 100) }],
      });
    }
  });
  const seedSeconds = (performance.now() - started) / 1000;
  const timed = (filter?: string, orderBy?: string[]) => {
    const times: number[] = [];
    let matches = 0;
    for (let i = 0; i < 5; i += 1) {
      const t = performance.now();
      matches = core.tracking.searchRuns({ experimentIds: [experiment.id], filter, orderBy, maxResults: 1000 }).runs
        .length;
      times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    return { ms: times[2]!, matches };
  };
  const filtered = timed('metrics.acc > 0.9');
  const unfiltered = timed();
  const sorted = timed('metrics.acc > 0.5', ['metrics.acc DESC']);
  core.dispose();
  return {
    searchMs: filtered.ms,
    matches: filtered.matches,
    unfilteredMs: unfiltered.ms,
    sortedMs: sorted.ms,
    seedSeconds,
  };
}

/** Starts a child process and resolves with the first line it prints (the address to talk to). */
function startChild(args: string[]): Promise<{ child: ChildProcess; line: string }> {
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (c) => (stderr += String(c)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`child did not start: ${stderr}`)), 60_000);
    createInterface({ input: child.stdout! }).once('line', (line) => {
      clearTimeout(timer);
      resolve({ child, line });
    });
    child.once('exit', (code) => reject(new Error(`child exited with ${code}: ${stderr}`)));
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

/** A bare Node server in its own process that reads and parses each body and answers {} (no storage). */
const bareServer = `
  const http = require('node:http');
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => { JSON.parse(Buffer.concat(chunks).toString('utf8')); res.writeHead(200, { 'Content-Type': 'application/json' }).end('{}'); });
  });
  server.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ port: server.address().port })));
`;

async function http(): Promise<{ pointsPerSecond: number; baselinePerSecond: number }> {
  // The server runs in its own process, as `lathe serve` does while a Python script logs from another.
  const home = mkdtempSync(join(tmpdir(), 'lathe-bench-http-'));
  homes.push(home);
  const cli = join(dirname(fileURLToPath(import.meta.url)), '..', 'electron', 'cli', 'run.ts');
  const served = await startChild(['--import', 'tsx', cli, '--home', home, 'serve', '--port', '0', '--json']);
  const { port, token } = JSON.parse(served.line) as { port: number; token: string };
  const agent = new Agent({ keepAlive: true, maxSockets: 8 });
  const requests = 200;
  const clients = 4;
  const post = (target: number, path: string, body: string) =>
    new Promise<string>((resolve, reject) => {
      const req = httpRequest(
        {
          host: '127.0.0.1',
          port: target,
          path,
          method: 'POST',
          agent,
          headers: {
            Host: `127.0.0.1:${target}`,
            Authorization: `Bearer ${token}`,
            'Content-Type': 'application/json',
            'Content-Length': Buffer.byteLength(body),
          },
        },
        (res) => {
          let text = '';
          res.on('data', (c) => (text += String(c)));
          res.on('end', () =>
            res.statusCode === 200 ? resolve(text) : reject(new Error(`HTTP ${res.statusCode}: ${text}`)),
          );
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  const created = JSON.parse(
    await post(port, '/api/2.0/mlflow/runs/create', JSON.stringify({ experiment_id: '0', start_time: Date.now() })),
  ) as { run: { info: { run_id: string } } };
  const runId = created.run.info.run_id;
  const bodies = Array.from({ length: requests }, (_, r) =>
    JSON.stringify({
      run_id: runId,
      metrics: Array.from({ length: 1000 }, (_, i) => ({
        key: `m${r % 4}`,
        value: Math.random(),
        timestamp: 1_700_000_000_000 + i,
        step: r * 1000 + i,
      })),
    }),
  );
  const drive = async (target: number, path: string) => {
    let next = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: clients }, async () => {
        while (next < requests) {
          const body = bodies[next++]!;
          await post(target, path, body);
        }
      }),
    );
    return (requests * 1000) / ((performance.now() - started) / 1000);
  };
  const pointsPerSecond = await drive(port, '/api/2.0/mlflow/runs/log-batch');
  await stopChild(served.child);
  const bare = await startChild(['-e', bareServer]);
  const baselinePerSecond = await drive((JSON.parse(bare.line) as { port: number }).port, '/');
  await stopChild(bare.child);
  agent.destroy();
  return { pointsPerSecond, baselinePerSecond };
}

/** Runs the tracking benchmark. */
export async function run(_options: { json: boolean; args: string[] }): Promise<Record<string, unknown>> {
  try {
    say(
      'tracking bench: ingesting 1,000,000 points twice, raw prepared inserts and core.tracking.logMetrics batch by batch …',
    );
    const ingested = await ingest();
    const ingestRatio = ingested.coreRate / ingested.rawRate;
    say(
      `  ingest: core ${Math.round(ingested.coreRate).toLocaleString('en')} points/s vs raw prepared inserts ${Math.round(ingested.rawRate).toLocaleString('en')} points/s -> ratio ${ingestRatio.toFixed(3)} (goal >= 0.8)`,
    );

    const h = history(ingested.core, ingested.runId);
    say(
      `  history: 1,000,000 points -> ${h.points} in ${h.historyMs.toFixed(1)} ms median (first call ${h.firstMs.toFixed(1)} ms); reading every row raw takes ${h.rawReadMs.toFixed(0)} ms (goal <= 100)`,
    );
    ingested.core.dispose();

    say('tracking bench: seeding 100,000 runs …');
    const s = search();
    say(
      `  search: metrics.acc > 0.9 over 100,000 runs -> first ${s.matches} in ${s.searchMs.toFixed(1)} ms median; unfiltered first page ${s.unfilteredMs.toFixed(1)} ms; 'metrics.acc > 0.5' ordered by metrics.acc DESC ${s.sortedMs.toFixed(1)} ms (goal <= 200; seeding took ${s.seedSeconds.toFixed(1)} s)`,
    );

    say('tracking bench: log-batch over loopback …');
    const web = await http();
    say(
      `  http: ${Math.round(web.pointsPerSecond).toLocaleString('en')} points/s through /api/2.0/mlflow/runs/log-batch vs ${Math.round(web.baselinePerSecond).toLocaleString('en')} points/s for a bare parse-only Node server (both in their own process) (goal >= 100,000)`,
    );

    return {
      ingest_ratio: Number(ingestRatio.toFixed(3)),
      ingest_points_per_s: Math.round(ingested.coreRate),
      ingest_raw_points_per_s: Math.round(ingested.rawRate),
      http_points_per_s: Math.round(web.pointsPerSecond),
      http_baseline_points_per_s: Math.round(web.baselinePerSecond),
      history_ms: Number(h.historyMs.toFixed(1)),
      history_first_ms: Number(h.firstMs.toFixed(1)),
      history_raw_read_ms: Math.round(h.rawReadMs),
      search_ms: Number(s.searchMs.toFixed(1)),
      search_unfiltered_ms: Number(s.unfilteredMs.toFixed(1)),
      search_sorted_ms: Number(s.sortedMs.toFixed(1)),
    };
  } finally {
    for (const home of homes) rmSync(home, { recursive: true, force: true });
  }
}
