/**
 * Ctrl-C (SIGINT) and SIGTERM for a command that runs long work: the first one stops the work cleanly
 * (a worker ends, a partial output is removed, a run ends KILLED) instead of killing the process mid-write.
 */

/** Calls `onStop` once on SIGINT or SIGTERM; returns the function that stops listening. */
export function interruptible(onStop: () => unknown): () => void {
  const handler = () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
    void onStop();
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
}

/** Runs `work` with a signal that SIGINT or SIGTERM aborts. */
export async function untilInterrupted<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const stop = interruptible(() => controller.abort());
  try {
    return await work(controller.signal);
  } finally {
    stop();
  }
}
