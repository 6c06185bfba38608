/**
 * `npm run bench -- bundle [--json]`: the server bundle's figures, each beside a baseline from the same run.
 *   server_ratio   rows/s of the exported server bundle (a `node server.js` child, POST /predict over
 *                  loopback, keep-alive connections of a load-generator client (load-connection.ts),
 *                  batches of 1,000 rows) over a bare onnxruntime-node loop
 *                  (session.run on ready tensors) over the same rows, same model file, in this process
 *                  (goal ≥ 0.8). Each side is measured with 1 and with 2 requests (runs) in flight and keeps
 *                  its better rate, so the baseline gets whatever concurrency gives the server. server_ratio
 *                  is for an Apache Arrow IPC body (float64 and utf8 columns, as pyarrow sends a pandas
 *                  frame); server_ratio_json_rows / _json_columns are the same for JSON bodies.
 *   cold_start_ms  from spawning `node server.js` to the first /predict answer (median of 5; goal ≤ 1,000).
 * The model: Lathe-trained on a synthetic table (two numeric columns, a noise column and a categorical
 * one), MLP 64-64, so the graph has Lathe's preprocessing (imputation, scaling, one-hot) as every Lathe
 * model does. Rounds alternate bare and server; medians of 5.
 */
import { spawn } from 'node:child_process';
import { availableParallelism, loadavg } from 'node:os';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Float64, Table, Utf8, tableToIPC, vectorFromArray } from 'apache-arrow';
import * as ort from 'onnxruntime-node';
import { openCore } from '../electron/core/core.js';
import { writeTable } from '../electron/core/data/read-table.js';
import { syntheticTable } from '../electron/core/train/testing/training-data.js';
import { LoadConnection } from './load-connection.js';

const say = (line: string) => process.stderr.write(line + '\n');
const BATCH = 1000;
const BATCHES = 50;
const ROUNDS = 5;
const fields = ['x1', 'x2', 'noise', 'color'];
/** Requests (or bare runs) in flight at once: each side keeps the better. */
const IN_FLIGHT = [1, 2];
type BodyFormat = 'arrow' | 'json_rows' | 'json_columns';
/** What the bench uses of a bundle's model-runtime.js (plain CommonJS, loaded from the exported folder). */
interface BundleRuntime {
  loadBundle(dir: string): Promise<{
    predictJson(body: unknown): Promise<unknown>;
    predictArrow(body: Buffer, answerAs: 'arrow' | 'json'): Promise<unknown>;
    release(): Promise<void>;
  }>;
}
const formats: BodyFormat[] = ['arrow', 'json_rows', 'json_columns'];

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/**
 * The HTTP floor: a Node http server that reads each body whole, as server.js does, and answers `?bytes=N`
 * bytes without looking at it. Posting the same bodies to it and asking for the real answers' sizes gives
 * what HTTP alone costs per batch on this machine.
 */
const echoServer = `'use strict';
const http = require('node:http');
const answers = new Map();
const server = http.createServer((request, response) => {
  const chunks = [];
  request.on('data', (chunk) => chunks.push(chunk));
  request.on('end', () => {
    Buffer.concat(chunks);
    const bytes = Number(new URL(request.url, 'http://x').searchParams.get('bytes') || 0);
    if (!answers.has(bytes)) answers.set(bytes, Buffer.alloc(bytes, 32));
    response.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': bytes });
    response.end(answers.get(bytes));
  });
});
server.listen(0, '127.0.0.1', () => process.stdout.write('echo listening on http://127.0.0.1:' + server.address().port + '\\n'));
process.on('SIGTERM', () => process.exit(0));
`;

/** CPU time (ms, all threads) a process has used so far, from /proc; null where there is no /proc. */
function cpuMsOf(pid: number): number | null {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    // utime and stime, fields 14 and 15 of stat (11 and 12 after the command name), in clock ticks of 10 ms.
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return null;
  }
}

