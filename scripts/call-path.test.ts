/**
 * Issue 9's "fewer files on the way down, none visited twice", measured: a real `lathe data add` and a real
 * MLflow `runs/log-metric` through `lathe serve`, each traced to the INSERT of its row (scripts/call-path.ts).
 * The old figures were measured the same way on 5a1f468, the commit before issue 9's work (docs/ARCHITECTURE.md,
 * "Call paths").
 */
import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { fileCount, pathOf, revisits, traceDataAdd, traceLogMetric } from './call-path.js';

const checkout = fileURLToPath(new URL('..', import.meta.url));

/** Measured on 5a1f468 with `npx tsx scripts/call-path.ts <worktree of 5a1f468>`. */
const before = { dataAdd: 5, logMetric: 7, logMetricRan: 6 };

/** Files a timer of `lathe serve` may run while a request is in flight (not on the request's way). */
const background = ['electron/core/store/change-watcher.ts', 'electron/core/events.ts'];

describe('call paths', () => {
  it('reads a recorded stack as visits from the entry down, and finds a file entered twice', () => {
    const root = 'file://' + checkout.replace(/\/$/, '');
    const path = pathOf(
      {
        sql: 'INSERT INTO x',
        frames: [
          { functionName: 'write', url: `${root}/electron/core/c.ts` },
          { functionName: 'inner', url: `${root}/electron/cli/a.ts` },
          { functionName: 'run', url: 'node:internal/x' },
          { functionName: 'withCore', url: `${root}/electron/cli/b.ts` },
          { functionName: 'action', url: `${root}/electron/cli/a.ts` },
          { functionName: 'parse', url: `${root}/node_modules/commander/index.js` },
          { functionName: '', url: `${root}/electron/cli/a.ts` },
        ],
      },
      checkout,
    );
    expect(path.visits).toEqual(['electron/cli/a.ts', 'electron/cli/b.ts', 'electron/cli/a.ts', 'electron/core/c.ts']);
    expect(fileCount(path)).toBe(3);
    expect(revisits(path)).toEqual(['electron/cli/a.ts']);
  });

  // Two CLI processes from source (tsx) with the inspector on: ~15 s on a loaded 2-core machine.
  it('lathe data add crosses fewer files than before issue 9, each once', { timeout: 120_000 }, async () => {
    const path = await traceDataAdd(checkout);
    expect(path.visits[0], path.frames.join('\n')).toBe('electron/cli/run.ts');
    expect(path.visits.at(-1)).toBe('electron/core/data/dataset-ingest.ts');
    expect(revisits(path), path.frames.join('\n')).toEqual([]);
    expect(fileCount(path), path.visits.join(' → ')).toBeLessThan(before.dataAdd);
  });

  it('MLflow runs/log-metric crosses fewer files than before issue 9, each once', { timeout: 120_000 }, async () => {
    const path = await traceLogMetric(checkout);
    expect(path.visits[0], path.frames.join('\n')).toBe('electron/cli/run.ts');
    // The server calls the endpoint straight from the MLflow table (mlflow-routes.ts builds it, is not under
    // the call), and the CLI's serve command only declares options for the server's own action.
    expect(path.visits, path.frames.join('\n')).toEqual([
      'electron/cli/run.ts',
      'electron/cli/lathe.ts',
      'electron/server/serve.ts',
      'electron/server/http-server.ts',
      'electron/server/mlflow/metric-endpoints.ts',
      'electron/core/tracking/metric-store.ts',
    ]);
    expect(revisits(path), path.frames.join('\n')).toEqual([]);
    // Fewer than 5a1f468's 7 although the metric endpoints and the metric store each have their own file now.
    expect(fileCount(path), path.visits.join(' → ')).toBeLessThan(before.logMetric);
    // The store's change watcher ticks every second in `lathe serve`; a tick can land inside the window.
    const ran = (path.ran ?? []).filter((file) => !background.includes(file));
    expect(ran.length, ran.join(' ')).toBeLessThanOrEqual(before.logMetricRan + 3);
    expect(ran).toContain('electron/core/tracking/metric-store.ts');
    expect(ran).not.toContain('electron/server/mlflow/registry-routes.ts');
  });
});
