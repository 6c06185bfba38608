/** Handlers for datasets. */
import type { datasetMethods } from '../../../shared/contract/index.js';
import type { Core } from '../core.js';
import type { HandlersFor } from './handlers.js';

/** datasets.* */
export function datasetHandlers(core: Core): HandlersFor<keyof typeof datasetMethods> {
  return {
    'datasets.list': () => core.datasets.list(),
    'datasets.versions': (input) => core.datasets.versions(input.name),
    'datasets.show': (input) => core.datasets.show(input.ref),
    'datasets.addFile': (input) =>
      core.datasets.add({ path: input.path, name: input.name, message: input.message, format: input.format }),
    'datasets.addSample': () => core.datasets.addSample(),
    'datasets.setColumnType': (input) => core.datasets.setColumnType(input.ref, input.column, input.type),
    'datasets.rows': (input) => core.datasets.rows(input.ref, input.offset, input.limit),
    'datasets.sql': (input) => core.datasets.sql(input.ref, input.sql, input.limit),
    'datasets.diff': (input) => core.datasets.diff(input.a, input.b, input.key),
    'datasets.delete': (input) => core.datasets.delete(input.ref, input.force === true),
    'datasets.dependents': (input) => core.datasets.dependents(input.name),
  };
}
