/**
 * TensorFlow.js backends, best first: tfjs-node-gpu (CUDA) > webgpu on a hardware adapter (Dawn: Vulkan,
 * Metal, D3D12; any GPU vendor) > tfjs-node (native CPU) > wasm (SIMD) > cpu (plain JS). Each is probed by
 * really loading it (WebGPU in a child process, see webgpu.ts), so what `lathe doctor` reports is what
 * training gets. A software WebGPU adapter (Mesa llvmpipe) is available when forced but never chosen by
 * itself: it is slower than wasm.
 */
import { probeWebGpu, type WebGpuAdapter, type WebGpuProbe } from './webgpu.js';

/** A training backend name as recorded on runs. */
export type TrainingBackendName = 'tensorflow-gpu' | 'webgpu' | 'tensorflow' | 'wasm' | 'cpu';

/** The order in which backends are preferred. */
export const trainingBackendOrder: readonly TrainingBackendName[] = [
  'tensorflow-gpu',
  'webgpu',
  'tensorflow',
  'wasm',
  'cpu',
];

/** What probing one backend found. */
export interface TrainingBackendProbe {
  name: TrainingBackendName;
  /** It loads here: `--backend <name>` works. */
  available: boolean;
  /** It is picked without `--backend` when nothing better is available (false for a software adapter). */
  automatic: boolean;
  detail: string;
  /** The WebGPU adapter, for `webgpu`. */
  adapter?: WebGpuAdapter;
}

const packageOf: Record<TrainingBackendName, string> = {
  'tensorflow-gpu': '@tensorflow/tfjs-node-gpu',
  webgpu: '@tensorflow/tfjs-backend-webgpu',
  tensorflow: '@tensorflow/tfjs-node',
  wasm: '@tensorflow/tfjs-backend-wasm',
  cpu: '@tensorflow/tfjs',
};

/** Stands in for the WebGPU probe (tests: a machine without the GL libraries). */
export type WebGpuProber = () => Promise<WebGpuProbe>;

/** Probes every backend. Loading tfjs-node binds libtensorflow, so this takes a moment and is cached. */
export async function probeTrainingBackends(probeGpu?: WebGpuProber): Promise<TrainingBackendProbe[]> {
  if (probeGpu) return Promise.all(trainingBackendOrder.map((name) => probeOne(name, probeGpu)));
  cached ??= Promise.all(trainingBackendOrder.map((name) => probeOne(name, () => probeWebGpu())));
  return cached;
}
let cached: Promise<TrainingBackendProbe[]> | undefined;

/** The backend training would use: the forced one when given (and available), else the best automatic one. */
export async function chooseTrainingBackend(forced?: string, probeGpu?: WebGpuProber): Promise<TrainingBackendName> {
  return (await chooseTrainingBackendProbe(forced, probeGpu)).name;
}

/** Like {@link chooseTrainingBackend}, with the probe (its detail and, for webgpu, the adapter). */
export async function chooseTrainingBackendProbe(
  forced?: string,
  probeGpu?: WebGpuProber,
): Promise<TrainingBackendProbe> {
  const probes = await probeTrainingBackends(probeGpu);
  if (forced) {
    const probe = probes.find((p) => p.name === forced);
    if (!probe) throw new Error(`Unknown backend "${forced}"; choose one of ${trainingBackendOrder.join(', ')}`);
    if (!probe.available) throw new Error(`Backend "${forced}" is not available here: ${probe.detail}`);
    return probe;
  }
  return probes.find((p) => p.available && p.automatic) ?? probes.find((p) => p.name === 'cpu')!;
}

async function probeOne(name: TrainingBackendName, probeGpu: WebGpuProber): Promise<TrainingBackendProbe> {
  const pkg = packageOf[name];
  try {
    if (name === 'webgpu') {
      await import('@tensorflow/tfjs-backend-webgpu');
      const gpu = await probeGpu();
      if (!gpu.adapter) return { name, available: false, automatic: false, detail: gpu.line };
      const automatic = !gpu.adapter.software;
      return { name, available: true, automatic, detail: gpu.line, adapter: gpu.adapter };
    }
    if (name === 'wasm') {
      const tf = await import('@tensorflow/tfjs');
      await import('@tensorflow/tfjs-backend-wasm');
      const ok = await tf.setBackend('wasm');
      await tf.ready();
      return { name, available: ok, automatic: ok, detail: ok ? `${pkg} loaded` : `${pkg} failed to initialise` };
    }
    if (name === 'cpu') {
      await import('@tensorflow/tfjs');
      return { name, available: true, automatic: true, detail: 'pure JavaScript, always available' };
    }
    await import(/* @vite-ignore */ pkg);
    return { name, available: true, automatic: true, detail: `${pkg} loaded` };
  } catch (error) {
    const message = (error as Error).message.split('\n')[0] ?? '';
    const missing = /Cannot find (module|package)/.test(message);
    return {
      name,
      available: false,
      automatic: false,
      detail: missing ? `${pkg} is not installed` : `${pkg} failed to load: ${message}`,
    };
  }
}
