/**
 * MLflow 3's logged-models endpoints (service.proto: create, get, search, finalize, delete, params, tags)
 * and runs/outputs. `mlflow.<flavor>.log_model` creates a logged model here, uploads its files to
 * `mlflow-artifacts:/<experiment>/models/<id>/artifacts` through the proxy (logged-model-artifacts.ts),
 * finalizes it and records it as the run's output; without these, autolog and log_model fail.
 */
import type { Core } from '../../core/core.js';
import type { LoggedModel, LoggedModelStatus } from '../../core/registry/logged-model-service.js';
import { doubleJson, int64Field, invalid, keyValues, listField, stringField } from './mlflow-io.js';
import type { RegistryEndpoint } from './registry-json.js';

/** The LoggedModel message. */
export function loggedModelJson(model: LoggedModel): Record<string, unknown> {
  const pairs = (record: Record<string, string>) => Object.entries(record).map(([key, value]) => ({ key, value }));
  return {
    info: {
      model_id: model.id,
      experiment_id: model.experimentId,
      name: model.name,
      creation_timestamp_ms: model.createdAt,
      last_updated_timestamp_ms: model.updatedAt,
      artifact_uri: model.artifactUri,
      status: `LOGGED_MODEL_${model.status === 'FAILED' ? 'UPLOAD_FAILED' : model.status}`,
      ...(model.modelType ? { model_type: model.modelType } : {}),
      ...(model.sourceRunId ? { source_run_id: model.sourceRunId } : {}),
      ...(model.statusMessage ? { status_message: model.statusMessage } : {}),
      tags: pairs(model.tags),
      registrations: model.registrations.map((r) => ({ name: r.name, version: String(r.version) })),
    },
    data: {
      params: pairs(model.params),
      // The Metric message, as MLflow answers a logged model's metrics (service.proto).
      metrics: model.metrics.map((m) => ({
        key: m.key,
        value: doubleJson(m.value),
        timestamp: m.timestamp,
        step: m.step,
        run_id: m.runId,
        model_id: model.id,
        ...(m.datasetName !== null ? { dataset_name: m.datasetName } : {}),
        ...(m.datasetDigest !== null ? { dataset_digest: m.datasetDigest } : {}),
      })),
    },
  };
}

/** LoggedModelStatus from its protobuf JSON name or number. */
function statusOf(value: unknown): LoggedModelStatus {
  const names: Record<string, LoggedModelStatus> = {
    LOGGED_MODEL_PENDING: 'PENDING',
    '1': 'PENDING',
    LOGGED_MODEL_READY: 'READY',
    '2': 'READY',
    LOGGED_MODEL_UPLOAD_FAILED: 'FAILED',
    '3': 'FAILED',
  };
  const status = names[String(value)];
  if (!status)
    invalid(
      `Invalid value ${JSON.stringify(value)} for parameter 'status' supplied: use LOGGED_MODEL_READY or LOGGED_MODEL_UPLOAD_FAILED`,
    );
  return status;
}

/**
 * The logged-models endpoints. Paths with `{model_id}` are matched by the MLflow table (`matchEndpoint` in
 * mlflow-routes.ts), which passes the id (and a tag key) as `params`.
 */
export function loggedModelEndpoints(core: Core): Record<string, RegistryEndpoint> {
  const models = core.loggedModels;
  const pairs = (fields: Record<string, unknown>, name: string) => keyValues(listField(fields, name), name);
  return {
    'logged-models': {
      methods: ['POST'],
      run: (fields) => ({
        model: loggedModelJson(
          models.create({
            experimentId: stringField(fields, 'experiment_id', true),
            name: stringField(fields, 'name') || undefined,
            modelType: stringField(fields, 'model_type') || undefined,
            sourceRunId: stringField(fields, 'source_run_id') || undefined,
            params: pairs(fields, 'params'),
            tags: pairs(fields, 'tags'),
          }),
        ),
      }),
    },
    'logged-models/search': {
      methods: ['POST'],
      run: (fields) => {
        const orderBy = listField(fields, 'order_by').map((item, index) => {
          if (typeof item !== 'object' || item === null) invalid(`order_by[${index}] must be an object`);
          const entry = item as Record<string, unknown>;
          return { field: stringField(entry, 'field_name', true), ascending: entry.ascending !== false };
        });
        const found = models.search({
          experimentIds: listField(fields, 'experiment_ids').map(String),
          filter: stringField(fields, 'filter'),
          maxResults: int64Field(fields, 'max_results'),
          orderBy,
          pageToken: stringField(fields, 'page_token'),
        });
        return {
          models: found.models.map(loggedModelJson),
          ...(found.nextPageToken ? { next_page_token: found.nextPageToken } : {}),
        };
      },
    },
    'logged-models/{model_id}': {
      methods: ['GET', 'PATCH', 'DELETE'],
      run: (fields, method, [id]) => {
        if (method === 'GET') return { model: loggedModelJson(models.get(id!)) };
        if (method === 'PATCH') return { model: loggedModelJson(models.finalize(id!, statusOf(fields.status))) };
        models.delete(id!);
        return {};
      },
    },
    'logged-models/{model_id}/params': {
      methods: ['POST'],
      run: (fields, _method, [id]) => {
        models.logParams(id!, pairs(fields, 'params'));
        return {};
      },
    },
    'logged-models/{model_id}/tags': {
      methods: ['PATCH'],
      run: (fields, _method, [id]) => ({ model: loggedModelJson(models.setTags(id!, pairs(fields, 'tags'))) }),
    },
    'logged-models/{model_id}/tags/{tag_key}': {
      methods: ['DELETE'],
      run: (_fields, _method, [id, key]) => {
        models.deleteTag(id!, key!);
        return {};
      },
    },
    'runs/outputs': {
      methods: ['POST'],
      run: (fields) => {
        const outputs = listField(fields, 'models').map((item, index) => {
          if (typeof item !== 'object' || item === null) invalid(`models[${index}] must be an object`);
          const entry = item as Record<string, unknown>;
          return { modelId: stringField(entry, 'model_id', true), step: int64Field(entry, 'step') ?? 0 };
        });
        models.logOutputs(stringField(fields, 'run_id', true), outputs);
        return {};
      },
    },
  };
}
