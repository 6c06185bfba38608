/** Handlers for monitors and their alerts. */
import type { monitorMethods } from '../../../shared/contract/index.js';
import type { Core } from '../core.js';
import type { HandlersFor } from './handlers.js';

/** monitors.* */
export function monitorHandlers(core: Core): HandlersFor<keyof typeof monitorMethods> {
  return {
    'monitors.create': (input) => core.monitors.create(input),
    'monitors.list': () => core.monitors.list(),
    'monitors.show': (input) => core.monitors.show(input.name),
    'monitors.run': (input) => core.monitors.run(input.name),
    'monitors.alerts': () => core.monitors.alerts(),
  };
}
