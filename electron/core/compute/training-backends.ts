/**
 * TensorFlow.js backends, best first: tfjs-node-gpu (CUDA) > tfjs-node (native CPU) > wasm (SIMD) > cpu
 * (plain JS). Each is probed by really loading it, so what `lathe doctor` reports is what training gets.
 */

/** A training backend name as recorded on runs. */
export type TrainingBackendName = 'tensorflow-gpu' | 'tensorflow' | 'wasm' | 'cpu';

/** The order in which backends are preferred. */
export const trainingBackendOrder: readonly TrainingBackendName[] = ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'];

/** What probing one backend found. */
export interface TrainingBackendProbe {
  name: TrainingBackendName;
  available: boolean;
  detail: string;
}

const packageOf: Record<TrainingBackendName, string> = {
  'tensorflow-gpu': '@tensorflow/tfjs-node-gpu',
  tensorflow: '@tensorflow/tfjs-node',
  wasm: '@tensorflow/tfjs-backend-wasm',
  cpu: '@tensorflow/tfjs',
};

/** Probes every backend. Loading tfjs-node binds libtensorflow, so this takes a moment and is cached. */
export async function probeTrainingBackends(): Promise<TrainingBackendProbe[]> {
  cached ??= Promise.all(trainingBackendOrder.map(probeOne));
  return cached;
}
let cached: Promise<TrainingBackendProbe[]> | undefined;

/** The backend training would use: the forced one when given (and available), else the best available. */
export async function chooseTrainingBackend(forced?: string): Promise<TrainingBackendName> {
  const probes = await probeTrainingBackends();
  if (forced) {
    const probe = probes.find((p) => p.name === forced);
    if (!probe) throw new Error(`Unknown backend "${forced}"; choose one of ${trainingBackendOrder.join(', ')}`);
    if (!probe.available) throw new Error(`Backend "${forced}" is not available here: ${probe.detail}`);
    return probe.name;
  }
  return probes.find((p) => p.available)?.name ?? 'cpu';
}

async function probeOne(name: TrainingBackendName): Promise<TrainingBackendProbe> {
  const pkg = packageOf[name];
  try {
    if (name === 'wasm') {
      const tf = await import('@tensorflow/tfjs');
      await import('@tensorflow/tfjs-backend-wasm');
      const ok = await tf.setBackend('wasm');
      await tf.ready();
      return { name, available: ok, detail: ok ? `${pkg} loaded` : `${pkg} failed to initialise` };
    }
    if (name === 'cpu') {
      await import('@tensorflow/tfjs');
      return { name, available: true, detail: 'pure JavaScript, always available' };
    }
    await import(/* @vite-ignore */ pkg);
    return { name, available: true, detail: `${pkg} loaded` };
  } catch (error) {
    const message = (error as Error).message.split('\n')[0] ?? '';
    const missing = /Cannot find (module|package)/.test(message);
    return {
      name,
      available: false,
      detail: missing ? `${pkg} is not installed` : `${pkg} failed to load: ${message}`,
    };
  }
}
