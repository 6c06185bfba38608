/** Contract: the app's own facts and experiments. */
import { z } from 'zod';

/** A name a person types for an experiment; MLflow allows up to 250 characters. */
export const ExperimentName = z
  .string()
  .trim()
  .min(1, 'name must not be empty')
  .max(250, 'name must be at most 250 characters');

/** An experiment as the UI and CLI see it. */
export const Experiment = z.object({
  id: z.string(),
  name: z.string(),
  lifecycleStage: z.enum(['active', 'deleted']),
  createdAt: z.number(),
  updatedAt: z.number(),
  runCount: z.number().int(),
});
export type Experiment = z.infer<typeof Experiment>;

/** Where the app's compute runs, as `lathe doctor` finds it. */
export const BackendInfo = z.object({
  training: z.string(),
  inference: z.string(),
  /** The WebGPU adapter in a few words ("llvmpipe via OpenGL ES (software)", or "none"). */
  gpu: z.string(),
  /** The adapter in one line a user can act on (vendor, architecture, backend, software or hardware), or why there is none. */
  gpuDetail: z.string(),
});

/** Facts the status bar and the about box show. */
export const AppInfo = z.object({
  version: z.string(),
  home: z.string(),
  databasePath: z.string(),
  schemaVersion: z.number().int(),
  shell: z.enum(['electron', 'web']),
  backend: BackendInfo,
});
export type AppInfo = z.infer<typeof AppInfo>;

const ExperimentId = z.string().regex(/^\d+$/, 'experiment id must be a number');

/** Methods of the app and of experiments. */
export const experimentMethods = {
  'app.info': { input: z.object({}).strict(), output: AppInfo },
  /** The running `lathe serve`'s address and token, for MLFLOW_TRACKING_URI / MLFLOW_TRACKING_TOKEN (nulls when none). */
  'app.trackingConnection': {
    input: z.object({}).strict(),
    output: z.object({ uri: z.string().nullable(), token: z.string().nullable(), serverFile: z.string() }),
  },
  'experiments.list': {
    input: z.object({ includeDeleted: z.boolean().optional() }).strict(),
    output: z.array(Experiment),
  },
  /** MLflow's experiment search: the run-search filter grammar over attributes and tags, ordered and paged. */
  'experiments.search': {
    input: z
      .object({
        /** e.g. `name LIKE 'churn%' and tags.team = 'growth'`. */
        filter: z.string().max(10_000).optional(),
        /** e.g. `name`, `creation_time DESC`. */
        orderBy: z.array(z.string().max(500)).max(10).optional(),
        maxResults: z.number().int().min(1).max(50_000).optional(),
        pageToken: z.string().max(200).optional(),
        lifecycle: z.enum(['active', 'deleted', 'all']).optional(),
      })
      .strict(),
    output: z.object({ experiments: z.array(Experiment), nextPageToken: z.string().optional() }),
  },
  'experiments.create': { input: z.object({ name: ExperimentName }).strict(), output: Experiment },
  'experiments.rename': {
    input: z.object({ id: ExperimentId, name: ExperimentName }).strict(),
    output: Experiment,
  },
  'experiments.delete': { input: z.object({ id: ExperimentId }).strict(), output: Experiment },
  'experiments.restore': { input: z.object({ id: ExperimentId }).strict(), output: Experiment },
} as const;

/** Events of experiments. */
export const experimentEvents = {
  'experiments.changed': z.object({
    id: z.string(),
    change: z.enum(['created', 'renamed', 'updated', 'deleted', 'restored']),
  }),
  /** Another process (the CLI, a script, another window) wrote to the store: refresh what is shown. */
  'store.changed': z.object({}),
} as const;
