/**
 * MLflow's tracking REST API on the `lathe serve` port, so `MLFLOW_TRACKING_URI=http://127.0.0.1:<port>`
 * with `MLFLOW_TRACKING_TOKEN=<token>` makes existing Python scripts log into Lathe. Field names and
 * semantics follow mlflow/protos/service.proto; both `/api/2.0/mlflow/` and `/ajax-api/2.0/mlflow/`
 * answer. This file only joins the endpoint families (one file each, beside it) into the table the HTTP
 * server looks requests up in (it says how a request's fields are read and its answer written, for all of
 * them; the server calls the endpoint), and mounts the artifact routes: adding a family is one line in
 * `families`.
 */
import type { Core } from '../../core/core.js';
import { loggedModelIdPattern } from '../../core/registry/logged-model-service.js';
import type { EndpointTable, RouteHandler } from '../http-server.js';
import { artifactProxyRoute } from './artifact-proxy.js';
import { artifactEndpoints } from './artifact-endpoints.js';
import { experimentEndpoints } from './experiment-endpoints.js';
import { loggedModelEndpoints } from './logged-models.js';
import { metricEndpoints } from './metric-endpoints.js';
import { modelVersionEndpoints } from './model-versions.js';
import { registeredModelEndpoints } from './registered-models.js';
import { runEndpoints } from './run-endpoints.js';
import {
  MlflowError,
  readFields,
  sendMlflowError,
  sendMlflowJson,
  type Endpoint,
  type EndpointFamily,
} from './mlflow-io.js';
import { registryRoutes } from './registry-routes.js';

/** The endpoint families, one file each: tracking, then the model APIs. */
const families: EndpointFamily[] = [
  experimentEndpoints,
  runEndpoints,
  metricEndpoints,
  artifactEndpoints,
  registeredModelEndpoints,
  modelVersionEndpoints,
  loggedModelEndpoints,
];

/** The limit on an MLflow JSON body unless its endpoint sets another. */
export const mlflowBodyLimit = 16 * 1024 * 1024;

const prefixes = ['/api/2.0/mlflow/', '/ajax-api/2.0/mlflow/'];

/** Every endpoint of the MLflow API, by path after the prefix (`{model_id}` where the path carries one). */
export function mlflowEndpoints(core: Core): Map<string, Endpoint> {
  const endpoints = new Map<string, Endpoint>();
  for (const family of families)
    for (const [name, endpoint] of Object.entries(family(core))) {
      if (endpoints.has(name)) throw new Error(`MLflow endpoint ${name} is registered twice`);
      endpoints.set(name, endpoint);
    }
  return endpoints;
}

/**
 * Matches a path after the prefix to an endpoint name and its path parameters: logged models carry their id
 * (and a tag key) in the path; every other endpoint is its path. Null when a logged-model path is malformed.
 */
export function matchEndpoint(path: string): { name: string; params: string[] } | null {
  const parts = path.split('/');
  if (parts[0] !== 'logged-models' || parts.length < 2 || parts[1] === 'search') return { name: path, params: [] };
  const id = parts[1]!;
  if (!loggedModelIdPattern.test(id))
    return parts.length === 2 ? { name: 'logged-models/{model_id}', params: [id] } : null;
  if (parts.length === 2) return { name: 'logged-models/{model_id}', params: [id] };
  if (parts.length === 3 && (parts[2] === 'params' || parts[2] === 'tags'))
    return { name: `logged-models/{model_id}/${parts[2]}`, params: [id] };
  if (parts.length === 4 && parts[2] === 'tags') {
    let key: string;
    try {
      key = decodeURIComponent(parts[3]!);
    } catch {
      return null;
    }
    return { name: 'logged-models/{model_id}/tags/{tag_key}', params: [id, key] };
  }
  return null;
}

/**
 * The MLflow endpoint table: both prefixes, every endpoint of the API (tracking and models alike, so a
 * request's fields are read and its answer written in one place). The HTTP server calls the endpoint itself
 * (http-server.ts, `EndpointTable`), so this file builds the table and is not a layer under every request.
 */
export function mlflowTable(core: Core): EndpointTable {
  const endpoints = mlflowEndpoints(core);
  return {
    prefixes,
    async prepare(request, response, url, path) {
      const matched = matchEndpoint(path);
      const endpoint = matched && endpoints.get(matched.name);
      if (!endpoint)
        throw new MlflowError('ENDPOINT_NOT_FOUND', 404, `No MLflow endpoint ${request.method} ${url.pathname}`);
      const method = request.method ?? 'GET';
      if (!endpoint.methods.includes(method)) {
        response.setHeader('Allow', endpoint.methods.join(', '));
        throw new MlflowError(
          'BAD_REQUEST',
          405,
          `${method} is not allowed on ${url.pathname} (use ${endpoint.methods.join(' or ')})`,
        );
      }
      const fields = await readFields(request, url, endpoint.bodyLimit ?? mlflowBodyLimit);
      return { endpoint, fields, params: matched.params };
    },
    answer: (response, result) => sendMlflowJson(response, 200, result ?? {}),
    fail: sendMlflowError,
  };
}

/** What MLflow serves beside its endpoints (`/health`, `/version`, `/api/3.0`, logged-model files: registry-routes.ts) and the run artifact proxy. */
export function mlflowRoutes(core: Core): RouteHandler[] {
  return [registryRoutes(core), artifactProxyRoute(core)];
}
