/**
 * What MLflow's model-registry endpoints need from the store, as one service (`core.mlflowModels`): the
 * shell (server/mlflow) parses requests and shapes answers, while every read and write of the database
 * stays in core, which exposes services and never its raw connection.
 */
import type { ModelVersion } from '../../../shared/contract/index.js';
import type { ModelService } from '../models/model-service.js';
import type { ObjectStore } from '../objects/object-store.js';
import type { Db } from '../store/database.js';
import type { TrackingService } from '../tracking/tracking-service.js';
import type { LoggedModelService } from './logged-model-service.js';
import {
  mlflowFacts,
  mlflowVersionFiles,
  registerFromMlflow,
  type MlflowVersionFacts,
  type MlflowVersionFiles,
} from './mlflow-registration.js';

/** A WHERE clause made by `filterSql` (parameterised), for the searches below. */
export interface WhereClause {
  sql: string;
  values: unknown[];
}

/** MLflow's view of the registry (`core.mlflowModels`). */
export class MlflowModelStore {
  constructor(
    private readonly db: Db,
    private readonly objects: ObjectStore,
    private readonly models: ModelService,
    private readonly loggedModels: LoggedModelService,
    private readonly tracking: TrackingService,
  ) {}

  /** The MLflow facts of a version registered through MLflow, or null for one Lathe trained or imported. */
  facts(versionId: string): MlflowVersionFacts | null {
    return mlflowFacts(this.db, versionId);
  }

  /** The files of an MLflow-registered version (null for one Lathe trained or imported). */
  files(versionId: string): Promise<MlflowVersionFiles | null> {
    return mlflowVersionFiles(versionId, this.dependencies());
  }

  /** Registers the model at `source` as a new version (see registerFromMlflow). */
  register(input: Parameters<typeof registerFromMlflow>[0]): Promise<ModelVersion> {
    return registerFromMlflow(input, this.dependencies());
  }

  /**
   * Model versions matching `where` (from filterSql over `model_versions v JOIN models m`), in `order`
   * (whitelisted `column ASC|DESC` terms), then by name and newest version.
   */
  versionRefs(where: WhereClause, order: string[], limit: number, offset: number): { name: string; version: number }[] {
    return this.db
      .prepare<unknown[], { name: string; version: number }>(
        `SELECT m.name, v.version FROM model_versions v JOIN models m ON m.id = v.model_id WHERE ${where.sql}
         ORDER BY ${[...order, 'm.name ASC', 'v.version DESC'].join(', ')} LIMIT ? OFFSET ?`,
      )
      .all(...where.values, limit, offset);
  }

  /** Registered model names matching `where` (from filterSql over `models m`), in `order`, then by name. */
  modelNames(where: WhereClause, order: string[], limit: number, offset: number): string[] {
    return this.db
      .prepare<unknown[], { name: string }>(
        `SELECT m.name FROM models m WHERE ${where.sql} ORDER BY ${[...order, 'm.name ASC'].join(', ')} LIMIT ? OFFSET ?`,
      )
      .all(...where.values, limit, offset)
      .map((row) => row.name);
  }

  private dependencies() {
    const { db, objects, models, loggedModels, tracking } = this;
    return { db, objects, models, loggedModels, tracking };
  }
}
