/**
 * Starts a worker thread from electron/workers/. From the built app it runs
 * dist/electron/workers/<name>.worker.js; from source (tests, tsx) it runs the .ts file through tsx,
 * so the same code path is exercised in both.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { appRoot } from '../app-root.js';
import { Worker, type WorkerOptions } from 'node:worker_threads';

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
