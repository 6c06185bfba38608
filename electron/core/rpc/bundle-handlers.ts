/** Handlers for bundles: export a version, list its exports, read one, run its self-test. */
import type { bundleMethods } from '../../../shared/contract/index.js';
import type { Core } from '../core.js';
import type { HandlersFor } from './handlers.js';

/** bundles.* */
export function bundleHandlers(core: Core): HandlersFor<keyof typeof bundleMethods> {
  return {
    'bundles.export': (input) => core.bundles.export(input),
    'bundles.list': (input) => core.bundles.list(input.ref),
    'bundles.get': (input) => core.bundles.get(input.id),
    'bundles.selftest': (input) => core.bundles.selftest(input.id),
  };
}
