/** Test helper: a core over a fresh temporary home, removed afterwards. Used by unit tests only. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openCore, type Core } from '../core.js';

/** A core on its own temporary home, and a cleanup. */
export function openTempCore(): { core: Core; home: string; cleanup: () => void } {
  const home = mkdtempSync(join(tmpdir(), 'lathe-test-'));
  const core = openCore({ home, shell: 'cli' });
  return {
    core,
    home,
    cleanup() {
      core.dispose();
      rmSync(home, { recursive: true, force: true });
    },
  };
}
