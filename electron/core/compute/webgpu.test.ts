/**
 * The WebGPU probe on this machine, and on a machine without the libraries (injected): what it names, why
 * there is no adapter, and which training backend is then chosen.
 */
import { describe, expect, it } from 'vitest';
import { chooseTrainingBackend, chooseTrainingBackendProbe, probeTrainingBackends } from './training-backends.js';
import { isSoftwareAdapter, probeWebGpu, type WebGpuAdapter, type WebGpuProbe } from './webgpu.js';

const here = await probeWebGpu();
if (!here.adapter) console.warn(`WebGPU tests on this machine are skipped: ${here.line}. Training falls back to wasm.`);

describe.skipIf(!here.adapter)('the WebGPU adapter of this machine', () => {
  it('is named with its backend and whether it is software', () => {
    const adapter = here.adapter!;
    expect(['vulkan', 'metal', 'd3d12', 'opengles']).toContain(adapter.backend);
    expect(adapter.device || adapter.vendor || adapter.description).not.toBe('');
    expect(adapter.software).toBe(isSoftwareAdapter(adapter));
    expect(here.line).toContain(adapter.software ? 'software' : 'hardware');
    expect(here.summary).toMatch(adapter.software ? / \(software\)$/ : / \(hardware\)$/);
  });
});

describe('without the libraries Dawn needs', () => {
  it('reports no adapter, the missing files and the Debian packages to install', async () => {
    const probe = await probeWebGpu({
      libraryDirs: ['/nonexistent-lathe-test'],
      attempts: [{ backend: 'opengles', featureLevel: 'compatibility' }],
    });
    expect(probe.adapter).toBeNull();
    expect(probe.summary).toBe('none');
    expect(probe.missingPackages).toEqual(['libegl1', 'libgles2', 'libegl-mesa0', 'libgl1-mesa-dri']);
    expect(probe.line).toBe(
      'no WebGPU adapter: OpenGL ES: libEGL.so.1, libGLESv2.so.2, libEGL_mesa.so.0, dri/swrast_dri.so missing ' +
        '(apt-get install libegl1 libgles2 libegl-mesa0 libgl1-mesa-dri)',
    );
  });

  it('says so when Dawn does not answer in time, without stopping this process', async () => {
    const probe = await probeWebGpu({
      attempts: [{ backend: 'opengles', featureLevel: 'compatibility' }],
      timeoutMs: 1,
    });
    expect(probe.adapter).toBeNull();
    expect(probe.line).toBe('no WebGPU adapter: Dawn gave no answer within 1 ms');
  });
});

describe('choosing a training backend from the probe', () => {
  const adapter = (software: boolean): WebGpuAdapter => ({
    vendor: software ? '' : 'nvidia',
    architecture: software ? '' : 'ampere',
    device: software ? 'llvmpipe' : 'NVIDIA RTX A2000',
    description: '',
    backend: software ? 'opengles' : 'vulkan',
    featureLevel: software ? 'compatibility' : 'core',
    software,
  });
  const prober = (found: WebGpuAdapter | null) => async (): Promise<WebGpuProbe> => ({
    summary: found ? 'an adapter' : 'none',
    adapter: found,
    reason: found ? '' : 'OpenGL ES: libEGL.so.1 missing',
    missingPackages: found ? [] : ['libegl1'],
    line: found ? 'an adapter' : 'no WebGPU adapter: OpenGL ES: libEGL.so.1 missing (apt-get install libegl1)',
  });

  it('uses wasm when there is no adapter, and refuses --backend webgpu with the reason', async () => {
    expect(await chooseTrainingBackend(undefined, prober(null))).toBe('wasm');
    const probes = await probeTrainingBackends(prober(null));
    expect(probes.find((p) => p.name === 'webgpu')).toMatchObject({ available: false, automatic: false });
    await expect(chooseTrainingBackend('webgpu', prober(null))).rejects.toThrow(
      'Backend "webgpu" is not available here: no WebGPU adapter: OpenGL ES: libEGL.so.1 missing (apt-get install libegl1)',
    );
  });

  it('never picks a software adapter by itself, but takes it when forced', async () => {
    expect(await chooseTrainingBackend(undefined, prober(adapter(true)))).toBe('wasm');
    const forced = await chooseTrainingBackendProbe('webgpu', prober(adapter(true)));
    expect(forced.name).toBe('webgpu');
    expect(forced.adapter?.backend).toBe('opengles');
  });

  it('picks a hardware adapter before tfjs-node and wasm', async () => {
    expect(await chooseTrainingBackend(undefined, prober(adapter(false)))).toBe('webgpu');
  });
});
