/** validation.* over the dispatcher: strict inputs, answers that match the contract's output schemas, gates. */
import { describe, expect, it } from 'vitest';
import { methods } from '../../../shared/contract/index.js';
import { useTempDispatch } from '../testing/temp-core.js';

const fixture = new URL('../../../resources/fixtures/pytorch-mlp/model.onnx', import.meta.url).pathname;
const session = useTempDispatch();

/** The value of a call that must succeed (a failure throws its error shape, so the test shows it). */
async function call(method: string, payload: unknown): Promise<unknown> {
  const result = await session.dispatch(method, payload);
  if (!result.ok) throw new Error(`${method}: ${result.error.code} ${result.error.message}`);
  return result.value;
}

describe('validation.* over the dispatcher', () => {
  it(
    'runs a suite on an imported model and reads the report back through every method',
    { timeout: 60_000 },
    async () => {
      await session.core.models.importFile(fixture, 'mlp');
      const suite = (await call('validation.defaultSuite', { ref: 'mlp@1' })) as { yaml: string };
      expect(suite.yaml).toContain('name: default-model');
      // A model without a task: a metric check cannot apply, and the problem says so at its line.
      const checked = await call('validation.checkSuite', {
        ref: 'mlp@1',
        suite: 'name: x\nchecks:\n  - type: metric\n    metric: accuracy\n    threshold: 0.5\n',
        holdout: 'nothing@1',
      });
      expect(methods['validation.checkSuite'].output.parse(checked).problems).toEqual([
        { line: null, field: '--holdout', message: expect.stringMatching(/nothing/) },
        { line: 3, field: 'checks[0].type', message: expect.stringMatching(/needs a model with a task and a target/) },
      ]);
      const report = methods['validation.run'].output.parse(
        await call('validation.run', { ref: 'mlp@1', suite: suite.yaml }),
      );
      expect(report.checks.map((check) => [check.kind, check.passed])).toEqual([
        ['latency', true],
        ['onnx', true],
      ]);
      const listed = methods['validation.list'].output.parse(await call('validation.list', { ref: 'mlp@1' }));
      expect(listed).toEqual([expect.objectContaining({ id: report.id, suite: 'default-model', checksPassed: 2 })]);
      expect(await call('validation.get', { id: report.id })).toEqual(report);
      const html = methods['validation.html'].output.parse(await call('validation.html', { id: report.id }));
      expect(html.fileName).toBe(`validation-${report.id.slice(0, 8)}.html`);
      expect(await session.dispatch('validation.run', { ref: 'mlp@1', suite: 'x', colour: 'red' })).toMatchObject({
        ok: false,
        error: { code: 'BAD_INPUT' },
      });
    },
  );

  it('sets, lists and removes alias gates', async () => {
    await session.core.models.importFile(fixture, 'mlp');
    const gate = methods['validation.setGate'].output.parse(
      await call('validation.setGate', { model: 'mlp', alias: 'production' }),
    );
    expect(gate).toMatchObject({ model: 'mlp', alias: 'production', suite: null });
    expect(methods['validation.gates'].output.parse(await call('validation.gates', {}))).toHaveLength(1);
    expect(await session.dispatch('validation.setGate', { model: 'ghost', alias: 'production' })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
    expect(await call('validation.removeGate', { model: 'mlp', alias: 'production' })).toEqual({
      removed: true,
    });
  });
});
