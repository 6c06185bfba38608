/**
 * The shape of a step type (its checked settings, fingerprint, recovery and run) and what every step can
 * use; each step type lives in the file of its family (data, train, model, monitor, release steps).
 *
 * What each step type does, over the core's services (each of which keeps heavy work in its workers, so
 * a step never blocks the event loop). A handler checks its resolved settings with a strict zod schema,
 * says what besides its settings makes its work unique (the fingerprint in its idempotency key: the
 * dataset version `@latest` meant, the champion it is compared with), may recover the result of an
 * attempt a crash interrupted, and runs.
 */
import { z } from 'zod';
import { LatheError } from '../../../shared/errors.js';
import type { DatasetService } from '../data/dataset-service.js';
import type { DriftService } from '../drift/drift-service.js';
import type { ModelService } from '../models/model-service.js';
import type { MonitorService } from '../monitor/monitor-service.js';
import type { RegistryService } from '../registry/registry-service.js';
import type { TrainingService } from '../train/training-service.js';
import type { TrackingService } from '../tracking/tracking-service.js';
import type { LineageService } from '../lineage/lineage-service.js';
import type { ValidationService } from '../validation/validation-service.js';
import type { BundleService } from '../bundles/bundle-service.js';
import type { Produced } from './pipeline-store.js';

/** The services steps use. */
export interface StepServices {
  datasets: DatasetService;
  training: TrainingService;
  tracking: TrackingService;
  models: ModelService;
  registry: RegistryService;
  drift: DriftService;
  monitors: MonitorService;
  validation: ValidationService;
  bundles: BundleService;
  lineage: LineageService;
  /** Where scratch files go (the object store's temp folder: same file system, swept by gc). */
  tempPath: (prefix: string) => string;
  /** The running `lathe serve` of this home (its `server.json`), for `train: command`; nulls when none runs. */
  trackingConnection: () => { uri: string | null; token: string | null };
  /** Emits a notification (desktop shells show it; others log it). */
  notify: (message: string, level: 'info' | 'warn' | 'error') => void;
}

/** What a running step can use besides its settings. */
export interface StepContext {
  services: StepServices;
  runId: string;
  step: string;
  signal: AbortSignal;
  log: (message: string, level?: 'info' | 'warn' | 'error') => void;
  /** Stores a checkpoint with the ledger key (the tracking run a training started), for recovery. */
  checkpoint: (value: Record<string, unknown>) => void;
  /** Waits for the one training slot (one training at a time by default). */
  trainingSlot: () => Promise<() => void>;
}

/** What a step gives back. */
export interface StepResult {
  outputs: Record<string, unknown>;
  produced: Produced[];
}

/** One step type's behaviour. */
export interface StepHandler {
  settings: z.ZodType<Record<string, unknown>>;
  /**
   * Values beyond the settings that decide what the step does (resolved versions, file identity; the run
   * itself for steps that act once per run, such as a notification).
   */
  fingerprint?: (settings: Record<string, unknown>, services: StepServices, runId: string) => unknown;
  /** Finds what an interrupted attempt with this checkpoint already committed; undefined when nothing. */
  recover?: (checkpoint: Record<string, unknown>, context: StepContext) => StepResult | undefined;
  run: (settings: Record<string, unknown>, context: StepContext) => Promise<StepResult>;
}

export const DataRef = z.string().min(1);

/** Checked settings of one step type, typed. */
export function handler<S extends z.ZodType<Record<string, unknown>>>(h: {
  settings: S;
  fingerprint?: (settings: z.output<S>, services: StepServices, runId: string) => unknown;
  recover?: (checkpoint: Record<string, unknown>, context: StepContext) => StepResult | undefined;
  run: (settings: z.output<S>, context: StepContext) => Promise<StepResult>;
}): StepHandler {
  return h as unknown as StepHandler;
}

export function datasetProduced(versionId: string, name: string, version: number): Produced {
  return { kind: 'dataset_version', id: versionId, label: `${name}@${version}` };
}

export function throwIfAborted(signal: AbortSignal): void {
  if (signal.aborted) throw new LatheError('CONFLICT', 'cancelled');
}
