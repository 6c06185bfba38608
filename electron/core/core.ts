/**
 * The composition root of Lathe's core: opens the home, the lineage store and the object store, and
 * wires every service with explicit dependencies. The app, `lathe serve`, the CLI and the tests all
 * start here; none of them builds a service by hand.
 */
import { join } from 'node:path';
import { openDatabase, schemaVersion, latestSchemaVersion, type Db } from './store/database.js';
import { ObjectStore } from './objects/object-store.js';
import { collectGarbage, crashLeftovers, type GcOptions, type GcReport } from './objects/gc.js';
import { verifyObjects, type ObjectCheck } from './objects/object-check.js';
import { LineageService } from './lineage/lineage-service.js';
import { dataEngine, type DataEngine } from './data/engine.js';
import { watchStoreChanges } from './store/change-watcher.js';
import { EventBus } from './events.js';
import { ExperimentService } from './experiments/experiment-service.js';
import { DatasetService } from './data/dataset-service.js';
import { TrackingService } from './tracking/tracking-service.js';
import { prepareHome } from './home.js';
import { ModelService } from './models/model-service.js';
import { createDataResolver } from './models/data-source.js';
import { TrainingService } from './train/training-service.js';
import { DriftService } from './drift/drift-service.js';
import { createPredictionScorer } from './drift/prediction-scorer.js';
import { MonitorService } from './monitor/monitor-service.js';
import { RegistryService } from './registry/registry-service.js';
import { LoggedModelService } from './registry/logged-model-service.js';
import { MlflowModelStore } from './registry/mlflow-model-store.js';
import { ValidationService } from './validation/validation-service.js';
import { BundleService } from './bundles/bundle-service.js';

/** Which shell hosts the core (shown in the UI). */
export type ShellKind = 'electron' | 'web' | 'cli';

/** Options for {@link openCore}. */
export interface CoreOptions {
  home: string;
  shell: ShellKind;
  /**
   * How often writes of other processes are looked for (`store.changed`); 0 turns the watcher off.
   * Default: every second for the app and `lathe serve`, off for a CLI command.
   */
  changePollMs?: number;
  /** Sweeps what a crashed writer left before anything else runs (default true; `lathe gc` reports it itself). */
  collectOnOpen?: boolean;
}

/** The store's housekeeping: crash leftovers, integrity and reclaimable space (`lathe gc`, `lathe doctor`). */
export interface StoreMaintenance {
  /** Removes unreferenced objects and stale temp files no live writer can still need. */
  collect(options?: GcOptions): GcReport;
  /** Re-hashes every object; lists those whose bytes or kind (a link) are wrong. */
  verify(): Promise<ObjectCheck>;
  /** Bytes a collection would free now. */
  reclaimable(): number;
}

/** Every service of the core, and how to close them. */
export interface Core {
  readonly home: string;
  readonly shell: ShellKind;
  readonly databasePath: string;
  readonly supportedSchemaVersion: number;
  readonly objects: ObjectStore;
  readonly engine: DataEngine;
  readonly lineage: LineageService;
  readonly store: StoreMaintenance;
  readonly events: EventBus;
  readonly experiments: ExperimentService;
  readonly datasets: DatasetService;
  readonly tracking: TrackingService;
  readonly models: ModelService;
  readonly training: TrainingService;
  readonly drift: DriftService;
  readonly monitors: MonitorService;
  readonly registry: RegistryService;
  readonly loggedModels: LoggedModelService;
  /** MLflow's view of the registry, for the MLflow REST shell. */
  readonly mlflowModels: MlflowModelStore;
  /** Validation suites, reports and alias gates (issue 13). */
  readonly validation: ValidationService;
  /** Deployable bundles of model versions (server, Lambda, Cloud Functions). */
  readonly bundles: BundleService;
  schemaVersion(): number;
  /** Runs `work` (service calls) in one store transaction: bulk seeding writes once instead of per call. */
  batch<T>(work: () => T): T;
  /** Stops the services, closes the data engine (awaited) and the database. */
  dispose(): Promise<void>;
}

