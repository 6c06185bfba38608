/**
 * The object store is shared by every feature: bytes stored once may be a dataset version, a run
 * artifact and a model at the same time. Deleting one owner for good must never remove bytes another
 * owner still references.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { openTempCore } from '../testing/temp-core.js';
import type { Core } from '../core.js';

const sample = new URL('../../../resources/samples/customers-v1.csv', import.meta.url).pathname;
const sampleHash = createHash('sha256').update(readFileSync(sample)).digest('hex');

let core: Core;
let cleanup: () => void;
beforeEach(() => ({ core, cleanup } = openTempCore()));
afterEach(() => cleanup());

describe('shared objects', () => {
  it('purging a run keeps an artifact whose bytes are also a dataset version', async () => {
    await core.datasets.add({ path: sample, name: 'customers' });
    const run = core.tracking.createRun({ experimentId: '0' });
    await core.tracking.logArtifactFile(run.id, 'inputs/customers.csv', sample);
    expect(core.objects.has(sampleHash)).toBe(true);
    core.tracking.purgeRuns([run.id]);
    expect(core.objects.has(sampleHash)).toBe(true);
    expect(core.datasets.resolve('customers').hash).toBe(sampleHash);
  });

  it('purging the only owner of an artifact removes its bytes', async () => {
    const run = core.tracking.createRun({ experimentId: '0' });
    await core.tracking.logArtifactBytes(run.id, 'notes.txt', new TextEncoder().encode('only here'));
    const hash = createHash('sha256').update('only here').digest('hex');
    expect(core.objects.has(hash)).toBe(true);
    const result = core.tracking.purgeRuns([run.id]);
    expect(result.objectsRemoved).toBe(1);
    expect(core.objects.has(hash)).toBe(false);
  });
});
