/**
 * MLflow's tracking REST API on the `lathe serve` port, so `MLFLOW_TRACKING_URI=http://127.0.0.1:<port>`
 * with `MLFLOW_TRACKING_TOKEN=<token>` makes existing Python scripts log into Lathe. Field names and
 * semantics follow mlflow/protos/service.proto; both `/api/2.0/mlflow/` and `/ajax-api/2.0/mlflow/`
 * answer. This file only joins the endpoint families (one file each, beside it) and the artifact proxy:
 * adding a family is one line in `families`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Core } from '../../core/core.js';
import type { RouteHandler } from '../http-server.js';
import { artifactProxyRoute } from './artifact-proxy.js';
import { artifactEndpoints } from './artifact-endpoints.js';
import { experimentEndpoints } from './experiment-endpoints.js';
import { metricEndpoints } from './metric-endpoints.js';
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

/** The endpoint families, one file each. */
const families: EndpointFamily[] = [experimentEndpoints, runEndpoints, metricEndpoints, artifactEndpoints];

/** The limit on an MLflow JSON body unless its endpoint sets another. */
export const mlflowBodyLimit = 16 * 1024 * 1024;

const prefixes = ['/api/2.0/mlflow/', '/ajax-api/2.0/mlflow/'];

/** Every endpoint of the tracking API, by path after the prefix. */
export function mlflowEndpoints(core: Core): Map<string, Endpoint> {
  const endpoints = new Map<string, Endpoint>();
  for (const family of families)
    for (const [name, endpoint] of Object.entries(family(core))) {
      if (endpoints.has(name)) throw new Error(`MLflow endpoint ${name} is registered twice`);
      endpoints.set(name, endpoint);
    }
  return endpoints;
}

/** The MLflow routes: the tracking API and the artifact proxy. */
export function mlflowRoutes(core: Core): RouteHandler[] {
  const endpoints = mlflowEndpoints(core);
  const api: RouteHandler = async (request, response, url) => {
    const prefix = prefixes.find((p) => url.pathname.startsWith(p));
    if (!prefix) return false;
    await handle(endpoints.get(url.pathname.slice(prefix.length)), request, response, url);
    return true;
  };
  return [registryRoutes(core), api, artifactProxyRoute(core)];
}

async function handle(
  endpoint: Endpoint | undefined,
  request: IncomingMessage,
  response: ServerResponse,
  url: URL,
): Promise<void> {
  try {
    if (!endpoint)
      throw new MlflowError('ENDPOINT_NOT_FOUND', 404, `No MLflow endpoint ${request.method} ${url.pathname}`);
    if (!endpoint.methods.includes(request.method ?? '')) {
      response.setHeader('Allow', endpoint.methods.join(', '));
      throw new MlflowError(
        'BAD_REQUEST',
        405,
        `${request.method} is not allowed on ${url.pathname} (use ${endpoint.methods.join(' or ')})`,
      );
    }
    const fields = await readFields(request, url, endpoint.bodyLimit ?? mlflowBodyLimit);
    const result = await endpoint.run(fields);
    sendMlflowJson(response, 200, result ?? {});
  } catch (error) {
    sendMlflowError(response, error);
  }
}
