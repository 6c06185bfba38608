/** Handlers for runs: search, details, metric series, artifacts, rename and permanent deletion. */
import type { trackingMethods } from '../../../shared/contract/index.js';
import type { Core } from '../core.js';
import type { HandlersFor } from './handlers.js';

/** runs.* */
export function trackingHandlers(core: Core): HandlersFor<keyof typeof trackingMethods> {
  return {
    'runs.search': (input) => core.tracking.searchRuns(input),
    'runs.get': (input) => core.tracking.getRunDetail(input.id),
    'runs.keys': (input) => core.tracking.keys(input.experimentIds),
    'runs.metricHistory': (input) =>
      core.tracking.metricHistory(input.runId, input.key, { maxPoints: input.maxPoints, xAxis: input.xAxis }),
    'runs.groupedHistory': (input) =>
      core.tracking.groupedHistory(input.runIds, input.key, input.groupBy, input.maxPoints),
    'runs.artifacts': (input) => core.tracking.listArtifacts(input.runId, input.path ?? ''),
    'runs.artifactPreview': (input) => core.tracking.artifactPreview(input.runId, input.path, input.maxBytes),
    'runs.rename': (input) => core.tracking.updateRun(input.id, { name: input.name }),
    'runs.purge': (input) => core.tracking.purgeRuns(input.ids),
  };
}
