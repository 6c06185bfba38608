/** Run artifacts (run-artifacts.ts): store, list, preview, replace, refuse. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTempCore } from '../testing/temp-core.js';
import type { Core } from '../core.js';

let core: Core;
let cleanup: () => void;

beforeEach(() => {
  ({ core, cleanup } = openTempCore());
});
afterEach(() => cleanup());

describe('artifacts', () => {
  it('stores, lists, previews and replaces artifacts', async () => {
    const run = core.tracking.createRun({ experimentId: '0' });
    await core.tracking.artifacts.logArtifactBytes(run.id, 'model/config.json', new TextEncoder().encode('{"a":1}'));
    await core.tracking.artifacts.logArtifactBytes(run.id, 'metrics.csv', new TextEncoder().encode('a,b\n1,2\n'));
    expect(core.tracking.artifacts.listArtifacts(run.id)).toEqual([
      { path: 'model', isDir: true, size: null },
      { path: 'metrics.csv', isDir: false, size: 8 },
    ]);
    expect(core.tracking.artifacts.listArtifacts(run.id, 'model')).toEqual([
      { path: 'model/config.json', isDir: false, size: 7 },
    ]);
    const preview = await core.tracking.artifacts.artifactPreview(run.id, 'model/config.json');
    expect(preview).toMatchObject({ kind: 'json', content: '{"a":1}', truncated: false });
    expect((await core.tracking.artifacts.artifactPreview(run.id, 'metrics.csv', 3)).truncated).toBe(true);
    const png = Buffer.from(
      'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
      'base64',
    );
    await core.tracking.artifacts.logArtifactBytes(run.id, 'plots/roc.png', png);
    expect(await core.tracking.artifacts.artifactPreview(run.id, 'plots/roc.png')).toMatchObject({
      kind: 'image',
      mime: 'image/png',
      encoding: 'base64',
      content: png.toString('base64'),
    });
    await core.tracking.artifacts.logArtifactBytes(run.id, 'model.bin', new Uint8Array([0, 1, 2, 0]));
    expect((await core.tracking.artifacts.artifactPreview(run.id, 'model.bin')).kind).toBe('binary');
    const first = core.tracking.artifacts.artifact(run.id, 'metrics.csv').hash;
    await core.tracking.artifacts.logArtifactBytes(run.id, 'metrics.csv', new TextEncoder().encode('x\n'));
    expect(core.objects.has(first)).toBe(false);
  });

  it('refuses traversal, absolute paths, schemes and file/directory clashes', async () => {
    const run = core.tracking.createRun({ experimentId: '0' });
    for (const bad of [
      '../x',
      'a/../../x',
      '/etc/passwd',
      'a\\b',
      'file:/etc/passwd',
      '%2e%2e/x',
      'a#b',
      'a;b',
      '//proc/self/root',
      'a//b',
      './a',
      'C:/x',
    ]) {
      await expect(
        core.tracking.artifacts.logArtifactBytes(run.id, bad, new Uint8Array([1])),
        bad,
      ).rejects.toMatchObject({
        code: 'BAD_INPUT',
      });
    }
    await core.tracking.artifacts.logArtifactBytes(run.id, 'a/b.txt', new Uint8Array([1]));
    await expect(core.tracking.artifacts.logArtifactBytes(run.id, 'a', new Uint8Array([2]))).rejects.toMatchObject({
      code: 'BAD_INPUT',
    });
    await expect(
      core.tracking.artifacts.logArtifactBytes(run.id, 'a/b.txt/c', new Uint8Array([2])),
    ).rejects.toMatchObject({
      code: 'BAD_INPUT',
    });
    expect(core.objects.usage().objects).toBe(1);
  });
});
