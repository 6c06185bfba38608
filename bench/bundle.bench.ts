/**
 * `npm run bench -- bundle [--json]`: the server bundle's figures, each beside a baseline from the same run.
 *   server_ratio   rows/s of the exported server bundle (a `node server.js` child, POST /predict over
 *                  loopback, one keep-alive client, batches of 1,000 JSON rows `{"rows": [...]}`) over a bare
 *                  onnxruntime-node loop (session.run on ready tensors) over the same rows, same model file,
 *                  in this process (goal ≥ 0.8). Also given for JSON columns (`server_ratio_columns`).
 *   cold_start_ms  from spawning `node server.js` to the first /predict answer (median of 5; goal ≤ 1,000).
 * The model: Lathe-trained on a synthetic table (two numeric columns, a noise column and a categorical
 * one), MLP 64-64, so the graph has Lathe's preprocessing (imputation, scaling, one-hot) as every Lathe
 * model does. Rounds alternate bare and server; medians of 5.
 */
import { spawn } from 'node:child_process';
import { Agent, request } from 'node:http';
import { availableParallelism, loadavg } from 'node:os';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { openCore } from '../electron/core/core.js';
import { writeTable } from '../electron/core/data/read-table.js';
import { syntheticTable } from '../electron/core/train/testing/training-data.js';

const say = (line: string) => process.stderr.write(line + '\n');
const BATCH = 1000;
const BATCHES = 50;
const ROUNDS = 5;
const fields = ['x1', 'x2', 'noise', 'color'];

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** Starts the server bundle; resolves with its URL and the ms from spawn to listening. */
function start(folder: string): Promise<{ url: string; stop: () => Promise<void>; spawnedAt: number }> {
  const spawnedAt = performance.now();
  const child = spawn(process.execPath, ['server.js'], {
    cwd: folder,
    env: { PATH: process.env.PATH, HOST: '127.0.0.1', PORT: '0' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  let output = '';
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk) => {
      output += String(chunk);
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match)
        resolve({
          url: match[1]!,
          spawnedAt,
          stop: async () => {
            child.kill('SIGTERM');
            await exited;
          },
        });
    });
    void exited.then(() => reject(new Error(`server.js exited: ${output}`)));
  });
}

