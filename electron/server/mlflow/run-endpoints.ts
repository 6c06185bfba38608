/**
 * MLflow's run endpoints (runs/*): create, get, update, delete, restore, params, tags, inputs and search.
 * Metric logging (runs/log-metric, runs/log-batch) is in metric-endpoints.ts.
 */
import type { RunDetail, RunStatus } from '../../../shared/contract/index.js';
import type { Core } from '../../core/core.js';
import { checkKey } from '../../core/tracking/tracking-service.js';
import {
  checkExperimentId,
  int64Field,
  invalid,
  keyValues,
  listField,
  runIdOf,
  stringField,
  type Endpoint,
  type Fields,
} from './mlflow-io.js';

const runStatuses = new Set(['RUNNING', 'SCHEDULED', 'FINISHED', 'FAILED', 'KILLED']);

/** The runs/* endpoints except metric logging. */
export function runEndpoints(core: Core): Record<string, Endpoint> {
  const tracking = core.tracking;

  const runInfoJson = (run: RunDetail | ReturnType<typeof tracking.getRun>) => ({
    run_id: run.id,
    run_uuid: run.id,
    run_name: run.name,
    experiment_id: run.experimentId,
    user_id: run.userId,
    status: run.status,
    start_time: run.startTime,
    ...(run.endTime !== null ? { end_time: run.endTime } : {}),
    artifact_uri: run.artifactUri,
    lifecycle_stage: run.lifecycleStage,
  });
  const runJson = (run: RunDetail) => {
    const inputs = tracking.inputs(run.id);
    const modelInputs = tracking.modelInputs(run.id);
    return {
      info: runInfoJson(run),
      data: {
        // A null value is NaN or an infinity; its text is then already protobuf JSON's spelling of it.
        metrics: Object.values(run.metrics).map((m) => ({
          key: m.key,
          value: m.value ?? m.text,
          timestamp: m.timestamp,
          step: m.step,
        })),
        params: Object.entries(run.params).map(([key, value]) => ({ key, value })),
        tags: Object.entries(run.tags).map(([key, value]) => ({ key, value })),
      },
      inputs: {
        dataset_inputs: inputs.map((d) => ({
          tags: d.tags ?? [],
          dataset: {
            name: d.name,
            digest: d.digest,
            source_type: d.sourceType,
            source: d.source,
            ...(d.schema ? { schema: d.schema } : {}),
            ...(d.profile ? { profile: d.profile } : {}),
          },
        })),
        // RunInputs.model_inputs (MLflow 3): the logged models the run used; omitted when none, as protobuf JSON does.
        ...(modelInputs.length ? { model_inputs: modelInputs.map((modelId) => ({ model_id: modelId })) } : {}),
      },
      // RunOutputs (service.proto): the logged models the run produced, as runs/outputs recorded them, so a run
      // shows the models `log_model` logged from it.
      outputs: {
        model_outputs: core.loggedModels.outputsOf(run.id).map((o) => ({ model_id: o.modelId, step: o.step })),
      },
    };
  };

  return {
    'runs/create': {
      methods: ['POST'],
      run: (f) => {
        const experimentId = checkExperimentId(stringField(f, 'experiment_id') ?? '0');
        const tags = Object.fromEntries(
          keyValues(listField(f, 'tags'), 'tags').map((t) => [checkKey(t.key, 'Tag'), t.value]),
        );
        const run = tracking.createRun({
          experimentId,
          name: stringField(f, 'run_name') || undefined,
          tags,
          startTime: int64Field(f, 'start_time'),
          userId: stringField(f, 'user_id') ?? tags['mlflow.user'] ?? '',
        });
        return { run: runJson(tracking.getRunDetail(run.id)) };
      },
    },
    'runs/get': { methods: ['GET'], run: (f) => ({ run: runJson(tracking.getRunDetail(runIdOf(f))) }) },
    'runs/update': {
      methods: ['POST'],
      run: (f) => {
        const id = runIdOf(f);
        const status = stringField(f, 'status');
        if (status !== undefined && !runStatuses.has(status))
          invalid(`Invalid value "${status}" for parameter 'status' (one of ${[...runStatuses].join(', ')})`);
        const run = tracking.updateRun(id, {
          status: status as RunStatus | undefined,
          endTime: int64Field(f, 'end_time'),
          name: stringField(f, 'run_name'),
        });
        return { run_info: runInfoJson(run) };
      },
    },
    'runs/delete': {
      methods: ['POST'],
      run: (f) => {
        tracking.deleteRun(runIdOf(f));
        return {};
      },
    },
    'runs/restore': {
      methods: ['POST'],
      run: (f) => {
        tracking.restoreRun(runIdOf(f));
        return {};
      },
    },
    'runs/log-parameter': {
      methods: ['POST'],
      run: (f) => {
        tracking.logBatch(runIdOf(f), {
          params: [{ key: stringField(f, 'key', true), value: stringField(f, 'value') ?? '' }],
        });
        return {};
      },
    },
    'runs/set-tag': {
      methods: ['POST'],
      run: (f) => {
        tracking.logBatch(runIdOf(f), {
          tags: [{ key: stringField(f, 'key', true), value: stringField(f, 'value') ?? '' }],
        });
        return {};
      },
    },
    'runs/delete-tag': {
      methods: ['POST'],
      run: (f) => {
        tracking.deleteTag(runIdOf(f), stringField(f, 'key', true));
        return {};
      },
    },
    'runs/log-inputs': {
      methods: ['POST'],
      run: (f) => {
        const id = runIdOf(f);
        const datasets = listField(f, 'datasets').map((entry, i) => {
          if (typeof entry !== 'object' || entry === null) invalid(`datasets[${i}] must be an object`);
          const d = (entry as Fields).dataset;
          if (typeof d !== 'object' || d === null) invalid(`datasets[${i}].dataset is required`);
          const ds = d as Fields;
          return {
            name: stringField(ds, 'name', true),
            digest: stringField(ds, 'digest', true),
            sourceType: stringField(ds, 'source_type', true),
            source: stringField(ds, 'source', true),
            schema: stringField(ds, 'schema'),
            profile: stringField(ds, 'profile'),
            tags: keyValues(listField(entry as Fields, 'tags'), `datasets[${i}].tags`),
          };
        });
        // MLflow 3: LogInputs.models is a list of ModelInput {model_id} (service.proto).
        const models = listField(f, 'models').map((entry, i) => {
          if (typeof entry !== 'object' || entry === null) invalid(`models[${i}] must be an object`);
          return stringField(entry as Fields, 'model_id', true);
        });
        tracking.logInputs(id, datasets, models);
        return {};
      },
    },
    'runs/search': {
      methods: ['POST', 'GET'],
      run: (f) => {
        const experimentIds = listField(f, 'experiment_ids').map((id) => checkExperimentId(String(id)));
        if (experimentIds.length === 0) invalid('experiment_ids must name at least one experiment');
        const maxResults = int64Field(f, 'max_results') ?? 1000;
        if (maxResults < 1 || maxResults > 50_000)
          invalid(`Invalid value ${maxResults} for parameter 'max_results' supplied. It must be at most 50000.`);
        const view = stringField(f, 'run_view_type') ?? 'ACTIVE_ONLY';
        const lifecycle =
          view === 'ACTIVE_ONLY'
            ? 'active'
            : view === 'DELETED_ONLY'
              ? 'deleted'
              : view === 'ALL'
                ? 'all'
                : invalid(`Invalid run_view_type "${view}"`);
        const result = tracking.searchRuns({
          experimentIds,
          filter: stringField(f, 'filter'),
          orderBy: listField(f, 'order_by').map(String),
          maxResults,
          pageToken: stringField(f, 'page_token'),
          lifecycle,
        });
        return {
          runs: result.runs.map(runJson),
          ...(result.nextPageToken ? { next_page_token: result.nextPageToken } : {}),
        };
      },
    },
  };
}
