/**
 * MLflow's tracking REST API on the `lathe serve` port, so `MLFLOW_TRACKING_URI=http://127.0.0.1:<port>`
 * with `MLFLOW_TRACKING_TOKEN=<token>` makes existing Python scripts log into Lathe. Field names and
 * semantics follow mlflow/protos/service.proto; both `/api/2.0/mlflow/` and `/ajax-api/2.0/mlflow/`
 * answer. The artifact proxy lives in artifact-proxy.ts.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Experiment, RunDetail, RunStatus } from '../../../shared/contract/index.js';
import { LatheError } from '../../../shared/errors.js';
import type { Core } from '../../core/core.js';
import { parseFilter, likeToGlob, type FilterClause } from '../../core/tracking/search-filter.js';
import { decodePageToken, encodePageToken } from '../../core/tracking/run-search.js';
import { checkArtifactPath } from '../../core/tracking/artifact-path.js';
import { checkKey, trackingLimits, type MetricInput } from '../../core/tracking/tracking-service.js';
import type { RouteHandler } from '../http-server.js';
import {
  doubleJson,
  doubleValue,
  int64Field,
  invalid,
  keyValues,
  listField,
  MlflowError,
  readFields,
  sendMlflowError,
  sendMlflowJson,
  stringField,
  type Fields,
} from './mlflow-io.js';
import { artifactProxyRoute } from './artifact-proxy.js';
import { registryRoutes } from './registry-routes.js';

/** MLflow's limit on a log-batch request body (1 MB). */
export const logBatchBodyLimit = 1024 * 1024;
/** The limit on any other MLflow JSON body. */
export const mlflowBodyLimit = 16 * 1024 * 1024;

const prefixes = ['/api/2.0/mlflow/', '/ajax-api/2.0/mlflow/'];

type Endpoint = (fields: Fields) => unknown;

/** The MLflow routes: the tracking API and the artifact proxy. */
export function mlflowRoutes(core: Core): RouteHandler[] {
  const endpoints = mlflowEndpoints(core);
  const api: RouteHandler = async (request, response, url) => {
    const prefix = prefixes.find((p) => url.pathname.startsWith(p));
    if (!prefix) return false;
    await handle(endpoints, request, response, url, url.pathname.slice(prefix.length));
    return true;
  };
  return [registryRoutes(core), api, artifactProxyRoute(core)];
}

async function handle(
  endpoints: Record<string, { methods: string[]; run: Endpoint }>,
  request: IncomingMessage,
  response: ServerResponse,
  url: URL,
  name: string,
): Promise<void> {
  try {
    const endpoint = Object.prototype.hasOwnProperty.call(endpoints, name) ? endpoints[name] : undefined;
    if (!endpoint)
      throw new MlflowError('ENDPOINT_NOT_FOUND', 404, `No MLflow endpoint ${request.method} ${url.pathname}`);
    if (!endpoint.methods.includes(request.method ?? '')) {
      response.setHeader('Allow', endpoint.methods.join(', '));
      throw new MlflowError(
        'BAD_REQUEST',
        405,
        `${request.method} is not allowed on ${url.pathname} (use ${endpoint.methods.join(' or ')})`,
      );
    }
    const fields = await readFields(request, url, name === 'runs/log-batch' ? logBatchBodyLimit : mlflowBodyLimit);
    const result = await endpoint.run(fields);
    sendMlflowJson(response, 200, result ?? {});
  } catch (error) {
    sendMlflowError(response, error);
  }
}

function runIdOf(fields: Fields): string {
  const id = stringField(fields, 'run_id') ?? stringField(fields, 'run_uuid');
  if (!id) invalid("Missing value for required parameter 'run_id'.");
  return id;
}

const runStatuses = new Set(['RUNNING', 'SCHEDULED', 'FINISHED', 'FAILED', 'KILLED']);

