/**
 * The contract between Lathe's renderer and its core: every method with its input and output
 * schema, and every event with its payload. Both transports (Electron IPC and HTTP) are generated
 * from this one map, and both clients `satisfies` {@link LatheClient}.
 */
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
const Empty = z.object({}).strict();

/** Every method: input schema and output schema. Inputs are strict so a typo is an error, not a no-op. */
export const methods = {
  'app.info': { input: Empty, output: AppInfo },
  'experiments.list': {
    input: z.object({ includeDeleted: z.boolean().optional() }).strict(),
    output: z.array(Experiment),
  },
  'experiments.create': { input: z.object({ name: ExperimentName }).strict(), output: Experiment },
  'experiments.rename': {
    input: z.object({ id: ExperimentId, name: ExperimentName }).strict(),
    output: Experiment,
  },
  'experiments.delete': { input: z.object({ id: ExperimentId }).strict(), output: Experiment },
  'experiments.restore': { input: z.object({ id: ExperimentId }).strict(), output: Experiment },
} as const;

/** Every event the core emits, with its payload. */
export const events = {
  'experiments.changed': z.object({ id: z.string(), change: z.enum(['created', 'renamed', 'deleted', 'restored']) }),
} as const;

/** A method name of the contract. */
export type MethodName = keyof typeof methods;
/** An event name of the contract. */
export type EventName = keyof typeof events;
/** What a method takes (before parsing: defaults may be missing). */
export type MethodInput<M extends MethodName> = z.input<(typeof methods)[M]['input']>;
/** What a method gives back. */
export type MethodOutput<M extends MethodName> = z.output<(typeof methods)[M]['output']>;
/** What an event carries. */
export type EventPayload<E extends EventName> = z.output<(typeof events)[E]>;

/** All method names, in contract order. */
export const methodNames = Object.keys(methods) as MethodName[];
/** All event names. */
export const eventNames = Object.keys(events) as EventName[];

/** True when `name` is a method of the contract (guards against prototype keys such as `constructor`). */
export function isMethodName(name: string): name is MethodName {
  return Object.prototype.hasOwnProperty.call(methods, name);
}

/** The client every transport implements: one async function per method, and event subscription. */
export type LatheClient = {
  [M in MethodName]: (input: MethodInput<M>) => Promise<MethodOutput<M>>;
} & {
  /** Subscribes to an event; returns the function that unsubscribes. */
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
};

/** The IPC channel names the preload and main agree on. */
export const ipcChannels = {
  invoke: 'lathe:invoke',
  event: 'lathe:event',
} as const;
