/** The isolated probe runner, in both places it runs: a child process (Node) and a worker thread (Electron). */
import { describe, expect, it } from 'vitest';
import { runIsolated } from './isolated-probe.js';

describe.each(['child', 'worker'] as const)('runIsolated in a %s', (where) => {
  it('answers with what the body returns, awaiting a dynamic import', async () => {
    const answer = await runIsolated<{ sum: number; os: string }>(
      "const os = await import('node:os'); return { sum: args[0] + args[1], os: typeof os.platform() };",
      [2, 3],
      20_000,
      where,
    );
    expect(answer).toEqual({ sum: 5, os: 'string' });
  });

  it('reports what the body threw', async () => {
    expect(await runIsolated("throw new Error('no adapter\\nsecond line')", [], 20_000, where)).toEqual({
      failed: 'no adapter',
    });
  });

  it('gives up after the timeout when the body never answers', async () => {
    expect(await runIsolated('await new Promise(() => setInterval(() => {}, 1000));', [], 300, where)).toEqual({
      failed: 'no answer within 300 ms',
    });
  });
});
