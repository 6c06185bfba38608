/**
 * How many source files a request crosses on its way down (issue 9): a real `POST runs/log-metric` through
 * `lathe serve`, and a real `lathe data add`, each run from the source of a checkout in a child process with
 * scripts/call-path-preload.cjs, which records the full call path (async callers included) at the moment
 * the metric row, or the dataset version row, is inserted. The path is read from the shell's entry down:
 * the checkout's own files, in call order, a file's consecutive frames merged into one visit.
 *
 * `npx tsx scripts/call-path.ts [checkout]` prints both paths for any checkout (an old commit in a temp
 * worktree, say), so before and after are measured the same way; scripts/call-path.test.ts enforces them.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';

const preload = fileURLToPath(new URL('./call-path-preload.cjs', import.meta.url));
const ownPreload = pathToFileURL(preload).href;
const sample = fileURLToPath(new URL('../resources/samples/customers-v1.csv', import.meta.url));

/** One recorded path: the SQL that ran, and the checkout's files from the shell entry down. */
export interface CallPath {
  sql: string;
  /** Visits in call order, outermost first; consecutive frames of one file are one visit. */
  visits: string[];
  /** The same, with function names, outermost first (for reading a failure). */
  frames: string[];
  /** For a request: every checkout file whose code ran from Node's hand-over to the INSERT, sorted. */
  ran?: string[];
}

interface TraceLine {
  sql: string;
  frames: { functionName: string; url: string }[];
  ran?: string[];
}

/** The checkout's source files on a recorded stack (innermost first), as visits outermost first. */
export function pathOf(line: TraceLine, checkout: string): CallPath {
  const root = pathToFileURL(resolve(checkout)).href + '/';
  const mine = (url: string) => url.startsWith(root) && !url.includes('/node_modules/') && url !== ownPreload;
  const own = line.frames
    .filter((frame) => mine(frame.url))
    .map((frame) => ({ file: relative(checkout, fileURLToPath(frame.url)), name: frame.functionName || '(top)' }))
    .reverse();
  const visits: string[] = [];
  for (const { file } of own) if (visits[visits.length - 1] !== file) visits.push(file);
  const ran = line.ran?.filter(mine).map((url) => relative(checkout, fileURLToPath(url)));
  return {
    sql: line.sql,
    visits,
    frames: own.map(({ file, name }) => `${file} ${name}`),
    ...(ran ? { ran: ran.sort() } : {}),
  };
}

/** Files entered again after the path left them (A → B → A); empty when every file is one visit. */
export function revisits(path: CallPath): string[] {
  const seen = new Set<string>();
  const again = new Set<string>();
  for (const file of path.visits) {
    if (seen.has(file)) again.add(file);
    seen.add(file);
  }
  return [...again];
}

/** The distinct files a path crosses. */
export function fileCount(path: CallPath): number {
  return new Set(path.visits).size;
}

function tracedEnvironment(checkout: string, sql: string, log: string, request = false): NodeJS.ProcessEnv {
  const inherited = process.env.NODE_OPTIONS ? `${process.env.NODE_OPTIONS} ` : '';
  return {
    ...process.env,
    NODE_OPTIONS: `${inherited}--require ${JSON.stringify(preload)}`,
    LATHE_TRACE_SQL: sql,
    LATHE_TRACE_LOG: log,
    LATHE_TRACE_ROOT: resolve(checkout),
    ...(request ? { LATHE_TRACE_REQUEST: '1' } : {}),
  };
}

