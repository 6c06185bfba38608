/**
 * The contract between Lathe's renderer and its core: every method with its input and output
 * schema, and every event with its payload. Both transports (Electron IPC and HTTP) are generated
 * from this one map, and both clients `satisfies` {@link LatheClient}. Each feature keeps its part in
 * its own file beside this one; this file only joins them.
 */
import type { z } from 'zod';
import { experimentEvents, experimentMethods } from './experiments.js';
import { datasetEvents, datasetMethods } from './datasets.js';
import { trackingEvents, trackingMethods } from './tracking.js';
import { modelEvents, modelMethods } from './models.js';
import { lineageEvents, lineageMethods } from './lineage.js';
import { driftEvents, driftMethods } from './drift.js';
import { monitorEvents, monitorMethods } from './monitors.js';
import { registryEvents, registryMethods } from './registry.js';
import { validationEvents, validationMethods } from './validation.js';
import { bundleEvents, bundleMethods } from './bundles.js';

export * from './experiments.js';
export * from './datasets.js';
export * from './tracking.js';
export * from './models.js';
export * from './lineage.js';
export * from './drift.js';
export * from './monitors.js';
export * from './registry.js';
export * from './validation.js';
export * from './bundles.js';

/** Every method: input schema and output schema. Inputs are strict so a typo is an error, not a no-op. */
export const methods = {
  ...experimentMethods,
  ...datasetMethods,
  ...trackingMethods,
  ...modelMethods,
  ...lineageMethods,
  ...driftMethods,
  ...monitorMethods,
  ...registryMethods,
  ...validationMethods,
  ...bundleMethods,
} as const;

/** Every event the core emits, with its payload. */
export const events = {
  ...experimentEvents,
  ...datasetEvents,
  ...trackingEvents,
  ...modelEvents,
  ...lineageEvents,
  ...driftEvents,
  ...monitorEvents,
  ...registryEvents,
  ...validationEvents,
  ...bundleEvents,
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
  pickDataFile: 'lathe:pick-data-file',
} as const;
