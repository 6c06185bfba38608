/**
 * Starts a worker thread from electron/workers/. From the built app it runs
 * dist/electron/workers/<name>.worker.js; from source (tests, tsx) it runs the .ts file through tsx,
 * so the same code path is exercised in both.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/** The repository (or installed app) root: the first folder above this file with Lathe's package.json. */
function appRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) || !existsSync(join(dir, 'electron'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('Cannot find the Lathe folder above ' + fileURLToPath(import.meta.url));
    dir = parent;
  }
  return dir;
}

const runningFromSource = import.meta.url.endsWith('.ts');

/** Starts `electron/workers/<name>.worker.ts` (or its built .js) with the given options. */
export function startWorker(name: string, options: WorkerOptions = {}): Worker {
  const root = appRoot();
  if (runningFromSource) {
    // `execArgv: ['--import', 'tsx']` does not reach a worker's entry module on Node 20 ("Unknown file
    // extension .ts"), so a tiny ESM shim registers tsx inside the worker and then imports the entry.
    const entry = pathToFileURL(join(root, 'electron', 'workers', `${name}.worker.ts`)).href;
    const shim = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(entry)}); })`;
    return new Worker(shim, { ...options, eval: true });
  }
  return new Worker(join(root, 'dist', 'electron', 'workers', `${name}.worker.js`), options);
}
