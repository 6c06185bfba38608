/**
 * The composition root of Lathe's core: opens the home, the lineage store and the object store, and
 * wires every service with explicit dependencies. The app, `lathe serve`, the CLI and the tests all
 * start here; none of them builds a service by hand.
 */
import { join } from 'node:path';
import { openDatabase, schemaVersion, latestSchemaVersion, type Db } from './store/database.js';
import { ObjectStore } from './objects/object-store.js';
import { EventBus } from './events.js';
import { ExperimentService } from './experiments/experiment-service.js';
import { DatasetService } from './data/dataset-service.js';
import { TrackingService } from './tracking/tracking-service.js';
import { prepareHome } from './home.js';
import { ModelService } from './models/model-service.js';
import { createDataResolver } from './models/data-source.js';
import { TrainingService } from './train/training-service.js';
import { RegistryService } from './registry/registry-service.js';
import { LoggedModelService } from './registry/logged-model-service.js';

/** Which shell hosts the core (shown in the UI). */
export type ShellKind = 'electron' | 'web' | 'cli';

/** Options for {@link openCore}. */
export interface CoreOptions {
  home: string;
  shell: ShellKind;
}

/** Every service of the core, and how to close them. */
export interface Core {
  readonly home: string;
  readonly shell: ShellKind;
  readonly databasePath: string;
  readonly supportedSchemaVersion: number;
  readonly db: Db;
  readonly objects: ObjectStore;
  readonly events: EventBus;
  readonly experiments: ExperimentService;
  readonly datasets: DatasetService;
  readonly tracking: TrackingService;
  readonly models: ModelService;
  readonly training: TrainingService;
  readonly registry: RegistryService;
  readonly loggedModels: LoggedModelService;
  schemaVersion(): number;
  dispose(): void;
}

/** Opens the core over a Lathe home. Throws a LatheError naming the path when the home or the database cannot be used. */
export function openCore(options: CoreOptions): Core {
  const home = prepareHome(options.home);
  const databasePath = join(home, 'lathe.db');
  const db = openDatabase(databasePath);
  const objects = new ObjectStore(join(home, 'objects'));
  objects.sweepTemp();
  const events = new EventBus();
  const experiments = new ExperimentService(db, events);
  const datasets = new DatasetService(db, objects, events, home);
  const tracking = new TrackingService(db, objects, events, experiments);
  const resolveData = createDataResolver(datasets);
  const models = new ModelService(db, objects, events, resolveData);
  const training = new TrainingService({ events, experiments, tracking, models, resolveData });
  const registry = new RegistryService(db, objects, events, models);
  const loggedModels = new LoggedModelService(db, objects);
  let disposed = false;
  return {
    home,
    shell: options.shell,
    databasePath,
    supportedSchemaVersion: latestSchemaVersion,
    db,
    objects,
    events,
    experiments,
    datasets,
    tracking,
    models,
    training,
    registry,
    loggedModels,
    schemaVersion: () => schemaVersion(db),
    dispose() {
      if (disposed) return;
      disposed = true;
      tracking.dispose();
      training.dispose();
      void models.dispose();
      events.dispose();
      db.close();
    },
  };
}
