/** Handlers for the model registry: descriptions, tags, aliases and their history, renames and deletes. */
import type { registryMethods } from '../../../shared/contract/index.js';
import type { Core } from '../core.js';
import type { HandlersFor } from './handlers.js';
import { diffVersions } from '../registry/model-diff.js';
import { graphView, openOnnxGraph } from '../registry/onnx-graph.js';
import { diffPredictions } from '../registry/prediction-diff.js';
import { createDataResolver } from '../models/data-source.js';

/** registry.* */
export function registryHandlers(core: Core): HandlersFor<keyof typeof registryMethods> {
  return {
    'registry.create': (input) =>
      core.registry.create(input.name, { description: input.description, tags: input.tags }),
    'registry.describe': (input) => core.registry.describe(input.name, input.description),
    'registry.describeVersion': (input) => core.registry.describeVersion(input.ref, input.description),
    'registry.setTag': (input) => {
      core.registry.setTag(input.name, input.key, input.value);
      return {};
    },
    'registry.deleteTag': (input) => {
      core.registry.deleteTag(input.name, input.key);
      return {};
    },
    'registry.setAlias': (input) => core.registry.setAlias(input.ref, input.alias),
    'registry.removeAlias': (input) => core.registry.removeAlias(input.name, input.alias),
    'registry.aliasHistory': (input) => core.registry.aliasHistory(input.name, input.alias),
    'registry.mlflowFiles': (input) => core.mlflowModels.files(core.models.resolve(input.ref).id),
    'registry.diff': (input) =>
      diffVersions(
        input.a,
        input.b,
        { models: core.models, objects: core.objects, tracking: core.tracking },
        { all: input.all },
      ),
    'registry.diffPredictions': (input) =>
      diffPredictions(input.a, input.b, input.data, {
        models: core.models,
        resolveData: createDataResolver(core.datasets),
      }),
    'registry.graph': async (input) => {
      const version = core.models.resolveScorable(input.ref);
      const ref = `${version.model}@${version.version}`;
      await core.objects.assertIntact(version.hash);
      // Structure only: the weights stay on disk, so a large model's graph page costs its nodes, not its size.
      const graph = openOnnxGraph(core.objects.checkedPath(version.hash), ref);
      try {
        return graphView(graph, ref);
      } finally {
        graph.close();
      }
    },
    'registry.rename': (input) => core.registry.rename(input.name, input.newName),
    'registry.deleteModel': (input) => core.registry.deleteModel(input.name),
    'registry.deleteVersion': (input) => core.registry.deleteVersion(input.ref),
  };
}
