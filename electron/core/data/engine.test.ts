import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DataEngine } from './engine.js';

let privateTemp: string;
beforeEach(() => {
  privateTemp = mkdtempSync(join(tmpdir(), 'lathe-engine-test-'));
});
afterEach(() => rmSync(privateTemp, { recursive: true, force: true }));

describe('the data engine', () => {
  it('spills into a private folder (unpredictable name, mode 0700) that close removes', async () => {
    const engine = new DataEngine();
    expect(await engine.withConnection(async (c) => (await c.runAndReadAll('SELECT 42 AS n')).getRows())).toEqual([
      [42],
    ]);
    const spill = engine.spillFolder!;
    // Not the predictable `lathe-duckdb-<pid>`: a random suffix after the pid.
    expect(spill).toMatch(new RegExp(`lathe-duckdb-${process.pid}-[A-Za-z0-9]{6}$`));
    expect(statSync(spill).mode & 0o777).toBe(0o700);
    const setting = await engine.withConnection(
      async (c) => (await c.runAndReadAll("SELECT current_setting('temp_directory')")).getRows()[0]![0],
    );
    expect(setting).toBe(spill);
    await engine.close();
    expect(() => statSync(spill)).toThrow();
    await expect(engine.connect()).rejects.toThrow(/closed/);
  });

  it('leaves nothing in the system temp folder when a process that used it exits, and sweeps a killed one’s', async () => {
    // A folder a killed Lathe process left (no process runs under that id any more).
    const dead = spawnSync(process.execPath, ['-e', '0']).pid;
    mkdirSync(join(privateTemp, `lathe-duckdb-${dead}-AbCdEf`));
    // A child that reads through the engine (and a terminated worker thread's engine) and exits without closing them.
    const script = fileURLToPath(new URL('./testing/use-engine.ts', import.meta.url));
    const code = await new Promise<number | null>((resolve) => {
      const child = spawn(process.execPath, ['--import', 'tsx', script], {
        env: { ...process.env, TMPDIR: privateTemp },
        stdio: 'inherit',
      });
      child.once('exit', resolve);
    });
    expect(code).toBe(0);
    // (tsx keeps its own cache there; DuckDB's spill folder must be gone.)
    expect(readdirSync(privateTemp).filter((name) => name.startsWith('lathe'))).toEqual([]);
  });
});
