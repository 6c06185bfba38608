/**
 * Test helper run as a separate process: opens the core on a home and creates N experiments one write at a
 * time, so two of these running together contend for the same SQLite file (as the app and the CLI do).
 */
import { openCore } from '../core.js';

const [home, prefix, count] = process.argv.slice(2);
const core = openCore({ home: home!, shell: 'cli' });
for (let i = 0; i < Number(count); i++) {
  core.experiments.create(`${prefix}-${i}`);
  // Yield now and then so the two processes interleave rather than run back to back.
  if (i % 10 === 0) await new Promise((resolve) => setTimeout(resolve, 1));
}
core.dispose();
