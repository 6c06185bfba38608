/**
 * MLflow's experiment endpoints (experiments/*): create, get, get-by-name, search, update, delete,
 * restore and tags. Search runs in the core (ExperimentService.search), with the same filter grammar and
 * evaluator as run search.
 */
import type { Experiment } from '../../../shared/contract/index.js';
import type { Core } from '../../core/core.js';
import { checkKey, trackingLimits } from '../../core/tracking/tracking-service.js';
import {
  checkExperimentId,
  int64Field,
  invalid,
  keyValues,
  listField,
  MlflowError,
  stringField,
  type Endpoint,
  type Fields,
} from './mlflow-io.js';

const viewTypes = { ACTIVE_ONLY: 'active', DELETED_ONLY: 'deleted', ALL: 'all' } as const;

/** The experiments/* endpoints. */
export function experimentEndpoints(core: Core): Record<string, Endpoint> {
  const experiments = core.experiments;

  const experimentJson = (e: Experiment) => {
    const tags = experiments.tags(e.id);
    return {
      experiment_id: e.id,
      name: e.name,
      artifact_location: `mlflow-artifacts:/${e.id}`,
      lifecycle_stage: e.lifecycleStage,
      last_update_time: e.updatedAt,
      creation_time: e.createdAt,
      ...(Object.keys(tags).length ? { tags: Object.entries(tags).map(([key, value]) => ({ key, value })) } : {}),
    };
  };
  const experimentOf = (fields: Fields) =>
    experiments.get(checkExperimentId(stringField(fields, 'experiment_id', true)));

  const search = (f: Fields) => {
    const view = stringField(f, 'view_type') ?? 'ACTIVE_ONLY';
    if (!Object.prototype.hasOwnProperty.call(viewTypes, view)) invalid(`Invalid view_type "${view}"`);
    const maxResults = int64Field(f, 'max_results') ?? 1000;
    if (maxResults < 1 || maxResults > 50_000)
      invalid(`Invalid value ${maxResults} for parameter 'max_results' supplied.`);
    const page = experiments.search({
      filter: stringField(f, 'filter'),
      orderBy: listField(f, 'order_by').map(String),
      maxResults,
      pageToken: stringField(f, 'page_token'),
      lifecycle: viewTypes[view as keyof typeof viewTypes],
    });
    return {
      experiments: page.experiments.map(experimentJson),
      ...(page.nextPageToken ? { next_page_token: page.nextPageToken } : {}),
    };
  };

  return {
    'experiments/create': {
      methods: ['POST'],
      run: (f) => {
        const name = stringField(f, 'name', true).trim();
        if (name.length > 250) invalid('Experiment name must be at most 250 characters');
        const location = stringField(f, 'artifact_location');
        // Lathe keeps artifacts itself: a client never points an experiment at a local path or another store.
        if (location)
          invalid(
            `artifact_location is not supported: Lathe stores artifacts itself (got "${location.slice(0, 100)}")`,
          );
        const tags = keyValues(listField(f, 'tags'), 'tags');
        for (const t of tags) checkKey(t.key, 'Tag');
        const experiment = experiments.create(name);
        for (const t of tags) experiments.setTag(experiment.id, t.key, t.value);
        return { experiment_id: experiment.id };
      },
    },
    'experiments/get': { methods: ['GET'], run: (f) => ({ experiment: experimentJson(experimentOf(f)) }) },
    'experiments/get-by-name': {
      methods: ['GET'],
      run: (f) => {
        const name = stringField(f, 'experiment_name', true);
        const found = experiments.findByName(name);
        if (!found || found.name !== name)
          throw new MlflowError('RESOURCE_DOES_NOT_EXIST', 404, `Could not find experiment with name '${name}'`);
        return { experiment: experimentJson(found) };
      },
    },
    'experiments/search': { methods: ['GET', 'POST'], run: search },
    // The npm `mlflow` client still calls the pre-2.0 list endpoint.
    'experiments/list': { methods: ['GET'], run: search },
    'experiments/update': {
      methods: ['POST', 'PATCH'],
      run: (f) => {
        const experiment = experimentOf(f);
        const name = stringField(f, 'new_name');
        if (name !== undefined) {
          if (name.trim() === '') invalid('new_name must not be empty');
          experiments.rename(experiment.id, name);
        }
        return {};
      },
    },
    'experiments/delete': {
      methods: ['POST'],
      run: (f) => {
        const experiment = experimentOf(f);
        if (experiment.id === '0') invalid('The default experiment cannot be deleted');
        experiments.delete(experiment.id);
        return {};
      },
    },
    'experiments/restore': {
      methods: ['POST'],
      run: (f) => {
        experiments.restore(experimentOf(f).id);
        return {};
      },
    },
    'experiments/set-experiment-tag': {
      methods: ['POST'],
      run: (f) => {
        const experiment = experimentOf(f);
        const key = checkKey(stringField(f, 'key', true), 'Tag');
        const value = stringField(f, 'value') ?? '';
        if (value.length > trackingLimits.tagValueLength)
          invalid(`Tag value is longer than ${trackingLimits.tagValueLength} characters`);
        experiments.setTag(experiment.id, key, value);
        return {};
      },
    },
    'experiments/delete-tag': {
      methods: ['POST', 'DELETE'],
      run: (f) => {
        experiments.deleteTag(experimentOf(f).id, stringField(f, 'key', true));
        return {};
      },
    },
  };
}
