/**
 * Each test gets its own Lathe home and its own `lathe serve` on a free port (Actual Budget's per-test
 * data dir), started from the built CLI exactly as a user starts it.
 */
import { test as base, expect } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

/** A running `lathe serve` for one test. */
export interface Lathe {
  url: string;
  origin: string;
  token: string;
  home: string;
  /** Runs the built CLI against the same home. */
  cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }>;
}

const root = new URL('../..', import.meta.url).pathname;
const bin = join(root, 'bin/lathe.js');

export const test = base.extend<{ lathe: Lathe }>({
  lathe: async ({}, use) => {
    const home = mkdtempSync(join(tmpdir(), 'lathe-e2e-'));
    const server: ChildProcess = spawn(process.execPath, [bin, '--home', home, 'serve', '--port', '0', '--json'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    server.stderr!.on('data', (chunk) => (stderr += String(chunk)));
    const line = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`lathe serve did not start: ${stderr}`)), 60_000);
      createInterface({ input: server.stdout! }).once('line', (first) => {
        clearTimeout(timer);
        resolve(first);
      });
      server.once('exit', (code) => reject(new Error(`lathe serve exited with ${code}: ${stderr}`)));
    });
    const { url, token } = JSON.parse(line) as { url: string; token: string };
    const cli = (args: string[]) =>
      new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
        const child = spawn(process.execPath, [bin, '--home', home, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
        let out = '';
        let err = '';
        child.stdout.on('data', (c) => (out += String(c)));
        child.stderr.on('data', (c) => (err += String(c)));
        child.on('exit', (code) => resolve({ code: code ?? -1, stdout: out, stderr: err }));
      });
    await use({ url, origin: new URL(url).origin, token, home, cli });
    server.kill('SIGTERM');
    await new Promise((resolve) => server.once('exit', resolve));
    rmSync(home, { recursive: true, force: true });
  },
});

export { expect };
