/** Contract: runs of experiments, with params, tags, metrics and artifacts (MLflow's tracking model). */
import { z } from 'zod';

/** A run's status, as MLflow names them. */
export const RunStatus = z.enum(['RUNNING', 'SCHEDULED', 'FINISHED', 'FAILED', 'KILLED']);
export type RunStatus = z.infer<typeof RunStatus>;

/** A run as every shell sees it (MLflow's RunInfo). */
export const Run = z.object({
  id: z.string(),
  experimentId: z.string(),
  name: z.string(),
  status: RunStatus,
  startTime: z.number(),
  endTime: z.number().nullable(),
  userId: z.string(),
  lifecycleStage: z.enum(['active', 'deleted']),
  /** Always `mlflow-artifacts:/<experiment>/<run>/artifacts`: clients upload through the server, never to a local path. */
  artifactUri: z.string(),
});
export type Run = z.infer<typeof Run>;

/** A metric value: a number, or null where the logged value was NaN (JSON cannot carry NaN). ±Infinity become null too in JSON. */
export const MetricValue = z.number().nullable();

/** The latest point of one metric (highest step, then latest timestamp, as MLflow picks it). */
export const LatestMetric = z.object({
  key: z.string(),
  value: MetricValue,
  /** The value as text, so NaN and ±Infinity survive JSON ('NaN', 'Infinity', '-Infinity' or the number). */
  text: z.string(),
  step: z.number(),
  timestamp: z.number(),
});
export type LatestMetric = z.infer<typeof LatestMetric>;

/** A run with its params, tags and latest metrics: one row of the runs table, or the head of the run page. */
export const RunDetail = Run.extend({
  params: z.record(z.string(), z.string()),
  tags: z.record(z.string(), z.string()),
  metrics: z.record(z.string(), LatestMetric),
});
export type RunDetail = z.infer<typeof RunDetail>;

/** One point of a metric series. */
export const MetricPoint = z.object({ step: z.number(), timestamp: z.number(), value: MetricValue });
export type MetricPoint = z.infer<typeof MetricPoint>;

/** An entry of a run's artifact tree. */
export const ArtifactEntry = z.object({ path: z.string(), isDir: z.boolean(), size: z.number().nullable() });
export type ArtifactEntry = z.infer<typeof ArtifactEntry>;

const RunId = z.string().regex(/^[0-9a-f]{32}$/, 'run id must be 32 hexadecimal characters');
const ExperimentId = z.string().regex(/^\d+$/, 'experiment id must be a number');
const MetricKey = z.string().min(1).max(250);

/** Methods of runs. */
export const trackingMethods = {
  'runs.search': {
    input: z
      .object({
        experimentIds: z.array(ExperimentId).min(1).max(100),
        /** MLflow filter syntax, e.g. `metrics.acc > 0.9 and params.lr = '0.01'`. */
        filter: z.string().max(10_000).optional(),
        /** e.g. `metrics.acc DESC`, `attributes.start_time`. */
        orderBy: z.array(z.string().max(500)).max(10).optional(),
        maxResults: z.number().int().min(1).max(50_000).optional(),
        pageToken: z.string().max(200).optional(),
        /** Skip this many matches (random access for a virtualized table); pageToken wins when both are given. */
        offset: z.number().int().min(0).optional(),
        lifecycle: z.enum(['active', 'deleted', 'all']).optional(),
        /** Also count every match (costs a second pass; the runs table asks once per filter). */
        withTotal: z.boolean().optional(),
      })
      .strict(),
    output: z.object({ runs: z.array(RunDetail), nextPageToken: z.string().optional(), total: z.number().optional() }),
  },
  'runs.get': { input: z.object({ id: RunId }).strict(), output: RunDetail },
  /** Every param, metric and tag key used in these experiments (the runs table's column picker). */
  'runs.keys': {
    input: z.object({ experimentIds: z.array(ExperimentId).min(1).max(100) }).strict(),
    output: z.object({ params: z.array(z.string()), metrics: z.array(z.string()), tags: z.array(z.string()) }),
  },
  /** A metric series, downsampled on the core (LTTB) to at most `maxPoints` when longer. */
  'runs.metricHistory': {
    input: z
      .object({
        runId: RunId,
        key: MetricKey,
        maxPoints: z.number().int().min(10).max(100_000).optional(),
        xAxis: z.enum(['step', 'time']).optional(),
      })
      .strict(),
    output: z.object({ key: z.string(), total: z.number(), downsampled: z.boolean(), points: z.array(MetricPoint) }),
  },
  /** Mean ± standard deviation of one metric across groups of runs that share a param value. */
  'runs.groupedHistory': {
    input: z
      .object({
        runIds: z.array(RunId).min(1).max(500),
        key: MetricKey,
        groupBy: z.string().min(1).max(250),
        maxPoints: z.number().int().min(10).max(10_000).optional(),
      })
      .strict(),
    output: z.array(
      z.object({
        group: z.string().nullable(),
        runIds: z.array(z.string()),
        points: z.array(z.object({ step: z.number(), mean: z.number(), std: z.number(), count: z.number() })),
      }),
    ),
  },
  'runs.artifacts': {
    input: z.object({ runId: RunId, path: z.string().max(1024).optional() }).strict(),
    output: z.array(ArtifactEntry),
  },
  /** The head of an artifact for previews: text as utf8, anything else as base64. */
  'runs.artifactPreview': {
    input: z
      .object({
        runId: RunId,
        path: z.string().min(1).max(1024),
        maxBytes: z.number().int().min(1).max(8_000_000).optional(),
      })
      .strict(),
    output: z.object({
      path: z.string(),
      size: z.number(),
      truncated: z.boolean(),
      kind: z.enum(['text', 'json', 'csv', 'image', 'binary']),
      mime: z.string(),
      encoding: z.enum(['utf8', 'base64']),
      content: z.string(),
    }),
  },
  'runs.rename': { input: z.object({ id: RunId, name: z.string().trim().min(1).max(250) }).strict(), output: Run },
  /** Deletes runs for good: rows, metrics, artifacts, and the stored objects nothing else references. */
  'runs.purge': {
    input: z.object({ ids: z.array(RunId).min(1).max(10_000) }).strict(),
    output: z.object({ runs: z.number(), objectsRemoved: z.number(), bytesFreed: z.number() }),
  },
} as const;

/** Events of runs. `runs.metrics` is coalesced: at most a few per second, naming the runs that got points. */
export const trackingEvents = {
  'runs.changed': z.object({
    experimentId: z.string(),
    runIds: z.array(z.string()),
    change: z.enum(['created', 'updated', 'deleted', 'restored', 'purged']),
  }),
  'runs.metrics': z.object({ experimentIds: z.array(z.string()), runIds: z.array(z.string()) }),
} as const;
