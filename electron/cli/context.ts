/** Opens the core for one CLI command, from the global --home option or LATHE_HOME. */
import { openCore, type Core } from '../core/core.js';
import { resolveHomePath } from '../core/home.js';
import type { GlobalOptions } from './output.js';

/** The home a command works on. */
export function homeFrom(options: GlobalOptions): string {
  return resolveHomePath({ flag: options.home, env: process.env.LATHE_HOME });
}

/** Opens the core for a command that closes it itself (`await core.dispose()` in a finally). */
export function openCommandCore(options: GlobalOptions, open: { collectOnOpen?: boolean } = {}): Core {
  return openCore({ home: homeFrom(options), shell: 'cli', ...open });
}

/** Runs `work` with an open core and always closes it. */
export async function withCore<T>(
  options: GlobalOptions,
  work: (core: Core) => T | Promise<T>,
  open: { collectOnOpen?: boolean } = {},
): Promise<T> {
  const core = openCommandCore(options, open);
  try {
    return await work(core);
  } finally {
    await core.dispose();
  }
}
