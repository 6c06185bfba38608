import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { runLathe } from './testing/run-lathe.js';
import { probeElectronBinary } from '../core/doctor/electron-binary.js';

let home: string;
beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'lathe-cli-'));
});
afterEach(() => rmSync(home, { recursive: true, force: true }));

describe('lathe experiments', () => {
  it('creates and lists, in text and JSON', async () => {
    const created = await runLathe(['--home', home, '--json', 'experiments', 'create', 'cli-made']);
    expect(created.code).toBe(0);
    expect(JSON.parse(created.stdout)).toMatchObject({ name: 'cli-made', lifecycleStage: 'active' });
    const listed = await runLathe(['--home', home, 'experiments', 'list']);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/ID\s+NAME/);
    expect(listed.stdout).toContain('cli-made');
  });

  it('searches with the filter grammar, in text and JSON, and exits 2 on a bad filter', async () => {
    await runLathe(['--home', home, 'experiments', 'create', 'churn-a']);
    await runLathe(['--home', home, 'experiments', 'create', 'fraud-b']);
    const json = await runLathe(['--home', home, '--json', 'experiments', 'search', "name LIKE 'churn%'"]);
    expect(json.code).toBe(0);
    expect((JSON.parse(json.stdout) as { experiments: { name: string }[] }).experiments.map((e) => e.name)).toEqual([
      'churn-a',
    ]);
    const text = await runLathe(['--home', home, 'experiments', 'search', '--order-by', 'name DESC', '--max', '1']);
    expect(text.stdout).toContain('fraud-b');
    expect(text.stdout).toContain('more: --page-token');
    const bad = await runLathe(['--home', home, 'experiments', 'search', 'metrics.acc > 1']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('attributes and tags only');
  });

  it('reads LATHE_HOME when --home is absent', async () => {
    await runLathe(['experiments', 'create', 'via-env'], { LATHE_HOME: home });
    const listed = await runLathe(['--json', 'experiments', 'list'], { LATHE_HOME: home });
    expect((JSON.parse(listed.stdout) as { name: string }[]).map((e) => e.name)).toContain('via-env');
  });

  it('exits 2 with one line on stderr for bad input, and a JSON error with --json', async () => {
    await runLathe(['--home', home, 'experiments', 'create', 'twice']);
    const again = await runLathe(['--home', home, 'experiments', 'create', 'twice']);
    expect(again.code).toBe(2);
    expect(again.stderr.trim().split('\n')).toHaveLength(1);
    expect(again.stderr).toContain('already exists');
    const json = await runLathe(['--home', home, '--json', 'experiments', 'create', '']);
    expect(json.code).toBe(2);
    expect(JSON.parse(json.stderr)).toEqual({ error: { code: 'BAD_INPUT', message: expect.stringContaining('name') } });
  });

  it('exits 2 for unknown commands and options', async () => {
    expect((await runLathe(['--home', home, 'frobnicate'])).code).toBe(2);
    expect((await runLathe(['--home', home, 'experiments', 'list', '--bogus'])).code).toBe(2);
    expect((await runLathe(['--help'])).code).toBe(0);
  });

  it('refuses a lathe.db that is not SQLite with the path in the message, leaving it untouched', async () => {
    const db = join(home, 'lathe.db');
    writeFileSync(db, 'garbage that is not a database');
    const before = createHash('sha256').update(readFileSync(db)).digest('hex');
    const result = await runLathe(['--home', home, 'experiments', 'list']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${db} is not a SQLite database`);
    expect(createHash('sha256').update(readFileSync(db)).digest('hex')).toBe(before);
  });

  it('gives a clear error when the home cannot be written', async () => {
    writeFileSync(join(home, 'file'), 'x');
    const result = await runLathe(['--home', join(home, 'file', 'sub'), 'experiments', 'list']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/Cannot use Lathe home .*file\/sub/);
  });
});

describe('lathe doctor', () => {
  it('reports the truth about this machine', async () => {
    const result = await runLathe(['--home', home, '--json', 'doctor']);
    const report = JSON.parse(result.stdout) as {
      ok: boolean;
      node: string;
      electron: { binaryPresent: boolean };
      training: { chosen: string; backends: { name: string; available: boolean; automatic: boolean }[] };
      inference: { available: boolean; providers: string[]; chosen: string };
      gpu: { seen: boolean };
      webgpu: { adapter: object | null; line: string };
      home: string;
      database: { schemaVersion: number; supportedSchemaVersion: number };
      objects: { count: number; bytes: number };
    };
    expect(result.code).toBe(report.ok ? 0 : 1);
    expect(report.node).toBe(process.version);
    expect(report.electron.binaryPresent).toBe(probeElectronBinary().present);
    expect(report.home).toBe(home);
    expect(report.database.schemaVersion).toBe(report.database.supportedSchemaVersion);
    // The chosen backend is the first available one in preference order that may be picked by itself (a
    // software WebGPU adapter only when forced), and tfjs-node is reported available exactly when it can be resolved.
    const first = report.training.backends.find((b) => b.available && b.automatic);
    expect(report.training.chosen).toBe(first?.name);
    // WebGPU: the adapter, or why there is none, in one line; the webgpu backend is available exactly then.
    expect(report.training.backends.find((b) => b.name === 'webgpu')?.available).toBe(report.webgpu.adapter !== null);
    expect(report.webgpu.line).toMatch(
      report.webgpu.adapter ? / via (Vulkan|Metal|D3D12|OpenGL ES), / : /^no WebGPU adapter: /,
    );
    let tfjsNode = true;
    try {
      await import('@tensorflow/tfjs-node' as string);
    } catch {
      tfjsNode = false;
    }
    expect(report.training.backends.find((b) => b.name === 'tensorflow')?.available).toBe(tfjsNode);
    expect(report.inference.providers).toContain('cpu');
    expect(report.inference.chosen).toBe(
      report.gpu.seen && report.inference.providers.includes('cuda')
        ? 'cuda'
        : report.inference.providers.includes('webgpu')
          ? 'webgpu'
          : 'cpu',
    );
    expect(report.gpu.seen).toBe(existsSync('/dev/nvidia0'));
    expect(report.objects).toEqual({ count: 0, bytes: 0, reclaimableBytes: 0 });
  });
});

describe('lathe serve', () => {
  it('prints one JSON line, writes server.json 0600, and on SIGTERM stops cleanly and removes it', async () => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        fileURLToPath(new URL('./run.ts', import.meta.url)),
        '--home',
        home,
        'serve',
        '--port',
        '0',
        '--json',
      ],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    try {
      const line = await new Promise<string>((resolve) =>
        createInterface({ input: child.stdout }).once('line', resolve),
      );
      const printed = JSON.parse(line) as { url: string; port: number; token: string };
      expect(Object.keys(printed).sort()).toEqual(['port', 'token', 'url']);
      expect(printed.url).toBe(`http://127.0.0.1:${printed.port}/?token=${printed.token}`);
      const file = join(home, 'server.json');
      expect(statSync(file).mode & 0o777).toBe(0o600);
      const res = await fetch(`http://127.0.0.1:${printed.port}/api/rpc/experiments.list`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${printed.token}`, 'Content-Type': 'application/json' },
        body: '{}',
      });
      expect(res.status).toBe(200);
      child.kill('SIGTERM');
      const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
      expect(code).toBe(0);
      expect(existsSync(file)).toBe(false);
    } finally {
      // A failed assertion must not leave the server running.
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });

  it('refuses a malformed --port with exit 2', async () => {
    const result = await runLathe(['--home', home, 'serve', '--port', 'abc']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('port');
  });
});

describe('two processes writing at once', () => {
  it('both succeed: every experiment from both is stored', async () => {
    const script = fileURLToPath(new URL('../core/testing/write-experiments.ts', import.meta.url));
    const writers = ['a', 'b'].map(
      (prefix) =>
        new Promise<number | null>((resolve) => {
          const child = spawn(process.execPath, ['--import', 'tsx', script, home, prefix, '60'], { stdio: 'inherit' });
          child.on('exit', resolve);
        }),
    );
    expect(await Promise.all(writers)).toEqual([0, 0]);
    const listed = await runLathe(['--home', home, '--json', 'experiments', 'list']);
    const names = (JSON.parse(listed.stdout) as { name: string }[]).map((e) => e.name);
    expect(names.filter((n) => n.startsWith('a-'))).toHaveLength(60);
    expect(names.filter((n) => n.startsWith('b-'))).toHaveLength(60);
  });
});
