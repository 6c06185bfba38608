/** ONNX Runtime providers: the WebGPU check's model is valid, and a forced provider that cannot run is refused. */
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { LatheError } from '../../../shared/errors.js';
import { chooseInferenceProviders, identityModel, probeInference } from './inference-providers.js';

const unusable = (await probeInference()).details.filter(
  (d) => (d.name === 'cuda' || d.name === 'webgpu') && !d.usable,
);
if (unusable.length === 0) console.warn('Every GPU provider is usable on this machine: the refusal test is skipped.');

describe('inference providers', () => {
  it('probes WebGPU with a model ONNX Runtime can open and run (so "no adapter" is never a bad model)', async () => {
    const session = await ort.InferenceSession.create(identityModel(), { executionProviders: ['cpu'] });
    const out = await session.run({ x: new ort.Tensor('float32', Float32Array.of(2.5), [1]) });
    expect(Array.from(out.y!.data as Float32Array)).toEqual([2.5]);
    await session.release();
  });

  it('always offers CPU, and gives the best usable provider first', async () => {
    const probe = await probeInference();
    const chosen = await chooseInferenceProviders();
    expect(chosen.at(-1)).toBe('cpu');
    expect(chosen[0]).toBe(probe.chosen);
    expect(await chooseInferenceProviders('cpu')).toEqual(['cpu']);
  });

  it.skipIf(unusable.length === 0)('refuses a forced provider that cannot run here, saying why', async () => {
    for (const d of unusable) {
      const error = await chooseInferenceProviders(d.name as 'cuda' | 'webgpu').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(LatheError);
      expect((error as LatheError).message).toBe(
        `ONNX Runtime's ${d.name} provider is not available here: ${d.detail}`,
      );
    }
  });
});
