import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { openCore, type Core } from '../core.js';
import { openTempCore } from '../testing/temp-core.js';
import { watchStoreChanges } from './change-watcher.js';

let core: Core;
let home: string;
let cleanup: () => void;
beforeEach(() => ({ core, home, cleanup } = openTempCore()));
afterEach(() => {
  vi.useRealTimers();
  cleanup();
});

describe('watchStoreChanges', () => {
  it('emits store.changed when another connection commits, and not for nothing', async () => {
    const seen: string[] = [];
    core.events.onDidEmit((event) => seen.push(event));
    // The poll ticks are driven by hand (fake timers), so the test waits on no clock.
    vi.useFakeTimers();
    const stop = watchStoreChanges(core.db, core.events, 20);
    vi.advanceTimersByTime(100);
    expect(seen).not.toContain('store.changed');
    const other = openCore({ home, shell: 'cli' });
    other.experiments.create('from-elsewhere');
    other.dispose();
    vi.advanceTimersByTime(20);
    stop();
    expect(seen).toContain('store.changed');
  });
});
