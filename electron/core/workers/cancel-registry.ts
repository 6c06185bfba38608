/**
 * Long work another call can stop by a key (a version ref): what the app's Cancel buttons reach, since the
 * call that started the work is still waiting for its answer. Each piece of work gets its own signal,
 * aborted by `cancel(key)` or by the caller's own signal (a pipeline run being cancelled).
 */
export class CancelRegistry {
  private readonly running = new Map<string, Set<AbortController>>();

  /** Runs `work` under `key` with a signal that `cancel(key)` or the caller's `signal` aborts. */
  async track<T>(key: string, work: (signal: AbortSignal) => Promise<T>, signal?: AbortSignal): Promise<T> {
    const controller = new AbortController();
    const forward = () => controller.abort();
    signal?.addEventListener('abort', forward, { once: true });
    if (signal?.aborted) controller.abort();
    const runs = this.running.get(key) ?? new Set<AbortController>();
    this.running.set(key, runs.add(controller));
    try {
      return await work(controller.signal);
    } finally {
      signal?.removeEventListener('abort', forward);
      runs.delete(controller);
      if (runs.size === 0) this.running.delete(key);
    }
  }

  /** Aborts everything running under `key`; returns how many there were. */
  cancel(key: string): number {
    const runs = this.running.get(key);
    for (const controller of runs ?? []) controller.abort();
    return runs?.size ?? 0;
  }
}
