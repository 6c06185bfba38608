/** MLflow's artifacts/list: entries one level at a time; bad paths, Unicode look-alikes included, are 400. */
import { describe, expect, it } from 'vitest';
import { call, get, startRun, useMlflowServer } from './testing/mlflow-server.js';

const server = useMlflowServer();

describe('artifacts/list', () => {
  it('lists directories first, then files with their sizes, one level at a time', async () => {
    const { runId } = await startRun('exp-artifact-list');
    const tracking = server.serving().core.tracking;
    await tracking.logArtifactBytes(runId, 'model/weights.bin', new Uint8Array(3));
    await tracking.logArtifactBytes(runId, 'notes.txt', new Uint8Array(5));
    const root = await get('artifacts/list', { run_id: runId });
    expect(root.json.files).toEqual([
      { path: 'model', is_dir: true },
      { path: 'notes.txt', is_dir: false, file_size: 5 },
    ]);
    const inside = await get('artifacts/list', { run_id: runId, path: 'model/' });
    expect(inside.json.files).toEqual([{ path: 'model/weights.bin', is_dir: false, file_size: 3 }]);
  });

  it('answers 400 to traversal and to Unicode look-alikes of "." and "/", listing or uploading', async () => {
    const { experimentId, runId } = await startRun('exp-artifact-lookalikes');
    for (const path of ['../x', '\uFF0E\uFF0E/x', 'a\u2215b', 'a\uFF3Cb']) {
      const listed = await get('artifacts/list', { run_id: runId, path });
      expect(listed.status, escape(path)).toBe(400);
      expect(listed.json.error_code).toBe('INVALID_PARAMETER_VALUE');
    }
    const fullWidthDots = encodeURIComponent('\uFF0E\uFF0E');
    const upload = await call(
      'PUT',
      `/api/2.0/mlflow-artifacts/artifacts/${experimentId}/${runId}/artifacts/${fullWidthDots}/x.txt`,
      Buffer.from('x'),
      { 'Content-Type': 'application/octet-stream' },
    );
    expect(upload.status).toBe(400);
    expect(server.serving().core.tracking.listArtifacts(runId)).toEqual([]);
  });
});
