/**
 * Test helper: `lathe serve` from source in a child process on a free port, and a small MLflow REST client
 * for it. Used by the crash and concurrency tests, which need a real process they can kill -9.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const entry = fileURLToPath(new URL('../../cli/run.ts', import.meta.url));

/** A running `lathe serve`. */
export interface ServeProcess {
  child: ChildProcess;
  origin: string;
  token: string;
  /** POSTs (or GETs, with `query`) an MLflow endpoint; resolves with the status and parsed body. */
  mlflow(path: string, body?: unknown, query?: Record<string, string>): Promise<{ status: number; json: unknown }>;
  /** Resolves when the process has exited. */
  exited: Promise<number | null>;
}

/** Starts `lathe --home home serve --port 0 --json` and waits for its first line (the URL and token). */
export async function startServe(home: string): Promise<ServeProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', entry, '--home', home, 'serve', '--port', '0', '--json'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk) => (stderr += String(chunk)));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    void exited.then((code) => reject(new Error(`lathe serve exited with ${code}: ${stderr}`)));
  });
  const { url, token } = JSON.parse(line) as { url: string; token: string };
  const origin = new URL(url).origin;
  return {
    child,
    origin,
    token,
    exited,
    async mlflow(path, body, query) {
      const target = new URL(`/api/2.0/mlflow/${path}`, origin);
      for (const [key, value] of Object.entries(query ?? {})) target.searchParams.set(key, value);
      const response = await fetch(target, {
        method: body === undefined ? 'GET' : 'POST',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: response.status, json: await response.json() };
    },
  };
}

/** Every point of a metric, through MLflow's paginated get-history. */
export async function metricHistory(
  server: ServeProcess,
  runId: string,
  key: string,
): Promise<{ step: number; value: number }[]> {
  const points: { step: number; value: number }[] = [];
  let pageToken: string | undefined;
  do {
    const query: Record<string, string> = { run_id: runId, metric_key: key, max_results: '25000' };
    if (pageToken) query.page_token = pageToken;
    const { status, json } = await server.mlflow('metrics/get-history', undefined, query);
    if (status !== 200) throw new Error(`get-history ${key}: ${status} ${JSON.stringify(json)}`);
    const page = json as { metrics?: { step: number | string; value: number }[]; next_page_token?: string };
    for (const metric of page.metrics ?? []) points.push({ step: Number(metric.step), value: metric.value });
    pageToken = page.next_page_token;
  } while (pageToken);
  return points;
}
