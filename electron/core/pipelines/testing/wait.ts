/** Test helpers: waiting on the executor's own signals (run events, stored state), never on fixed sleeps. */
import type { PipelineRunSummary } from '../../../../shared/contract/index.js';
import type { Core } from '../../core.js';

const final = new Set(['succeeded', 'failed', 'cancelled']);

/** Resolves with the first run of `pipeline` (after `known` runs) that ends; rejects after `timeoutMs`. */
export function waitForRunEnd(
  core: Core,
  pipeline: string,
  options: { skip?: number; timeoutMs?: number } = {},
): Promise<PipelineRunSummary> {
  const skip = options.skip ?? 0;
  return waitFor(
    core,
    () => {
      const ended = core.pipelines
        .runs(pipeline, 1000)
        .filter((run) => final.has(run.status))
        .reverse();
      return ended[skip];
    },
    options.timeoutMs ?? 120_000,
    `a run of ${pipeline} to end`,
  );
}

/** Re-checks `probe` on every pipeline event (and every 250 ms for other processes) until it gives a value. */
export function waitFor<T>(core: Core, probe: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const check = () => {
      if (settled) return;
      let value: T | undefined;
      try {
        value = probe();
      } catch (error) {
        finish();
        reject(error as Error);
        return;
      }
      if (value !== undefined) {
        finish();
        resolve(value);
      }
    };
    const stop = core.events.onDidEmit((event) => {
      if (event.startsWith('pipelines.')) check();
    });
    const interval = setInterval(check, 250);
    const timer = setTimeout(() => {
      finish();
      reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
    }, timeoutMs);
    function finish() {
      settled = true;
      stop();
      clearInterval(interval);
      clearTimeout(timer);
    }
    check();
  });
}
