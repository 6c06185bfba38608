/** Handlers for pipelines: definitions, runs, trigger and cancel. */
import type { pipelineMethods } from '../../../shared/contract/index.js';
import type { Core } from '../core.js';
import type { HandlersFor } from './handlers.js';

/** pipelines.* */
export function pipelineHandlers(core: Core): HandlersFor<keyof typeof pipelineMethods> {
  return {
    'pipelines.list': () => core.pipelines.list(),
    'pipelines.get': (input) => core.pipelines.get(input.name),
    'pipelines.check': (input) => core.pipelines.check(input.yaml, input.file),
    'pipelines.save': (input) => core.pipelines.save(input.yaml, input.file),
    'pipelines.delete': (input) => core.pipelines.delete(input.name),
    'pipelines.runs': (input) => core.pipelines.runs(input.pipeline, input.limit),
    'pipelines.run': (input) => core.pipelines.run(input.id),
    'pipelines.trigger': (input) => core.pipelines.trigger(input.name, input.values),
    'pipelines.cancel': (input) => core.pipelines.cancel(input.id),
  };
}