// The database behind each core, for the testing/ helpers only (Core itself exposes services).
const databases = new WeakMap<Core, Db>();

/** The raw database of a core. For `testing/` helpers and benches' baselines; services never need it. */
export function databaseOfCore(core: Core): Db {
  const db = databases.get(core);
  if (!db) throw new Error('not a core opened by openCore');
  return db;
}

/** Opens the core over a Lathe home. Throws a LatheError naming the path when the home or the database cannot be used. */
export function openCore(options: CoreOptions): Core {
  const home = prepareHome(options.home);
  const databasePath = join(home, 'lathe.db');
  const db = openDatabase(databasePath);
  const objects = new ObjectStore(join(home, 'objects'));
  // A crash leaves a lease of a dead process or a stale temp file; only then is the whole store walked.
  if (options.collectOnOpen !== false && crashLeftovers(objects)) collectGarbage(db, objects);
  const engine = dataEngine().retain();
  const events = new EventBus();
  const lineage = new LineageService(db);
  const experiments = new ExperimentService(db, events);
  const datasets = new DatasetService(db, objects, events, lineage, home);
  const tracking = new TrackingService(db, objects, events);
  lineage.registerKind('run', {
    prefix: 'run',
    resolve: (id) => tracking.getRun(id).id,
    describe: (id) => {
      try {
        const run = tracking.getRun(id);
        return { label: `run ${run.name} (${id.slice(0, 8)})`, experimentId: run.experimentId };
      } catch {
        return undefined;
      }
    },
  });
  const resolveData = createDataResolver(datasets);
  const models = new ModelService(db, objects, events, lineage, resolveData);
  const training = new TrainingService({ events, experiments, tracking, models, resolveData });
  const registry = new RegistryService(db, objects, events, models, lineage);
  const loggedModels = new LoggedModelService(db, objects);
  const mlflowModels = new MlflowModelStore(db, objects, models, loggedModels, tracking);
  const monitors = new MonitorService(db, datasets, models, events, lineage);
  const drift = new DriftService(db, datasets, events, resolveData, lineage, {
    scorer: createPredictionScorer(models),
  });
  const validation = new ValidationService(db, objects, events, models, datasets, lineage);
  registry.guardAliases((version, alias) => validation.gates.assertAllowed(version, alias));
  const bundles = new BundleService({
    db,
    objects,
    events,
    lineage,
    models,
    resolveData,
    datasets,
    validationOf: (versionId) => validation.latestVerdict(versionId),
  });
  const pollMs = options.changePollMs ?? (options.shell === 'cli' ? 0 : 1000);
  const stopWatching = pollMs > 0 ? watchStoreChanges(db, events, pollMs) : () => {};
  const store: StoreMaintenance = {
    collect: (gcOptions) => collectGarbage(db, objects, gcOptions),
    verify: () => verifyObjects(objects),
    reclaimable: () => {
      const found = collectGarbage(db, objects, { dryRun: true });
      return found.objects.bytes + found.tempFiles.bytes;
    },
  };
  let disposed: Promise<void> | undefined;
  const core: Core = {
    home,
    shell: options.shell,
    databasePath,
    supportedSchemaVersion: latestSchemaVersion,
    objects,
    engine,
    lineage,
    store,
    events,
    experiments,
    datasets,
    tracking,
    models,
    training,
    drift,
    monitors,
    registry,
    loggedModels,
    mlflowModels,
    validation,
    bundles,
    schemaVersion: () => schemaVersion(db),
    batch: (work) => db.transaction(work)(),
    dispose() {
      disposed ??= (async () => {
        stopWatching();
        tracking.dispose();
        training.dispose();
        await models.dispose();
        events.dispose();
        await engine.release();
        db.close();
      })();
      return disposed;
    },
  };
  databases.set(core, db);
  return core;
}
