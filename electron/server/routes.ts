/** The feature routes `lathe serve` mounts beside the contract (MLflow's REST API, uploads …). One line a feature. */
import type { Core } from '../core/core.js';
import type { EndpointTable, RouteHandler } from './http-server.js';
import { mlflowRoutes, mlflowTable } from './mlflow/mlflow-routes.js';
import { datasetUploadRoute } from './dataset-upload.js';
import { modelUploadRoute } from './model-upload.js';

/** Builds every extra route over a core. */
export function featureRoutes(core: Core): RouteHandler[] {
  return [...mlflowRoutes(core), datasetUploadRoute(core), modelUploadRoute(core)];
}

/** The endpoint tables the server looks up before the routes (MLflow's REST API). */
export function featureTables(core: Core): EndpointTable[] {
  return [mlflowTable(core)];
}
