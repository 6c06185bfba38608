/**
 * Test helper run as a child process: queries through the process's data engine, and through another
 * engine in a worker thread that is terminated (so it runs no exit handler), then exits without closing either.
 */
import { Worker, isMainThread, parentPort } from 'node:worker_threads';
import { withConnection } from '../engine.js';

const rows = await withConnection(async (connection) => (await connection.runAndReadAll('SELECT 1 AS one')).getRows());
if (rows.length !== 1) process.exitCode = 1;
if (isMainThread) {
  // tsx must be registered inside the worker itself (see core/workers/worker-host.ts).
  const shim = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(import.meta.url)}); })`;
  const worker = new Worker(shim, { eval: true });
  await new Promise<void>((resolve, reject) => {
    worker.once('message', () => resolve());
    worker.once('error', reject);
  });
  await worker.terminate();
} else {
  parentPort!.postMessage('queried');
  setInterval(() => {}, 1000); // Stays alive until terminated.
}
