/** Test helpers: a core over a fresh temporary home, removed afterwards. Used by unit tests only. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import { openCore, type Core } from '../core.js';
import { createDispatch, type Dispatch } from '../rpc/dispatch.js';
import { createHandlers } from '../rpc/handlers.js';

/** A core on its own temporary home, and a cleanup. */
export function openTempCore(): { core: Core; home: string; cleanup: () => Promise<void> } {
  const home = mkdtempSync(join(tmpdir(), 'lathe-test-'));
  const core = openCore({ home, shell: 'cli' });
  return {
    core,
    home,
    async cleanup() {
      await core.dispose();
      rmSync(home, { recursive: true, force: true });
    },
  };
}

/**
 * For a test file of contract handlers: registers vitest hooks that open a temporary core and a dispatcher
 * over every handler before each test, and remove them after it. Read `core` and `dispatch` inside tests.
 */
export function useTempDispatch(): { readonly core: Core; readonly dispatch: Dispatch } {
  let current: { core: Core; dispatch: Dispatch; cleanup: () => Promise<void> } | undefined;
  beforeEach(() => {
    const { core, cleanup } = openTempCore();
    current = { core, cleanup, dispatch: createDispatch(createHandlers(core, '0.0.0-test')) };
  });
  afterEach(async () => {
    await current?.cleanup();
    current = undefined;
  });
  const opened = () => {
    if (!current) throw new Error('useTempDispatch: core and dispatch exist only inside a test');
    return current;
  };
  return {
    get core() {
      return opened().core;
    },
    dispatch: (method, payload) => opened().dispatch(method, payload),
  };
}
