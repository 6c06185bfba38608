/**
 * The store commands from a shell. Crash tests: a real `lathe data add` child process is killed with SIGKILL
 * mid-ingest, then the next start (or `lathe gc`) must leave no orphan object, temp file or lease; then
 * `lathe lineage` and `lathe doctor --verify`.
 */
import { afterAll, beforeAll, beforeEach, afterEach, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runLathe } from '../testing/run-lathe.js';

const entry = fileURLToPath(new URL('../run.ts', import.meta.url));
let scratch: string;
let csv: string;
let home: string;

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'lathe-crash-'));
  csv = join(scratch, 'big.csv');
  // ~40 MB: long enough to hash, copy and profile that the kill lands mid-ingest.
  const columns = Array.from({ length: 16 }, (_, i) => `c${i}`);
  const lines = [columns.join(',')];
  for (let row = 0; row < 300_000; row++)
    lines.push(
      columns.map((_, i) => (i % 4 === 0 ? `v${(row * 7 + i) % 997}` : ((row * 31 + i) % 100_003) / 7)).join(','),
    );
  writeFileSync(csv, lines.join('\n') + '\n');
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
beforeEach(() => {
  home = mkdtempSync(join(scratch, 'home-'));
});
afterEach(() => rmSync(home, { recursive: true, force: true }));

function startAdd(): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', entry, '--home', home, 'data', 'add', csv, '--name', 'big'], {
    stdio: 'ignore',
  });
}

/** Files under `dir` (empty when it does not exist yet). */
function list(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir) : [];
}

function objectFiles(): string[] {
  const root = join(home, 'objects', 'sha256');
  return list(root).flatMap((prefix) => list(join(root, prefix)).map((name) => prefix + name));
}

/** Polls (no fixed sleep) until `condition` holds, then kills the child with SIGKILL. */
async function killWhen(child: ChildProcess, condition: () => boolean, what: string): Promise<void> {
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let done = false;
  void exited.then(() => (done = true));
  while (!condition()) {
    if (done) throw new Error(`the ingest finished before ${what}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
  child.kill('SIGKILL');
  await exited;
}

describe('a crash during lathe data add', () => {
  it('leaves a partial temp file that the next start removes', async () => {
    const child = startAdd();
    await killWhen(child, () => list(join(home, 'objects', 'tmp')).length > 0, 'the copy started');
    expect(list(join(home, 'objects', 'tmp')).length).toBeGreaterThan(0);
    expect(list(join(home, 'objects', 'leases'))).toHaveLength(1);

    // Any command starts the core, which sweeps what the dead writer left.
    const listed = await runLathe(['--home', home, '--json', 'data', 'list']);
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.stdout)).toEqual([]);
    expect(list(join(home, 'objects', 'tmp'))).toEqual([]);
    expect(list(join(home, 'objects', 'leases'))).toEqual([]);
  }, 120_000);

  it('leaves a complete but unregistered object that lathe gc removes (dry run reports it first)', async () => {
    const child = startAdd();
    await killWhen(child, () => objectFiles().length > 0, 'the copy was in place');
    const [orphan] = objectFiles();

    const dry = await runLathe(['--home', home, '--json', 'gc', '--dry-run']);
    expect(dry.code).toBe(0);
    const planned = JSON.parse(dry.stdout) as { objects: { hashes: string[]; bytes: number } };
    expect(planned.objects.hashes).toEqual([orphan]);
    expect(planned.objects.bytes).toBeGreaterThan(30_000_000);
    expect(objectFiles()).toEqual([orphan]);

    const collected = await runLathe(['--home', home, '--json', 'gc']);
    expect(collected.code).toBe(0);
    expect((JSON.parse(collected.stdout) as { objects: { hashes: string[] } }).objects.hashes).toEqual([orphan]);
    expect(objectFiles()).toEqual([]);
    expect(list(join(home, 'objects', 'leases'))).toEqual([]);

    // The file adds cleanly afterwards.
    const added = await runLathe(['--home', home, '--json', 'data', 'add', csv, '--name', 'big']);
    expect(added.code).toBe(0);
    expect(objectFiles()).toEqual([orphan]);
  }, 180_000);
});

describe('lathe lineage and lathe doctor --verify', () => {
  const samples = fileURLToPath(new URL('../../../resources/samples/', import.meta.url));

  it('prints the graph around a dataset version, in text and JSON', async () => {
    for (const file of ['customers-v1.csv', 'customers-v2.csv'])
      expect((await runLathe(['--home', home, 'data', 'add', join(samples, file), '--name', 'c'])).code).toBe(0);
    const json = await runLathe(['--home', home, '--json', 'lineage', 'dataset:c@2', '--direction', 'upstream']);
    expect(json.code).toBe(0);
    const graph = JSON.parse(json.stdout) as { root: { label: string }; nodes: { label: string }[]; edges: unknown[] };
    expect(graph.root.label).toBe('c@2');
    expect(graph.nodes.map((n) => n.label)).toEqual([
      'c@2',
      'c@1',
      join(samples, 'customers-v2.csv'),
      join(samples, 'customers-v1.csv'),
    ]);
    const text = await runLathe(['--home', home, 'lineage', 'dataset:c@1', '--direction', 'downstream']);
    expect(text.stdout).toContain('c@1 -parent-> c@2');
    const wrong = await runLathe(['--home', home, 'lineage', 'dataset:missing@1']);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('No dataset named "missing"');
  }, 120_000);

  it('doctor --verify names an object whose bytes changed on disk', async () => {
    expect(
      (await runLathe(['--home', home, 'data', 'add', join(samples, 'customers-v1.csv'), '--name', 'c'])).code,
    ).toBe(0);
    const [object] = objectFiles();
    const path = join(home, 'objects', 'sha256', object!.slice(0, 2), object!.slice(2));
    writeFileSync(path, 'changed on disk\n');
    const report = await runLathe(['--home', home, '--json', 'doctor', '--verify']);
    const parsed = JSON.parse(report.stdout) as {
      objects: { reclaimableBytes: number; verify: { checked: number; corrupt: string[] } };
      problems: string[];
    };
    expect(parsed.objects.verify).toMatchObject({ checked: 1, corrupt: [object] });
    expect(parsed.objects.reclaimableBytes).toBe(0);
    expect(parsed.problems.join('\n')).toContain(object);
    expect(report.code).toBe(1);
  }, 180_000);
});
