/**
 * What a crash or a second process must not break (the hardening probe's kill -9 and two-servers runs,
 * bounded for CI):
 * - a `lathe serve` killed with SIGKILL in the middle of MLflow log-batch floods leaves a database that
 *   passes `PRAGMA integrity_check`, holds every point whose request was acknowledged, and holds no half
 *   batch (a batch is one transaction);
 * - two `lathe serve` processes on one home, written to at the same time, lose no create and answer no
 *   SQLITE_BUSY, and each sees what the other wrote.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { metricHistory, startServe, type ServeProcess } from './testing/serve-process.js';

const batchSize = 1000;
let home: string;
const started: ServeProcess[] = [];
beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'lathe-durability-'));
});
afterEach(async () => {
  for (const server of started.splice(0)) {
    server.child.kill('SIGKILL');
    await server.exited;
  }
  rmSync(home, { recursive: true, force: true });
});

async function serve(): Promise<ServeProcess> {
  const server = await startServe(home);
  started.push(server);
  return server;
}

async function ok(server: ServeProcess, path: string, body: unknown): Promise<Record<string, unknown>> {
  const { status, json } = await server.mlflow(path, body);
  expect(status, JSON.stringify(json)).toBe(200);
  return json as Record<string, unknown>;
}

/** One batch of `batchSize` points of `key`, steps [batch * size, (batch + 1) * size). */
function batchBody(runId: string, key: string, batch: number) {
  const metrics = Array.from({ length: batchSize }, (_, index) => {
    const step = batch * batchSize + index;
    return { key, value: step / 7, step, timestamp: 1_700_000_000_000 + step };
  });
  return { run_id: runId, metrics };
}

describe('kill -9 during log-batch floods', () => {
  it('leaves an intact database with every acknowledged point and no half batch', async () => {
    const writers = 3;
    const acknowledged = new Map<string, number[]>();
    let runId = '';
    let nextBatch = 0;
    for (const cycle of [1, 2]) {
      const server = await serve();
      if (cycle === 1) {
        const experiment = (await ok(server, 'experiments/create', { name: 'crash' })).experiment_id as string;
        const created = await ok(server, 'runs/create', { experiment_id: experiment, start_time: 1_700_000_000_000 });
        runId = (created.run as { info: { run_id: string } }).info.run_id;
      }
      // Writers flood until the server dies under them; it is killed once enough batches were acknowledged
      // in this cycle that requests are surely in flight at the moment of the kill.
      let ackedThisCycle = 0;
      let killed!: () => void;
      const killTime = new Promise<void>((resolve) => (killed = resolve));
      const flood = async (writer: number) => {
        const key = `w${writer}`;
        for (;;) {
          const batch = nextBatch++;
          try {
            const { status } = await server.mlflow('runs/log-batch', batchBody(runId, key, batch));
            if (status !== 200) return;
          } catch {
            return; // the connection died with the server: this batch was never acknowledged
          }
          acknowledged.set(key, [...(acknowledged.get(key) ?? []), batch]);
          if (++ackedThisCycle === 12) killed();
        }
      };
      const floods = Array.from({ length: writers }, (_, writer) => flood(writer));
      await killTime;
      server.child.kill('SIGKILL');
      await server.exited;
      await Promise.all(floods);
    }

    const db = new Database(join(home, 'lathe.db'));
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    db.close();

    const reopened = await serve();
    for (let writer = 0; writer < writers; writer++) {
      const key = `w${writer}`;
      const steps = new Set((await metricHistory(reopened, runId, key)).map((point) => point.step));
      const expected = (acknowledged.get(key) ?? []).flatMap((batch) =>
        Array.from({ length: batchSize }, (_, index) => batch * batchSize + index),
      );
      expect(expected.length).toBeGreaterThan(0);
      expect(expected.filter((step) => !steps.has(step))).toEqual([]);
      // Whole batches only: a batch the kill interrupted is either all there or not at all.
      const batchesPresent = new Set([...steps].map((step) => Math.floor(step / batchSize)));
      expect(steps.size).toBe(batchesPresent.size * batchSize);
    }
  }, 90_000);
});

describe('two processes on one home', () => {
  it('lose no concurrent create, answer no SQLITE_BUSY, and see each other', async () => {
    const [first, second] = await Promise.all([serve(), serve()]);
    const perServer = 40;
    const create = async (server: ServeProcess, label: string) => {
      const statuses: number[] = [];
      const experiment = (await ok(server, 'experiments/create', { name: `shared-${label}` })).experiment_id as string;
      await Promise.all(
        Array.from({ length: 4 }, async (_, lane) => {
          for (let index = lane; index < perServer; index += 4) {
            const made = await server.mlflow('experiments/create', { name: `${label}-${index}` });
            const run = await server.mlflow('runs/create', {
              experiment_id: experiment,
              run_name: `${label}-run-${index}`,
            });
            statuses.push(made.status, run.status);
          }
        }),
      );
      return statuses;
    };
    const [firstStatuses, secondStatuses] = await Promise.all([create(first, 'a'), create(second, 'b')]);
    expect([...firstStatuses, ...secondStatuses].filter((status) => status !== 200)).toEqual([]);

    for (const server of [first, second]) {
      const experiments = await ok(server, 'experiments/search', { max_results: 1000 });
      const names = (experiments.experiments as { name: string }[]).map((experiment) => experiment.name);
      for (const label of ['a', 'b']) {
        expect(names.filter((name) => new RegExp(`^${label}-\\d+$`).test(name))).toHaveLength(perServer);
      }
      expect(names).toEqual(expect.arrayContaining(['shared-a', 'shared-b']));
      const ids = (experiments.experiments as { name: string; experiment_id: string }[])
        .filter((experiment) => experiment.name.startsWith('shared-'))
        .map((experiment) => experiment.experiment_id);
      const runs = await ok(server, 'runs/search', { experiment_ids: ids, max_results: 1000 });
      expect(runs.runs as unknown[]).toHaveLength(2 * perServer);
    }
  }, 90_000);
});
