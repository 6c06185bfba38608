/** Maps every contract method to the core service that answers it. Each feature's handlers live in their own file. */
import type { MethodName, MethodOutput, methods } from '../../../shared/contract/index.js';
import type { z } from 'zod';
import type { Core } from '../core.js';
import { experimentHandlers } from './experiment-handlers.js';
import { datasetHandlers } from './dataset-handlers.js';
import { trackingHandlers } from './tracking-handlers.js';
import { modelHandlers } from './model-handlers.js';
import { lineageHandlers } from './lineage-handlers.js';
import { driftHandlers } from './drift-handlers.js';
import { monitorHandlers } from './monitor-handlers.js';
import { registryHandlers } from './registry-handlers.js';
import { validationHandlers } from './validation-handlers.js';
import { bundleHandlers } from './bundle-handlers.js';

/** The parsed input of a method. */
export type ParsedInput<M extends MethodName> = z.output<(typeof methods)[M]['input']>;

/** A handler for each method of `M`. */
export type HandlersFor<M extends MethodName> = {
  [K in M]: (input: ParsedInput<K>) => MethodOutput<K> | Promise<MethodOutput<K>>;
};

/** One handler per method. */
export type Handlers = HandlersFor<MethodName>;

/** Builds the handlers over a core. `version` is the app's version from package.json. */
export function createHandlers(core: Core, version: string): Handlers {
  return {
    ...experimentHandlers(core, version),
    ...datasetHandlers(core),
    ...trackingHandlers(core),
    ...modelHandlers(core),
    ...lineageHandlers(core),
    ...driftHandlers(core),
    ...monitorHandlers(core),
    ...registryHandlers(core),
    ...validationHandlers(core),
    ...bundleHandlers(core),
  };
}