/** Starts `node SCRIPT` in the folder (the server bundle); resolves with its URL and the ms from spawn to listening. */
function start(
  folder: string,
  script = 'server.js',
): Promise<{ url: string; stop: () => Promise<void>; spawnedAt: number; pid: number }> {
  const spawnedAt = performance.now();
  const child = spawn(process.execPath, [script], {
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
          pid: child.pid!,
          stop: async () => {
            child.kill('SIGTERM');
            await exited;
          },
        });
    });
    void exited.then(() => reject(new Error(`${script} exited: ${output}`)));
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

    // The same rows for both sides: JSON bodies (rows, columns) and Arrow streams for the server, tensors for
    // the bare loop.
    const cell = (name: string, i: number) => {
      const value = table.get(name)![i];
      return typeof value === 'number' && Number.isNaN(value) ? null : (value ?? null);
    };
    const bodies: Record<BodyFormat, Buffer[]> = { arrow: [], json_rows: [], json_columns: [] };
    const feeds: Record<string, ort.Tensor>[] = [];
    for (let b = 0; b < BATCHES; b++) {
      const indices = Array.from({ length: BATCH }, (_, k) => b * BATCH + k);
      const column = (f: string) => indices.map((i) => cell(f, i));
      bodies.json_columns.push(
        Buffer.from(JSON.stringify({ columns: Object.fromEntries(fields.map((f) => [f, column(f)])) })),
      );
      bodies.json_rows.push(
        Buffer.from(
          JSON.stringify({ rows: indices.map((i) => Object.fromEntries(fields.map((f) => [f, cell(f, i)]))) }),
        ),
      );
      bodies.arrow.push(
        Buffer.from(
          tableToIPC(
            new Table(
              Object.fromEntries(
                fields.map((f) => [
                  f,
                  f === 'color'
                    ? vectorFromArray(column(f) as (string | null)[], new Utf8())
                    : vectorFromArray(column(f) as (number | null)[], new Float64()),
                ]),
              ),
            ),
            'stream',
          ),
        ),
      );
      const feed: Record<string, ort.Tensor> = {};
      for (const f of fields) {
        const values = column(f);
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
    /** Runs every batch, `inFlight` at a time; rows/s. */
    const bare = async (inFlight: number) => {
      const started = performance.now();
      let next = 0;
      const lane = async () => {
        while (next < feeds.length) await session.run(feeds[next++]!);
      };
      await Promise.all(Array.from({ length: inFlight }, lane));
      return rows / ((performance.now() - started) / 1000);
    };
    const running = await start(bundle);
    writeFileSync(join(folder, 'echo-server.js'), echoServer);
    const echo = await start(folder, 'echo-server.js');
    const contentType: Record<BodyFormat, string> = {
      arrow: 'application/vnd.apache.arrow.stream',
      json_rows: 'application/json',
      json_columns: 'application/json',
    };
    // Keep-alive connections to each server, as many as requests in flight, opened before any timing (see
    // load-connection.ts); one the server closed while idle (its keep-alive timeout) is opened again.
    const open = (url: string) =>
      Promise.all(Array.from({ length: Math.max(...IN_FLIGHT) }, () => LoadConnection.open(url)));
    const lanes = { server: await open(running.url), floor: await open(echo.url) };
    const reopen = async (pool: LoadConnection[], url: string) => {
      for (const [index, connection] of pool.entries())
        if (connection.closed) pool[index] = await LoadConnection.open(url);
    };
    /** POSTs one body on a connection; resolves with the answer's size (a status other than 200 is an error). */
    const post = async (connection: LoadConnection, path: string, body: Buffer, format: BodyFormat) => {
      const answer = await connection.post(path, contentType[format], body);
      if (answer.status !== 200) throw new Error(`POST ${path}: ${answer.status}`);
      return answer.bytes;
    };
    const answerBytes = {} as Record<BodyFormat, number>;
    for (const format of formats)
      answerBytes[format] = await post(lanes.server[0]!, '/predict', bodies[format][0]!, format);
    /** Posts every batch to the server (or the echo floor), `connections` requests in flight; rows/s. */
    const served = async (format: BodyFormat, connections: number, count = BATCHES, floor = false) => {
      const path = floor ? `/predict?bytes=${answerBytes[format]}` : '/predict';
      const pool = floor ? lanes.floor : lanes.server;
      await reopen(pool, floor ? echo.url : running.url);
      const started = performance.now();
      let next = 0;
      const lane = async (connection: LoadConnection) => {
        while (next < count) await post(connection, path, bodies[format][next++]!, format);
      };
      await Promise.all(pool.slice(0, connections).map(lane));
      return (count * BATCH) / ((performance.now() - started) / 1000);
    };
    // The server's own work without HTTP: the bundle's model-runtime.js in this process, body in, answer out.
    const runtime = createRequire(join(bundle, 'model-runtime.js'))('./model-runtime.js') as BundleRuntime;
    const inProcessBundle = await runtime.loadBundle(bundle);
    const handled = async (format: BodyFormat) => {
      const started = performance.now();
      for (const body of bodies[format]) {
        if (format === 'arrow') await inProcessBundle.predictArrow(body, 'arrow');
        else await inProcessBundle.predictJson(JSON.parse(body.toString('utf8')));
      }
      return rows / ((performance.now() - started) / 1000);
    };
    // Warm every side (session start-up, JIT) before timing.
    await bare(1);
    for (const format of formats) {
      await served(format, 2, 10);
      await served(format, 2, 10, true);
      await handled(format);
    }
    const rates: Record<string, number[]> = {};
    const record = (key: string, rate: number) => (rates[key] ??= []).push(rate);
    for (let round = 0; round < ROUNDS; round++) {
      for (const inFlight of IN_FLIGHT) record(`bare/${inFlight}`, await bare(inFlight));
      for (const format of formats) {
        for (const connections of IN_FLIGHT) record(`${format}/${connections}`, await served(format, connections));
        record(`${format}/in-process`, await handled(format));
        record(`${format}/http-floor`, await served(format, 1, BATCHES, true));
      }
      say(
        `round ${round + 1}: ` +
          Object.entries(rates)
            .map(([key, values]) => `${key} ${Math.round(values.at(-1)! / 1000)}k`)
            .join(', ') +
          ' rows/s',
      );
    }
    /**
     * CPU per batch (all threads), on 2 requests in flight over 200 batches: the server process, this client,
     * and the bare loop. On a machine this size the client shares the cores, so no server can pass
     * cores / (server + client CPU per batch), however its work is spread.
     */
    const cpu: Record<string, number | null> = {};
    const CPU_BATCHES = 200;
    {
      const before = process.cpuUsage();
      for (let k = 0; k < CPU_BATCHES / BATCHES; k++) await bare(1);
      const used = process.cpuUsage(before);
      cpu.bare_ms = (used.user + used.system) / 1000 / CPU_BATCHES;
    }
    for (const format of formats) {
      const serverBefore = cpuMsOf(running.pid);
      const clientBefore = process.cpuUsage();
      for (let k = 0; k < CPU_BATCHES / BATCHES; k++) await served(format, 2);
      const serverAfter = cpuMsOf(running.pid);
      const client = process.cpuUsage(clientBefore);
      cpu[`${format}_server_ms`] =
        serverBefore === null || serverAfter === null ? null : (serverAfter - serverBefore) / CPU_BATCHES;
      cpu[`${format}_client_ms`] = (client.user + client.system) / 1000 / CPU_BATCHES;
    }
    for (const connection of [...lanes.server, ...lanes.floor]) connection.close();
    await running.stop();
    await echo.stop();
    await inProcessBundle.release();
    await session.release();
    /** The better of 1 and 2 in flight (medians over the rounds), and which it was. */
    const best = (side: string) =>
      IN_FLIGHT.map((n) => ({ rate: median(rates[`${side}/${n}`]!), inFlight: n })).sort((x, y) => y.rate - x.rate)[0]!;
    const bareBest = best('bare');
    const server = Object.fromEntries(formats.map((format) => [format, best(format)])) as Record<
      BodyFormat,
      { rate: number; inFlight: number }
    >;
    /**
     * Where a batch's time goes, in ms per 1,000-row batch (one request at a time): scoring alone (the bare
     * loop), the server's work in process (body → checked columns → scoring → answer), HTTP alone (the echo
     * floor with the same bytes). onnxruntime-node scores on the calling thread, so the server's thread cannot
     * read the next request while it scores: the ceiling is scoring / (in-process work + HTTP floor).
     */
    const msPerBatch = (rate: number) => (BATCH / rate) * 1000;
    const stages = Object.fromEntries(
      formats.map((format) => {
        const scoring = msPerBatch(median(rates['bare/1']!));
        const inProcess = msPerBatch(median(rates[`${format}/in-process`]!));
        const http = msPerBatch(median(rates[`${format}/http-floor`]!));
        const measured = msPerBatch(median(rates[`${format}/1`]!));
        return [
          format,
          {
            request_bytes: bodies[format][0]!.length,
            answer_bytes: answerBytes[format],
            scoring_ms: scoring,
            handling_ms: inProcess - scoring,
            http_floor_ms: http,
            served_ms: measured,
            ceiling_ratio: scoring / (inProcess + http),
          },
        ];
      }),
    ) as unknown as Record<BodyFormat, Record<string, number>>;

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
      server_ratio: server.arrow.rate / bareBest.rate,
      server_ratio_json_rows: server.json_rows.rate / bareBest.rate,
      server_ratio_json_columns: server.json_columns.rate / bareBest.rate,
      /** Per format, ms per 1,000-row batch: scoring, the rest of the server's work, HTTP; and the ceiling they set. */
      stages,
      /** CPU ms per 1,000-row batch: the bare loop, and per format the server process and this client. */
      cpu,
      server_rows_per_second: server.arrow.rate,
      server_json_rows_per_second: server.json_rows.rate,
      server_json_columns_rows_per_second: server.json_columns.rate,
      bare_rows_per_second: bareBest.rate,
      in_flight: {
        bare: bareBest.inFlight,
        arrow: server.arrow.inFlight,
        json_rows: server.json_rows.inFlight,
        json_columns: server.json_columns.inFlight,
      },
      /** Every median (rows/s), by side and requests in flight. */
      rates: Object.fromEntries(Object.entries(rates).map(([key, values]) => [key, Math.round(median(values))])),
      cold_start_ms: median(coldStarts),
      listening_ms: median(listening),
      batch: BATCH,
      rounds: ROUNDS,
      /** The machine's 1-minute load average when the run ended: the figures are only as steady as this allows. */
      load_average: loadavg()[0]!,
    };
    const rate = (value: number) => `${Math.round(value).toLocaleString()} rows/s`.padEnd(18);
    say('');
    say(`load average ${result.load_average.toFixed(1)} on ${availableParallelism()} cores; best of 1 or 2 in flight`);
    say(`bare onnxruntime-node loop     ${rate(bareBest.rate)} (baseline, ${bareBest.inFlight} in flight)`);
    say(
      `server bundle, Arrow body     ${rate(server.arrow.rate)} server_ratio ${result.server_ratio.toFixed(2)} (goal ≥ 0.8; ${server.arrow.inFlight} in flight)`,
    );
    say(
      `server bundle, JSON rows      ${rate(server.json_rows.rate)} server_ratio_json_rows ${result.server_ratio_json_rows.toFixed(2)} (${server.json_rows.inFlight} in flight)`,
    );
    say(
      `server bundle, JSON columns   ${rate(server.json_columns.rate)} server_ratio_json_columns ${result.server_ratio_json_columns.toFixed(2)} (${server.json_columns.inFlight} in flight)`,
    );
    say('');
    say('per 1,000-row batch, one request at a time (ms):   scoring  + handling  + HTTP floor  = ceiling   served');
    for (const format of formats) {
      const stage = stages[format];
      const ms = (value: number) => value.toFixed(3).padStart(8);
      say(
        `  ${format.padEnd(13)} ${String(stage.request_bytes).padStart(6)} B in, ${String(stage.answer_bytes).padStart(6)} B out ${ms(stage.scoring_ms!)}   ${ms(stage.handling_ms!)}   ${ms(stage.http_floor_ms!)}    ratio ≤ ${stage.ceiling_ratio!.toFixed(2)}  ${ms(stage.served_ms!)}`,
      );
    }
    say('');
    say(`CPU per 1,000-row batch, all threads (ms): bare loop ${cpu.bare_ms!.toFixed(3)}`);
    for (const format of formats) {
      const server = cpu[`${format}_server_ms`];
      const client = cpu[`${format}_client_ms`]!;
      if (server === null || server === undefined) continue;
      const ceiling = ((availableParallelism() / (server + client)) * BATCH * 1000) / bareBest.rate;
      say(
        `  ${format.padEnd(13)} server ${server.toFixed(3)} + client ${client.toFixed(3)} → on ${availableParallelism()} cores ratio ≤ ${ceiling.toFixed(2)}`,
      );
    }
    say('');
    say(
      `cold_start_ms                 ${Math.round(result.cold_start_ms)} (spawn → first /predict answer; goal ≤ 1,000; listening after ${Math.round(result.listening_ms)} ms)`,
    );
    return result;
  } finally {
    await core.dispose();
    rmSync(folder, { recursive: true, force: true });
  }
}
