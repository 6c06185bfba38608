/**
 * MLflow's metric endpoints: runs/log-metric, runs/log-batch (metrics with params and tags, in one
 * transaction) and metrics/get-history. This is the hot path of a training script logging into Lathe.
 */
import type { Core } from '../../core/core.js';
import { trackingLimits, type MetricInput } from '../../core/tracking/tracking-service.js';
import {
  doubleJson,
  doubleValue,
  int64Field,
  invalid,
  keyValues,
  listField,
  runIdOf,
  stringField,
  type Endpoint,
  type Fields,
} from './mlflow-io.js';

/** MLflow's limit on a log-batch request body (1 MB). */
export const logBatchBodyLimit = 1024 * 1024;

/** The metric endpoints. */
export function metricEndpoints(core: Core): Record<string, Endpoint> {
  const tracking = core.tracking;

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
      (typeof m.step === 'number' || m.step === undefined) &&
      m.model_id === undefined &&
      m.dataset_name === undefined &&
      m.dataset_digest === undefined
    ) {
      return { key: m.key, value: m.value, timestamp: m.timestamp, step: (m.step as number | undefined) ?? 0 };
    }
    const key = stringField(m, 'key', true);
    if (m.value === undefined || m.value === null) invalid(`Missing value for required parameter '${where}value'.`);
    const value = doubleValue(m.value, `${where}value`);
    const timestamp = int64Field(m, 'timestamp') ?? defaults.timestamp ?? Date.now();
    const step = int64Field(m, 'step') ?? 0;
    // MLflow 3's Metric names the logged model it measures and the dataset (service.proto, Metric fields 6-9).
    const modelId = stringField(m, 'model_id') || undefined;
    const datasetName = stringField(m, 'dataset_name') || undefined;
    const datasetDigest = stringField(m, 'dataset_digest') || undefined;
    return {
      key,
      value,
      timestamp,
      step,
      ...(modelId ? { modelId } : {}),
      ...(datasetName ? { datasetName } : {}),
      ...(datasetDigest ? { datasetDigest } : {}),
    };
  };

  return {
    'runs/log-metric': {
      methods: ['POST'],
      run: (f) => {
        tracking.metrics.log(runIdOf(f), [metricOf(f, undefined)]);
        return {};
      },
    },
    'runs/log-batch': {
      methods: ['POST'],
      bodyLimit: logBatchBodyLimit,
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
    'metrics/get-history': {
      methods: ['GET'],
      run: (f) => {
        const key = stringField(f, 'metric_key', true);
        const page = tracking.metrics.metricPage(runIdOf(f), key, {
          pageToken: stringField(f, 'page_token'),
          maxResults: int64Field(f, 'max_results'),
        });
        return {
          metrics: page.raw.map((p) => ({ key, value: doubleJson(p.value), timestamp: p.timestamp, step: p.step })),
          ...(page.nextPageToken ? { next_page_token: page.nextPageToken } : {}),
        };
      },
    },
  };
}
