/**
 * Lathe claims it makes no request beyond loopback. This runs the CLI's main flows (data add, train a tiny
 * model, predict, runs and models listed, doctor) with every outbound connection refused at the socket
 * level by a preload (testing/refuse-network.cjs, given through NODE_OPTIONS so worker threads and child
 * processes get it too), and fails if any process or thread even tried. A control case proves the
 * preload sees a real attempt, so an empty log means "nothing tried", not "nothing watched".
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runLathe } from './testing/run-lathe.js';

const preload = fileURLToPath(new URL('./testing/refuse-network.cjs', import.meta.url));
const sample = fileURLToPath(new URL('../../resources/samples/customers-v1.csv', import.meta.url));

interface NetworkEvent {
  kind: 'hooked' | 'connect' | 'udp' | 'dns';
  target?: string;
  pid: number;
  threadId: number;
  stack?: string[];
}

let home: string;
let log: string;
beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'lathe-offline-'));
  log = join(home, 'network.jsonl');
});
afterEach(() => rmSync(home, { recursive: true, force: true }));

function refusedEnvironment(): Record<string, string> {
  const inherited = process.env.NODE_OPTIONS ? `${process.env.NODE_OPTIONS} ` : '';
  return { NODE_OPTIONS: `${inherited}--require ${JSON.stringify(preload)}`, LATHE_NETWORK_LOG: log };
}

function events(): NetworkEvent[] {
  if (!existsSync(log)) return [];
  return readFileSync(log, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as NetworkEvent);
}

describe('zero network', () => {
  it('the preload records and refuses an outbound attempt from the main thread and from a worker', async () => {
    const script = [
      "const { Worker } = require('node:worker_threads');",
      "fetch('http://192.0.2.1/').catch((e) => console.log(e.cause.code));",
      'new Worker("fetch(\'https://example.invalid/\').catch((e) => console.log(e.cause.code))", { eval: true });',
    ].join('\n');
    const output = await new Promise<string>((resolve) => {
      const child = spawn(process.execPath, ['-e', script], {
        env: { ...process.env, ...refusedEnvironment() },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let stdout = '';
      child.stdout.on('data', (chunk) => (stdout += String(chunk)));
      child.on('exit', () => resolve(stdout));
    });
    expect(output.trim().split('\n').sort()).toEqual(['ECONNREFUSED', 'ECONNREFUSED']);
    const attempts = events().filter((event) => event.kind !== 'hooked');
    expect(attempts.map((event) => [event.target, event.threadId > 0])).toEqual(
      expect.arrayContaining([
        ['192.0.2.1:80', false],
        ['example.invalid:443', true],
      ]),
    );
  });

  // Seven CLI processes from source (tsx) and a training: about a minute on a loaded 2-core machine.
  it('data add, train, predict, runs, models and doctor make no outbound attempt', async () => {
    const env = refusedEnvironment();
    const data = join(home, 'customers.csv');
    copyFileSync(sample, data);
    const lathe = (args: string[]) => runLathe(['--home', home, '--json', ...args], env);

    const added = await lathe(['data', 'add', data, '--name', 'customers']);
    expect(added.code, added.stderr).toBe(0);
    const shown = await lathe(['data', 'show', 'customers@1']);
    expect(shown.code, shown.stderr).toBe(0);
    const trained = await lathe([
      'train',
      '--data',
      'customers',
      '--target',
      'churned',
      '--epochs',
      '2',
      '--hidden',
      '4',
      '--experiment',
      'offline',
      '--model-name',
      'churn',
    ]);
    expect(trained.code, trained.stderr).toBe(0);
    const predicted = await lathe([
      'predict',
      '--model',
      'churn@1',
      '--data',
      'customers@1',
      '--out',
      join(home, 'p.csv'),
    ]);
    expect(predicted.code, predicted.stderr).toBe(0);
    expect(JSON.parse(predicted.stdout)).toMatchObject({ rows: 400 });
    const runs = await lathe(['runs', 'list', '--experiment', 'offline']);
    expect(runs.code, runs.stderr).toBe(0);
    expect((JSON.parse(runs.stdout) as { runs: unknown[] }).runs).toHaveLength(1);
    const models = await lathe(['model', 'list']);
    expect(models.code, models.stderr).toBe(0);
    const doctor = await lathe(['doctor']);
    expect(JSON.parse(doctor.stdout)).toHaveProperty('home', home);

    const seen = events();
    // Every CLI process was watched, and so was the training worker thread.
    expect(seen.filter((event) => event.kind === 'hooked' && event.threadId === 0).length).toBeGreaterThanOrEqual(7);
    expect(seen.some((event) => event.kind === 'hooked' && event.threadId > 0)).toBe(true);
    expect(seen.filter((event) => event.kind !== 'hooked')).toEqual([]);
  }, 240_000);
});
