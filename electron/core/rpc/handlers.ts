/** Maps every contract method to the core service that answers it. Inputs arrive already parsed. */
import type { MethodName, MethodOutput } from '../../../shared/contract.js';
import type { methods } from '../../../shared/contract.js';
import type { z } from 'zod';
import type { Core } from '../core.js';
import { chooseTrainingBackend } from '../compute/training-backends.js';
import { probeInference } from '../compute/inference-providers.js';

type ParsedInput<M extends MethodName> = z.output<(typeof methods)[M]['input']>;

/** One handler per method. */
export type Handlers = {
  [M in MethodName]: (input: ParsedInput<M>) => MethodOutput<M> | Promise<MethodOutput<M>>;
};

/** Builds the handlers over a core. `version` is the app's version from package.json. */
export function createHandlers(core: Core, version: string): Handlers {
  return {
    'app.info': async () => ({
      version,
      home: core.home,
      databasePath: core.databasePath,
      schemaVersion: core.schemaVersion(),
      shell: core.shell === 'electron' ? 'electron' : 'web',
      backend: { training: await chooseTrainingBackend(), inference: (await probeInference()).chosen },
    }),
    'experiments.list': (input) => core.experiments.list(input),
    'experiments.create': (input) => core.experiments.create(input.name),
    'experiments.rename': (input) => core.experiments.rename(input.id, input.name),
    'experiments.delete': (input) => core.experiments.delete(input.id),
    'experiments.restore': (input) => core.experiments.restore(input.id),
  };
}
