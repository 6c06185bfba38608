/**
 * Starts a worker thread from electron/workers/. From the built app it runs
 * dist/electron/workers/<name>.worker.js; from source (tests, tsx) it runs the .ts file through tsx,
 * so the same code path is exercised in both.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
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
    return new Worker(join(root, 'electron', 'workers', `${name}.worker.ts`), {
      ...options,
      execArgv: [...(options.execArgv ?? []), '--import', 'tsx'],
    });
  }
  return new Worker(join(root, 'dist', 'electron', 'workers', `${name}.worker.js`), options);
}
