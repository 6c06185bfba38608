/**
 * Test helpers for bundles: starts a server bundle from its folder with plain `node` on 127.0.0.1 (a free
 * port, read from its "listening on" line), posts JSON or Arrow streams (written with Apache Arrow's own
 * library, as a pyarrow client would) to it, and compares answers with `lathe predict`'s.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import {
  Dictionary,
  Float32,
  Float64,
  Int32,
  Table,
  Utf8,
  type Vector,
  tableFromIPC,
  tableToIPC,
  vectorFromArray,
} from 'apache-arrow';
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

/** How a test writes an Arrow request: pyarrow's defaults for a pandas frame, or what a categorical and float32 frame gives. */
export type ArrowVariant = 'utf8-float64' | 'dictionary-float32';

/**
 * Rows as an Apache Arrow IPC stream of `batches` record batches (what `pa.ipc.new_stream` writes for a
 * DataFrame): numbers as float64 (or float32), strings as utf8 (or a dictionary, as a categorical), nulls kept.
 */
export function arrowBody(
  rows: Record<string, number | string | null>[],
  fields: { name: string; type: 'number' | 'string' }[],
  variant: ArrowVariant = 'utf8-float64',
  batches = 1,
): Buffer {
  const whole = new Table(
    Object.fromEntries(
      fields.map(({ name, type }) => {
        const values = rows.map((row) => row[name] ?? null);
        const arrowType =
          type === 'string'
            ? variant === 'dictionary-float32'
              ? new Dictionary(new Utf8(), new Int32())
              : new Utf8()
            : variant === 'dictionary-float32'
              ? new Float32()
              : new Float64();
        return [name, vectorFromArray(values as never[], arrowType as never) as Vector];
      }),
    ),
  );
  // Slices of one table share its schema (and dictionary), so they make one stream of several batches.
  const size = Math.ceil(rows.length / batches);
  const recordBatches = Array.from({ length: batches }, (_, b) => whole.slice(b * size, (b + 1) * size).batches).flat();
  return Buffer.from(tableToIPC(new Table(recordBatches), 'stream'));
}

/** An Arrow answer's rows as plain objects. */
export function arrowRows(bytes: Uint8Array): Record<string, unknown>[] {
  const table = tableFromIPC(bytes);
  const columns = table.schema.fields.map((f) => [f.name, [...table.getChild(f.name)!]] as const);
  return Array.from({ length: table.numRows }, (_, i) =>
    Object.fromEntries(columns.map(([name, values]) => [name, values[i]])),
  );
}

/** POSTs an Arrow stream; returns the status, the content type and the raw answer. */
export async function postArrow(
  url: string,
  body: Uint8Array,
  accept?: string,
): Promise<{ status: number; type: string; bytes: Buffer }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/vnd.apache.arrow.stream', ...(accept ? { accept } : {}) },
    body,
  });
  return {
    status: response.status,
    type: response.headers.get('content-type') ?? '',
    bytes: Buffer.from(await response.arrayBuffer()),
  };
}