/** Every endpoint of the tracking API, by path after the prefix. */
export function mlflowEndpoints(core: Core): Record<string, { methods: string[]; run: Endpoint }> {
  const tracking = core.tracking;
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
      },
    };
  };

  const metricOf = (entry: unknown, index: number | undefined, defaults: { timestamp?: number } = {}): MetricInput => {
    const where = index === undefined ? '' : `metrics[${index}].`;
    if (typeof entry !== 'object' || entry === null) invalid(`${where || 'metric'} must be an object`);
    const m = entry as Fields;
    // Fast path: what every client sends (key string, value number, int64s as numbers); checked again in the core.
    if (
      typeof m.key === 'string' &&
      m.key !== '' &&
      typeof m.value === 'number' &&
      typeof m.timestamp === 'number' &&
      (typeof m.step === 'number' || m.step === undefined)
    ) {
      return { key: m.key, value: m.value, timestamp: m.timestamp, step: (m.step as number | undefined) ?? 0 };
    }
    const key = stringField(m, 'key', true);
    if (m.value === undefined || m.value === null) invalid(`Missing value for required parameter '${where}value'.`);
    const value = doubleValue(m.value, `${where}value`);
    const timestamp = int64Field(m, 'timestamp') ?? defaults.timestamp ?? Date.now();
    const step = int64Field(m, 'step') ?? 0;
    return { key, value, timestamp, step };
  };

  const endpoints: Record<string, { methods: string[]; run: Endpoint }> = {
    // ---- experiments ----
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
    'experiments/search': {
      methods: ['GET', 'POST'],
      run: (f) => searchExperiments(f),
    },
    // The npm `mlflow` client still calls the pre-2.0 list endpoint.
    'experiments/list': { methods: ['GET'], run: (f) => searchExperiments(f) },
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

    // ---- runs ----
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
    'runs/log-metric': {
      methods: ['POST'],
      run: (f) => {
        tracking.logMetrics(runIdOf(f), [metricOf(f, undefined)]);
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
    'runs/log-batch': {
      methods: ['POST'],
      run: (f) => {
        const id = runIdOf(f);
        const metrics = listField(f, 'metrics');
        const params = listField(f, 'params');
        const tags = listField(f, 'tags');
        if (metrics.length > trackingLimits.batchMetrics)
          invalid(
            `A batch logging request can contain at most ${trackingLimits.batchMetrics} metrics. Got ${metrics.length} metrics.`,
          );
        if (params.length > trackingLimits.batchParams)
          invalid(
            `A batch logging request can contain at most ${trackingLimits.batchParams} params. Got ${params.length} params.`,
          );
        if (tags.length > trackingLimits.batchTags)
          invalid(
            `A batch logging request can contain at most ${trackingLimits.batchTags} tags. Got ${tags.length} tags.`,
          );
        const total = metrics.length + params.length + tags.length;
        if (total > trackingLimits.batchItems)
          invalid(
            `A batch logging request can contain at most ${trackingLimits.batchItems} metrics, params and tags in total. Got ${total}.`,
          );
        const now = Date.now();
        tracking.logBatch(id, {
          metrics: metrics.map((m, i) => metricOf(m, i, { timestamp: now })),
          params: keyValues(params, 'params'),
          tags: keyValues(tags, 'tags'),
        });
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
        tracking.logInputs(id, datasets);
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

    // ---- metrics and artifacts ----
    'metrics/get-history': {
      methods: ['GET'],
      run: (f) => {
        const key = stringField(f, 'metric_key', true);
        const page = tracking.metricPage(runIdOf(f), key, {
          pageToken: stringField(f, 'page_token'),
          maxResults: int64Field(f, 'max_results'),
        });
        return {
          metrics: page.raw.map((p) => ({ key, value: doubleJson(p.value), timestamp: p.timestamp, step: p.step })),
          ...(page.nextPageToken ? { next_page_token: page.nextPageToken } : {}),
        };
      },
    },
    'artifacts/list': {
      methods: ['GET'],
      run: (f) => {
        const id = runIdOf(f);
        const path = checkArtifactPath((stringField(f, 'path') ?? '').replace(/\/+$/, ''), { allowEmpty: true });
        const run = tracking.getRun(id);
        const files = tracking.listArtifacts(id, path);
        return {
          root_uri: run.artifactUri,
          files: files.map((e) => ({
            path: e.path,
            is_dir: e.isDir,
            ...(e.size !== null ? { file_size: e.size } : {}),
          })),
        };
      },
    },
  };
  return endpoints;

  function searchExperiments(f: Fields) {
    const view = stringField(f, 'view_type') ?? 'ACTIVE_ONLY';
    if (!['ACTIVE_ONLY', 'DELETED_ONLY', 'ALL'].includes(view)) invalid(`Invalid view_type "${view}"`);
    const maxResults = int64Field(f, 'max_results') ?? 1000;
    if (maxResults < 1 || maxResults > 50_000)
      invalid(`Invalid value ${maxResults} for parameter 'max_results' supplied.`);
    const clauses = parseFilter(stringField(f, 'filter'), experimentAttributes);
    let list = experiments
      .list({ includeDeleted: true })
      .filter((e) => view === 'ALL' || (view === 'ACTIVE_ONLY') === (e.lifecycleStage === 'active'));
    list = list.filter((e) => clauses.every((c) => matchesExperiment(e, c, () => experiments.tags(e.id))));
    const orders = listField(f, 'order_by').map((o) =>
      /^\s*(?:attributes?\.)?(\w+)(?:\s+(ASC|DESC))?\s*$/i.exec(String(o)),
    );
    list.sort((a, b) => {
      for (const order of orders) {
        if (!order || !['name', 'experiment_id', 'creation_time', 'last_update_time'].includes(order[1]!))
          invalid('order_by for experiments must be name, experiment_id, creation_time or last_update_time');
        const field = order[1]!;
        const va =
          field === 'name'
            ? a.name
            : field === 'experiment_id'
              ? Number(a.id)
              : field === 'creation_time'
                ? a.createdAt
                : a.updatedAt;
        const vb =
          field === 'name'
            ? b.name
            : field === 'experiment_id'
              ? Number(b.id)
              : field === 'creation_time'
                ? b.createdAt
                : b.updatedAt;
        const c = va < vb ? -1 : va > vb ? 1 : 0;
        if (c !== 0) return (order[2] ?? 'ASC').toUpperCase() === 'DESC' ? -c : c;
      }
      return b.createdAt - a.createdAt || Number(b.id) - Number(a.id);
    });
    const offset = decodePageToken(stringField(f, 'page_token'));
    const page = list.slice(offset, offset + maxResults);
    return {
      experiments: page.map(experimentJson),
      ...(offset + maxResults < list.length ? { next_page_token: encodePageToken(offset + maxResults) } : {}),
    };
  }
}

const experimentAttributes = {
  name: { column: 'name', numeric: false },
  experiment_id: { column: 'experiment_id', numeric: false },
  creation_time: { column: 'creation_time', numeric: true },
  last_update_time: { column: 'last_update_time', numeric: true },
  lifecycle_stage: { column: 'lifecycle_stage', numeric: false },
};

function matchesExperiment(e: Experiment, clause: FilterClause, tags: () => Record<string, string>): boolean {
  let actual: string | number | undefined;
  if (clause.entity === 'attribute') {
    actual =
      clause.key === 'name'
        ? e.name
        : clause.key === 'experiment_id'
          ? e.id
          : clause.key === 'creation_time'
            ? e.createdAt
            : clause.key === 'last_update_time'
              ? e.updatedAt
              : e.lifecycleStage;
  } else if (clause.entity === 'tag') actual = tags()[clause.key];
  else
    throw new LatheError(
      'BAD_INPUT',
      `Experiments can be filtered by attributes and tags only, not ${clause.entity}s`,
      { field: 'filter' },
    );
  const v = clause.value;
  switch (clause.comparator) {
    case 'IS NULL':
      return actual === undefined;
    case 'IS NOT NULL':
      return actual !== undefined;
    case 'IN':
      return actual !== undefined && (v as string[]).includes(String(actual));
    case 'NOT IN':
      return actual !== undefined && !(v as string[]).includes(String(actual));
    case 'LIKE':
      return actual !== undefined && globMatch(likeToGlob(String(v)), String(actual));
    case 'ILIKE':
      return actual !== undefined && globMatch(likeToGlob(String(v).toLowerCase()), String(actual).toLowerCase());
    default: {
      if (actual === undefined) return false;
      const a = typeof v === 'number' ? Number(actual) : String(actual);
      switch (clause.comparator) {
        case '=':
          return a === v;
        case '!=':
          return a !== v;
        case '>':
          return Number(a) > (v as number);
        case '>=':
          return Number(a) >= (v as number);
        case '<':
          return Number(a) < (v as number);
        case '<=':
          return Number(a) <= (v as number);
      }
      return false;
    }
  }
}

function globMatch(glob: string, text: string): boolean {
  let pattern = '';
  for (let i = 0; i < glob.length; i += 1) {
    const c = glob[i]!;
    if (c === '[') {
      const close = glob.indexOf(']', i + 2);
      pattern += '\\' + glob.slice(i + 1, close);
      i = close;
    } else if (c === '*') pattern += '.*';
    else if (c === '?') pattern += '.';
    else pattern += c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${pattern}$`, 's').test(text);
}

function checkExperimentId(id: string): string {
  if (!/^\d{1,18}$/.test(id))
    throw new MlflowError(
      'INVALID_PARAMETER_VALUE',
      400,
      `Invalid experiment id "${id.slice(0, 50)}": it must be a number`,
    );
  return id;
}
