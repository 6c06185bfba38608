/**
 * Makes TensorFlow.js's WebGPU backend work in a Node worker: Dawn's bindings (npm `webgpu`) stand in for
 * the browser's `navigator.gpu`. tfjs-backend-webgpu asks for an adapter without a feature level, which on
 * OpenGL ES (WebGPU's compatibility level only) finds none, so the wrapper adds the level the probe found.
 */
import type { DawnAttempt } from '../../compute/webgpu.js';

/** Installs `navigator.gpu` for the Dawn backend, then registers tfjs-backend-webgpu. */
export async function installWebGpu(dawn: DawnAttempt): Promise<void> {
  const { create, globals } = await import('webgpu');
  Object.assign(globalThis, globals);
  const gpu = create([`backend=${dawn.backend}`]);
  const wrapped = {
    requestAdapter: (options: GPURequestAdapterOptions = {}) =>
      gpu.requestAdapter({ ...options, featureLevel: dawn.featureLevel }),
    getPreferredCanvasFormat: () => 'rgba8unorm' as GPUTextureFormat,
    wgslLanguageFeatures: gpu.wgslLanguageFeatures,
  };
  // Node 20 has no navigator; Node 21+ has one without `gpu`.
  const host = globalThis as unknown as { navigator?: { gpu?: unknown } };
  if (host.navigator) Object.defineProperty(host.navigator, 'gpu', { value: wrapped, configurable: true });
  else host.navigator = { gpu: wrapped };
  await import('@tensorflow/tfjs-backend-webgpu');
}
