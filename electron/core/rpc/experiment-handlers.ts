/** Handlers for the app's own facts and for experiments. */
import type { experimentMethods } from '../../../shared/contract/index.js';
import type { Core } from '../core.js';
import { chooseTrainingBackend } from '../compute/training-backends.js';
import { probeInference } from '../compute/inference-providers.js';
import { probeWebGpu } from '../compute/webgpu.js';
import type { HandlersFor } from './handlers.js';
import { trackingConnection } from '../server-file.js';

/** app.* and experiments.* */
export function experimentHandlers(core: Core, version: string): HandlersFor<keyof typeof experimentMethods> {
  return {
    'app.info': async () => ({
      version,
      home: core.home,
      databasePath: core.databasePath,
      schemaVersion: core.schemaVersion(),
      shell: core.shell === 'electron' ? 'electron' : 'web',
      backend: await backendInfo(),
    }),
    'app.trackingConnection': () => trackingConnection(core.home),
    'experiments.list': (input) => core.experiments.list(input),
    'experiments.search': (input) => core.experiments.search(input),
    'experiments.create': (input) => core.experiments.create(input.name),
    'experiments.rename': (input) => core.experiments.rename(input.id, input.name),
    'experiments.delete': (input) => core.experiments.delete(input.id),
    'experiments.restore': (input) => core.experiments.restore(input.id),
  };
}

/** The backends the status bar names; each probe runs once per process and is cached. */
async function backendInfo() {
  const [training, inference, gpu] = await Promise.all([chooseTrainingBackend(), probeInference(), probeWebGpu()]);
  return { training, inference: inference.chosen, gpu: gpu.summary, gpuDetail: gpu.line };
}
