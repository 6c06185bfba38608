/**
 * Test helper: exports a bundle from another process (its own clock and module load) over the same home,
 * so a test can check that two processes write byte-identical zips. Run as
 * `node --import tsx export-in-child.ts HOME REF TARGET OUT`; prints the export's JSON.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { openCore } from '../../core.js';

/** Runs this file in a child process; resolves with its exit code and output. */
export function exportInChild(
  home: string,
  ref: string,
  target: string,
  out: string,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), home, ref, target, out], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += String(chunk)));
    child.stderr.on('data', (chunk) => (stderr += String(chunk)));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [home, ref, target, out] = process.argv.slice(2) as [string, string, 'server' | 'lambda' | 'gcf', string];
  const core = openCore({ home, shell: 'cli' });
  try {
    process.stdout.write(JSON.stringify(await core.bundles.export({ ref, target, out })) + '\n');
  } finally {
    await core.dispose();
  }
}
