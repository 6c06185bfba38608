/** MLflow's set-alias endpoint meets the same validation gate as the CLI and the app (core/validation/alias-gates.ts). */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { get, post, useMlflowServer } from './testing/mlflow-server.js';

const server = useMlflowServer();
const fixture = fileURLToPath(new URL('../../../resources/fixtures/pytorch-mlp/model.onnx', import.meta.url));

describe('registered-models/alias behind a validation gate', () => {
  it('refuses a gated alias until the version has a passing report, and lets other aliases move', async () => {
    const core = server.serving().core;
    await core.models.importFile(fixture, 'gated');
    core.validation.gates.set({ alias: 'production' });
    const refused = await post('registered-models/alias', { name: 'gated', alias: 'production', version: '1' });
    expect(refused.status).toBe(400);
    expect(refused.json).toEqual({
      error_code: 'INVALID_STATE',
      message:
        'Alias "production" of every model requires a passing validation report before it moves; gated@1: it has none. Run: lathe validate gated@1 --suite FILE',
    });
    expect((await post('registered-models/alias', { name: 'gated', alias: 'champion', version: '1' })).status).toBe(
      200,
    );
    const report = await core.validation.run({ ref: 'gated@1', suite: 'name: smoke\nchecks:\n  - type: onnx\n' });
    expect(report.passed).toBe(true);
    expect((await post('registered-models/alias', { name: 'gated', alias: 'production', version: '1' })).status).toBe(
      200,
    );
    const byAlias = await get('registered-models/alias', { name: 'gated', alias: 'production' });
    expect(byAlias.json.model_version).toMatchObject({ version: '1' });
  });
});
