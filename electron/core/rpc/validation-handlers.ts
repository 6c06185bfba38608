/** Handlers for validation suites, reports and alias gates. */
import type { validationMethods } from '../../../shared/contract/index.js';
import type { Core } from '../core.js';
import type { HandlersFor } from './handlers.js';

/** validation.* */
export function validationHandlers(core: Core): HandlersFor<keyof typeof validationMethods> {
  return {
    'validation.run': (input) => core.validation.run(input),
    'validation.cancel': (input) => core.validation.cancel(input.ref),
    'validation.list': (input) => core.validation.list(input.ref),
    'validation.get': (input) => core.validation.get(input.id),
    'validation.html': (input) => core.validation.html(input.id),
    'validation.defaultSuite': (input) => core.validation.defaultSuite(input.ref),
    'validation.checkSuite': (input) => ({
      problems: core.validation.checkSuite(input.ref, input.suite, {
        holdout: input.holdout,
        baseline: input.baseline,
      }),
    }),
    'validation.gates': () => core.validation.gates.list(),
    'validation.setGate': (input) => core.validation.gates.set(input),
    'validation.removeGate': (input) => core.validation.gates.remove(input),
  };
}
