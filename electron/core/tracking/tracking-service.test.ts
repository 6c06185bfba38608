/** The tracking front (tracking-service.ts): a batch across runs and metrics is atomic; a purge spans all three rooms. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTempCore } from '../testing/temp-core.js';
import { errorCode as code } from '../testing/error-code.js';
import { testDatabase } from '../testing/database.js';
import type { Core } from '../core.js';

let core: Core;
let cleanup: () => void;

beforeEach(() => {
  ({ core, cleanup } = openTempCore());
});
afterEach(() => cleanup());

describe('the front: what spans rooms', () => {
  it('stores nothing of a batch when one part is bad', () => {
    const run = core.tracking.createRun({ experimentId: '0' });
    core.tracking.logParams(run.id, { lr: '0.01' });
    expect(
      code(() =>
        core.tracking.logBatch(run.id, {
          metrics: [{ key: 'loss', value: 1, step: 0, timestamp: 1 }],
          params: [{ key: 'lr', value: '0.2' }],
          tags: [{ key: 't', value: 'v' }],
        }),
      ),
    ).toBe('BAD_INPUT');
    const detail = core.tracking.getRunDetail(run.id);
    expect(detail.metrics).toEqual({});
    expect(detail.tags.t).toBeUndefined();
  });

  it('purges runs for good and removes only objects nothing else references', async () => {
    const keep = core.tracking.createRun({ experimentId: '0' });
    const gone = core.tracking.createRun({ experimentId: '0' });
    await core.tracking.logArtifactBytes(keep.id, 'shared.txt', new TextEncoder().encode('shared'));
    await core.tracking.logArtifactBytes(gone.id, 'shared.txt', new TextEncoder().encode('shared'));
    await core.tracking.logArtifactBytes(gone.id, 'own.txt', new TextEncoder().encode('own bytes'));
    core.tracking.logMetrics(gone.id, [{ key: 'm', value: 1, step: 0, timestamp: 0 }]);
    const result = core.tracking.purgeRuns([gone.id]);
    expect(result).toEqual({ runs: 1, objectsRemoved: 1, bytesFreed: 9 });
    expect(code(() => core.tracking.getRun(gone.id))).toBe('NOT_FOUND');
    expect(core.objects.usage().objects).toBe(1);
    expect(testDatabase(core).prepare('SELECT COUNT(*) AS n FROM metrics').get()).toEqual({ n: 0 });
    expect(testDatabase(core).prepare('SELECT COUNT(*) AS n FROM metric_tiles').get()).toEqual({ n: 0 });
  });
});