function lathe(checkout: string, args: string[], env: NodeJS.ProcessEnv) {
  const entry = join(resolve(checkout), 'electron', 'cli', 'run.ts');
  return spawn(process.execPath, ['--import', 'tsx', entry, ...args], {
    cwd: resolve(checkout),
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

function readTrace(log: string, checkout: string): CallPath[] {
  return readFileSync(log, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => pathOf(JSON.parse(line) as TraceLine, checkout));
}

/** The path of the metric row's INSERT for one `POST /api/2.0/mlflow/runs/log-metric` through `lathe serve`. */
export async function traceLogMetric(checkout: string): Promise<CallPath> {
  const home = mkdtempSync(join(tmpdir(), 'lathe-call-path-'));
  const log = join(home, 'trace.jsonl');
  const child = lathe(
    checkout,
    ['--home', home, 'serve', '--port', '0', '--json'],
    tracedEnvironment(checkout, String.raw`^\s*INSERT\s+(OR\s+\w+\s+)?INTO\s+metrics\b`, log, true),
  );
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += String(chunk)));
  const exited = new Promise<number | null>((resolvePromise) => child.once('exit', resolvePromise));
  try {
    const line = await new Promise<string>((resolvePromise, reject) => {
      createInterface({ input: child.stdout }).once('line', resolvePromise);
      void exited.then((code) => reject(new Error(`lathe serve exited with ${code}: ${stderr}`)));
    });
    const { url, token } = JSON.parse(line) as { url: string; token: string };
    const post = async (path: string, body: unknown): Promise<Record<string, unknown>> => {
      const response = await fetch(new URL(`/api/2.0/mlflow/${path}`, new URL(url).origin), {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
      const json = (await response.json()) as Record<string, unknown>;
      if (response.status !== 200) throw new Error(`${path}: ${response.status} ${JSON.stringify(json)}`);
      return json;
    };
    const { experiment_id } = await post('experiments/create', { name: 'call-path' });
    const { run } = (await post('runs/create', { experiment_id, start_time: Date.now() })) as {
      run: { info: { run_id: string } };
    };
    // The body MLflow's Python client sends for mlflow.log_metric("loss", 0.5, step=1).
    await post('runs/log-metric', {
      run_id: run.info.run_id,
      run_uuid: run.info.run_id,
      key: 'loss',
      value: 0.5,
      timestamp: Date.now(),
      step: 1,
    });
    const paths = readTrace(log, checkout);
    if (paths.length !== 1) throw new Error(`expected one metric INSERT, recorded ${paths.length}`);
    return paths[0]!;
  } finally {
    child.kill('SIGTERM');
    await exited;
    rmSync(home, { recursive: true, force: true });
  }
}

/** The path of the dataset version row's INSERT for one `lathe data add customers.csv --name customers`. */
export async function traceDataAdd(checkout: string): Promise<CallPath> {
  const home = mkdtempSync(join(tmpdir(), 'lathe-call-path-'));
  const log = join(home, 'trace.jsonl');
  const file = join(home, 'customers.csv');
  copyFileSync(sample, file);
  try {
    const child = lathe(
      checkout,
      ['--home', home, '--json', 'data', 'add', file, '--name', 'customers'],
      tracedEnvironment(checkout, String.raw`^\s*INSERT\s+INTO\s+dataset_versions\b`, log),
    );
    let output = '';
    child.stdout.on('data', (chunk) => (output += String(chunk)));
    child.stderr.on('data', (chunk) => (output += String(chunk)));
    const code = await new Promise<number | null>((resolvePromise) => child.once('exit', resolvePromise));
    if (code !== 0) throw new Error(`lathe data add exited with ${code}: ${output}`);
    const paths = readTrace(log, checkout);
    if (paths.length !== 1) throw new Error(`expected one dataset version INSERT, recorded ${paths.length}`);
    return paths[0]!;
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const checkout = resolve(process.argv[2] ?? fileURLToPath(new URL('..', import.meta.url)));
  for (const [name, trace] of [
    ['MLflow runs/log-metric', traceLogMetric],
    ['CLI data add', traceDataAdd],
  ] as const) {
    const path = await trace(checkout);
    process.stdout.write(`${name}: ${fileCount(path)} files, revisited: ${revisits(path).join(', ') || 'none'}\n`);
    for (const frame of path.frames) process.stdout.write(`  ${frame}\n`);
    if (path.ran)
      process.stdout.write(`  ran from the request's hand-over (${path.ran.length}): ${path.ran.join(' ')}\n`);
  }
}
