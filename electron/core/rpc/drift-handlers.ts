/** Handlers for drift reports. */
import type { driftMethods } from '../../../shared/contract/index.js';
import type { Core } from '../core.js';
import { renderDriftHtml } from '../drift/html-report.js';
import type { HandlersFor } from './handlers.js';

/** drift.* */
export function driftHandlers(core: Core): HandlersFor<keyof typeof driftMethods> {
  return {
    'drift.run': (input) => core.drift.run(input),
    'drift.list': () => core.drift.list(),
    'drift.get': (input) => core.drift.get(input.id),
    'drift.html': (input) => {
      const report = core.drift.get(input.id);
      return { fileName: `drift-${report.id.slice(0, 8)}.html`, html: renderDriftHtml(report) };
    },
  };
}
