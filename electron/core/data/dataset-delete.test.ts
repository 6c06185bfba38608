/**
 * Deleting datasets and versions: refused with the reason while a run or model was made from it, forced
 * otherwise; later versions keep their numbers and a deleted number is never handed out again; bytes
 * go only when nothing references them; lineage both ways lists what was made from a dataset.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LatheError } from '../../../shared/errors.js';
import type { Core } from '../core.js';
import { openTempCore } from '../testing/temp-core.js';

const root = join(import.meta.dirname, '..', '..', '..');
const onnx = readFileSync(join(root, 'resources', 'fixtures', 'pytorch-mlp', 'model.onnx'));

let core: Core;
let cleanup: () => void;
let dir: string;

beforeEach(() => {
  ({ core, cleanup } = openTempCore());
  dir = mkdtempSync(join(tmpdir(), 'lathe-delete-'));
});
afterEach(() => {
  cleanup();
  rmSync(dir, { recursive: true, force: true });
});

async function addVersion(name: string, content: string): Promise<{ version: number; hash: string }> {
  const path = join(dir, `${name}-${content.length}-${Math.random().toString(36).slice(2)}.csv`);
  writeFileSync(path, content);
  return core.datasets.add({ path, name });
}

/** A model version trained on `ref`, from a run, as training registers it (with its lineage edges). */
async function trainOn(ref: string): Promise<{ runId: string; model: string }> {
  const run = core.tracking.createRun({ experimentId: '0', name: 'trainer' });
  const resolved = core.datasets.resolve(ref);
  await core.models.registerTrained({
    name: 'churn',
    onnx,
    preprocessing: new TextEncoder().encode('{}'),
    task: 'classification',
    features: ['a'],
    featureSpecs: [],
    target: 'b',
    classes: ['0', '1'],
    metrics: {},
    backend: 'cpu',
    runId: run.id,
    datasetVersionId: resolved.versionId,
  });
  return { runId: run.id, model: 'churn@1' };
}

async function rejection(promise: () => unknown): Promise<LatheError> {
  try {
    await promise();
  } catch (error) {
    expect(error).toBeInstanceOf(LatheError);
    return error as LatheError;
  }
  throw new Error('expected a rejection');
}

describe('DatasetService.delete', () => {
  it('deletes a middle version: later versions keep their numbers, the chain is re-linked, bytes freed', async () => {
    await addVersion('d', 'a,b\n1,2\n');
    const second = await addVersion('d', 'a,b\n1,2\n3,4\n');
    await addVersion('d', 'a,b\n1,2\n3,4\n5,6\n');
    const stored = core.objects.pathOf(second.hash);
    expect(existsSync(stored)).toBe(true);
    const result = core.datasets.delete('d@2');
    expect(result).toMatchObject({ name: 'd', versions: [2], datasetDeleted: false, objectsRemoved: 1, orphaned: [] });
    expect(existsSync(stored)).toBe(false);
    expect(core.datasets.versions('d').map((v) => [v.version, v.parentVersion])).toEqual([
      [3, 1],
      [1, null],
    ]);
  });

  it('never hands a deleted number out again', async () => {
    await addVersion('d', 'a,b\n1,2\n');
    await addVersion('d', 'a,b\n1,2\n3,4\n');
    core.datasets.delete('d@2');
    const next = await addVersion('d', 'a,b\n9,9\n');
    expect(next.version).toBe(3);
  });

  it('keeps bytes another dataset still uses', async () => {
    const one = await addVersion('one', 'a,b\n1,2\n');
    await addVersion('two', 'a,b\n1,2\n');
    expect(core.datasets.delete('one')).toMatchObject({ datasetDeleted: true, objectsRemoved: 0 });
    expect(existsSync(core.objects.pathOf(one.hash))).toBe(true);
    expect((await core.datasets.rows('two@1', 0, 10)).rows).toEqual([[1, 2]]);
    expect(() => core.datasets.versions('one')).toThrow(/No dataset named "one"/);
  });

  it('refuses while a run or model was made from it, naming them; force deletes and lists them', async () => {
    await addVersion('d', 'a,b\n1,2\n3,4\n');
    await addVersion('d', 'a,b\n1,2\n3,4\n5,6\n');
    const { runId } = await trainOn('d@1');
    const refused = await rejection(() => core.datasets.delete('d@1'));
    expect(refused.code).toBe('CONFLICT');
    expect(refused.message).toBe(
      `d@1 cannot be deleted: run trainer (${runId.slice(0, 8)}) and model churn@1 were made from it. Delete them first, or force the delete (they stay, without their data).`,
    );
    expect(await rejection(() => core.datasets.delete('d'))).toMatchObject({ code: 'CONFLICT' });
    expect(core.datasets.versions('d')).toHaveLength(2);
    // The other version has nothing made from it.
    expect(core.datasets.delete('d@2').versions).toEqual([2]);
    const forced = core.datasets.delete('d@1', true);
    expect(forced.orphaned.map((d) => [d.entity.kind, d.entity.id === runId || d.entity.label === 'churn@1'])).toEqual([
      ['run', true],
      ['model_version', true],
    ]);
    expect(forced.datasetDeleted).toBe(true);
    expect(core.models.list().map((m) => m.name)).toEqual(['churn']);
  });

  it('names a missing version and the latest one', async () => {
    await addVersion('d', 'a,b\n1,2\n');
    expect((await rejection(() => core.datasets.delete('d@7'))).message).toBe(
      'Dataset "d" has no version 7 (latest is 1)',
    );
    expect((await rejection(() => core.datasets.delete('nope'))).code).toBe('NOT_FOUND');
  });
});

describe('DatasetService.dependents', () => {
  it('lists the runs and models made from each version as lineage entities (the renderer builds their pages)', async () => {
    await addVersion('d', 'a,b\n1,2\n3,4\n');
    const { runId } = await trainOn('d@1');
    const found = core.datasets.dependents('d');
    expect(found).toEqual([
      {
        version: 1,
        relation: 'input',
        entity: {
          kind: 'run',
          id: runId,
          label: `run trainer (${runId.slice(0, 8)})`,
          name: null,
          version: null,
          experimentId: '0',
          exists: true,
          aliases: [],
        },
      },
      expect.objectContaining({
        version: 1,
        entity: expect.objectContaining({ kind: 'model_version', label: 'churn@1', name: 'churn', version: 1 }),
      }),
    ]);
  });
});
