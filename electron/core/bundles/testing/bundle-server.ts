/**
 * Test helpers for bundles: starts a server bundle from its folder with plain `node` on 127.0.0.1 (a free
 * port, read from its "listening on" line), posts JSON to it, and compares answers with `lathe predict`'s.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { expect } from 'vitest';

/** A running server bundle. */
export interface RunningBundle {
  url: string;
  child: ChildProcess;
  stdout: () => string;
  /** Resolves with the exit code once the process ends. */
  exited: Promise<number | null>;
}

/** Starts `node server.js` in `folder`; resolves once it listens (rejects with its output if it exits first). */
export function startServerBundle(folder: string, node = 'node'): Promise<RunningBundle> {
  const child = spawn(node, ['server.js'], {
    cwd: folder,
    env: { PATH: process.env.PATH, HOST: '127.0.0.1', PORT: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (chunk) => {
      stdout += String(chunk);
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout);
      if (match) resolve({ url: match[1]!, child, stdout: () => stdout, exited });
    });
    child.stderr!.on('data', (chunk) => (stderr += String(chunk)));
    void exited.then((code) => reject(new Error(`server.js exited (${code}) before listening: ${stderr}${stdout}`)));
  });
}

/** POSTs JSON and returns the status and parsed answer. */
export async function postJson(url: string, body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

/** Expects answer rows to equal the expected ones: same labels, numbers within 1e-6. */
export function expectSameOutputs(
  actual: Record<string, unknown>[],
  expected: Record<string, number | string | null>[],
): void {
  expect(actual).toHaveLength(expected.length);
  expected.forEach((row, i) => {
    expect(Object.keys(actual[i]!).sort()).toEqual(Object.keys(row).sort());
    for (const [name, want] of Object.entries(row)) {
      const have = actual[i]![name];
      if (typeof want === 'number') {
        expect(typeof have, `row ${i} ${name}`).toBe('number');
        expect(Math.abs((have as number) - want), `row ${i} ${name}`).toBeLessThanOrEqual(1e-6);
      } else expect(have, `row ${i} ${name}`).toBe(want);
    }
  });
}
