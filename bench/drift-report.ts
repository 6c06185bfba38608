/**
 * One drift report as the app runs it, for `npm run bench -- drift`: the bench bundles this file next to the
 * built workers (dist/bench/) so the drift workers start from built JavaScript, not through tsx. Prints one JSON
 * line: two empty drift jobs' start-up time, then the full report's time and drifted columns.
 * Usage: node dist/bench/drift-report.js REFERENCE CURRENT HOME
 */
import { openCore } from '../electron/core/core.js';
import { runWorkerToEnd } from '../electron/core/workers/run-worker.js';
import type { DriftWorkerReply, DriftWorkerRequest } from '../electron/core/drift/drift-protocol.js';

const [referencePath, currentPath, home] = process.argv.slice(2) as [string, string, string];
const table = { path: referencePath, format: 'parquet' as const, types: {} };
let started = performance.now();
await Promise.all(
  [0, 1].map(() =>
    runWorkerToEnd<DriftWorkerRequest, DriftWorkerReply>('drift', {
      reference: table,
      current: table,
      columns: [],
      referenceRows: 1,
    }),
  ),
);
const workerStart = (performance.now() - started) / 1000;
const core = openCore({ home, shell: 'cli' });
try {
  started = performance.now();
  const report = await core.drift.run({ reference: referencePath, current: currentPath });
  const seconds = (performance.now() - started) / 1000;
  process.stdout.write(JSON.stringify({ workerStart, seconds, drifted: report.columnsDrifted }) + '\n');
} finally {
  core.dispose();
}
