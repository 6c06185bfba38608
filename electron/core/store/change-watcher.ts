/**
 * Notices writes made by other processes (a CLI command, a script, another Lathe) to the shared store:
 * SQLite's `data_version` changes whenever another connection commits. The shells turn that into a
 * `store.changed` event so open pages refresh without a reload.
 * https://www.sqlite.org/pragma.html#pragma_data_version
 */
import type { Db } from './database.js';
import type { EventBus } from '../events.js';

/** Polls data_version every `intervalMs`; returns the function that stops watching. */
export function watchStoreChanges(db: Db, events: EventBus, intervalMs = 1000): () => void {
  let last = db.pragma('data_version', { simple: true }) as number;
  const timer = setInterval(() => {
    if (!db.open) return;
    const current = db.pragma('data_version', { simple: true }) as number;
    if (current !== last) {
      last = current;
      events.emit('store.changed', {});
    }
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
