import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openCore, type Core } from '../core.js';

let core: Core;
let home: string;
beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'lathe-watch-'));
  // The core wires the watcher itself (no shell does); a short poll keeps the test quick.
  core = openCore({ home, shell: 'web', changePollMs: 20 });
});
afterEach(async () => {
  await core.dispose();
  rmSync(home, { recursive: true, force: true });
});

/** Resolves on the next `store.changed` of `on`. */
function nextStoreChange(on: Core): Promise<void> {
  return new Promise((resolve) => {
    const stop = on.events.onDidEmit((event) => {
      if (event !== 'store.changed') return;
      stop();
      resolve();
    });
  });
}

describe('the change watcher wired by the core', () => {
  it('emits store.changed when another process commits, and not for the core’s own writes', async () => {
    const seen: string[] = [];
    core.events.onDidEmit((event) => seen.push(event));
    core.experiments.create('own-write');
    const changed = nextStoreChange(core);
    const other = openCore({ home, shell: 'cli' });
    other.experiments.create('from-elsewhere');
    await other.dispose();
    await changed;
    expect(seen.filter((event) => event === 'store.changed')).toHaveLength(1);
  });
});