export async function run(): Promise<Record<string, unknown>> {
  const folder = mkdtempSync(join(tmpdir(), 'lathe-bench-bundle-'));
  const core = openCore({ home: join(folder, 'home'), shell: 'cli' });
  try {
    const rows = BATCH * BATCHES;
    const table = syntheticTable(rows, 11, 'classification');
    const data = join(folder, 'table.parquet');
    await writeTable(
      data,
      [...table].map(([name, values]) => ({ name, values })),
    );
    say('training an MLP 64-64 on 50,000 synthetic rows …');
    const trained = await core.training.train({
      data,
      target: 'target',
      features: fields,
      epochs: 1,
      hidden: [64, 64],
      backend: 'wasm',
    });
    const ref = `${trained.model}@${trained.version}`;
    say(`exporting ${ref} as a server bundle …`);
    const bundle = join(folder, 'server');
    await core.bundles.export({ ref, target: 'server', out: bundle, golden: data });

    // The same rows for both sides: JSON bodies (columns and rows) for the server, tensors for the bare loop.
    const cell = (name: string, i: number) => {
      const value = table.get(name)![i];
      return typeof value === 'number' && Number.isNaN(value) ? null : (value ?? null);
    };
    const columnBodies: string[] = [];
    const rowBodies: string[] = [];
    const feeds: Record<string, ort.Tensor>[] = [];
    for (let b = 0; b < BATCHES; b++) {
      const indices = Array.from({ length: BATCH }, (_, k) => b * BATCH + k);
      columnBodies.push(
        JSON.stringify({ columns: Object.fromEntries(fields.map((f) => [f, indices.map((i) => cell(f, i))])) }),
      );
      rowBodies.push(
        JSON.stringify({ rows: indices.map((i) => Object.fromEntries(fields.map((f) => [f, cell(f, i)]))) }),
      );
      const feed: Record<string, ort.Tensor> = {};
      for (const f of fields) {
        const values = indices.map((i) => cell(f, i));
        feed[f] =
          f === 'color'
            ? new ort.Tensor(
                'string',
                values.map((v) => (v === null ? '' : String(v))),
                [BATCH, 1],
              )
            : new ort.Tensor(
                'float32',
                Float32Array.from(values, (v) => (v === null ? NaN : Number(v))),
                [BATCH, 1],
              );
      }
      feeds.push(feed);
    }
    const session = await ort.InferenceSession.create(join(bundle, 'model.onnx'), {
      executionProviders: ['cpu'],
      graphOptimizationLevel: 'all',
    });
    const bare = async () => {
      const started = performance.now();
      for (const feed of feeds) await session.run(feed);
      return rows / ((performance.now() - started) / 1000);
    };
    const server = await start(bundle);
    // One keep-alive connection through node:http (lighter than fetch, whose cost would count against the server).
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const post = (body: string) =>
      new Promise<void>((resolve, reject) => {
        const bytes = Buffer.from(body);
        const sent = request(
          `${server.url}/predict`,
          {
            method: 'POST',
            agent,
            headers: { 'content-type': 'application/json', 'content-length': bytes.length },
          },
          (response) => {
            response.on('data', () => {});
            response.on('end', () =>
              response.statusCode === 200 ? resolve() : reject(new Error(`POST /predict: ${response.statusCode}`)),
            );
          },
        );
        sent.on('error', reject);
        sent.end(bytes);
      });
    const served = async (bodies: string[]) => {
      const started = performance.now();
      for (const body of bodies) await post(body);
      return rows / ((performance.now() - started) / 1000);
    };
    // Warm both sides (session start-up, JIT) before timing.
    await bare();
    await served(columnBodies.slice(0, 10));
    const bareRates: number[] = [];
    const columnRates: number[] = [];
    const rowRates: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      bareRates.push(await bare());
      columnRates.push(await served(columnBodies));
      rowRates.push(await served(rowBodies));
      say(
        `round ${round + 1}: bare ${Math.round(bareRates.at(-1)!).toLocaleString()} rows/s, server (columns) ${Math.round(columnRates.at(-1)!).toLocaleString()}, server (rows) ${Math.round(rowRates.at(-1)!).toLocaleString()}`,
      );
    }
    agent.destroy();
    await server.stop();
    await session.release();

    const coldStarts: number[] = [];
    const listening: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const started = await start(bundle);
      listening.push(performance.now() - started.spawnedAt);
      const response = await fetch(`${started.url}/predict`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ rows: [Object.fromEntries(fields.map((f) => [f, cell(f, 0)]))] }),
      });
      await response.arrayBuffer();
      coldStarts.push(performance.now() - started.spawnedAt);
      await started.stop();
    }

    const result = {
      server_ratio: median(rowRates) / median(bareRates),
      server_ratio_columns: median(columnRates) / median(bareRates),
      server_rows_per_second: median(rowRates),
      server_columns_rows_per_second: median(columnRates),
      bare_rows_per_second: median(bareRates),
      cold_start_ms: median(coldStarts),
      listening_ms: median(listening),
      batch: BATCH,
      rounds: ROUNDS,
      /** The machine's 1-minute load average when the run ended: the figures are only as steady as this allows. */
      load_average: loadavg()[0]!,
    };
    say('');
    say(`load average ${result.load_average.toFixed(1)} on ${availableParallelism()} cores`);
    say(
      `bare onnxruntime-node loop      ${Math.round(result.bare_rows_per_second).toLocaleString()} rows/s (baseline)`,
    );
    say(
      `server bundle, JSON rows       ${Math.round(result.server_rows_per_second).toLocaleString()} rows/s  server_ratio ${result.server_ratio.toFixed(2)} (goal ≥ 0.8)`,
    );
    say(
      `server bundle, JSON columns    ${Math.round(result.server_columns_rows_per_second).toLocaleString()} rows/s  server_ratio_columns ${result.server_ratio_columns.toFixed(2)}`,
    );
    say(
      `cold_start_ms                  ${Math.round(result.cold_start_ms)} (spawn → first /predict answer; goal ≤ 1,000; listening after ${Math.round(result.listening_ms)} ms)`,
    );
    return result;
  } finally {
    await core.dispose();
    rmSync(folder, { recursive: true, force: true });
  }
}
