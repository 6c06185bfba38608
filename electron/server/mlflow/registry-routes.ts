/**
 * What MLflow's server answers beside its JSON endpoints, on `lathe serve`: logged-model files through the
 * artifact proxy, `/health` and `/version` as MLflow's server answers them, and MLflow's error shape for
 * `/api/3.0/...` routes Lathe does not serve. The model APIs' JSON endpoints (registered models, model
 * versions, aliases, logged models, runs/outputs) are endpoint families served by mlflow-routes.ts like the
 * tracking ones. Anything else passes to the run artifact proxy.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Core } from '../../core/core.js';
import { loggedModelIdPattern } from '../../core/registry/logged-model-service.js';
import { checkArtifactPath, decodeUrlArtifactPath } from '../../core/tracking/artifact-path.js';
import { LatheError } from '../../../shared/errors.js';
import { baseHeaders } from '../http-io.js';
import type { RouteHandler } from '../http-server.js';
import { artifactUploadLimit } from './artifact-proxy.js';
import { MlflowError, sendMlflowError, sendMlflowJson } from './mlflow-io.js';

/** The MLflow server version `/version` reports: the API level Lathe's MLflow routes follow. */
export const mlflowServerVersion = '3.1.0';

const v3Prefixes = ['/api/3.0/', '/ajax-api/3.0/'];
const artifactRoots = ['/api/2.0/mlflow-artifacts/artifacts', '/ajax-api/2.0/mlflow-artifacts/artifacts'];

/** The route for what MLflow serves beside its endpoints (see the file header). */
export function registryRoutes(core: Core): RouteHandler {
  return async (request, response, url) => {
    if (url.pathname === '/health' || url.pathname === '/version') {
      const text = url.pathname === '/health' ? 'OK' : mlflowServerVersion;
      response.writeHead(200, {
        ...baseHeaders,
        'Content-Type': 'text/plain; charset=utf-8',
        'Content-Length': Buffer.byteLength(text),
      });
      response.end(request.method === 'HEAD' ? undefined : text);
      return true;
    }
    if (artifactRoots.some((root) => url.pathname.startsWith(root)))
      return loggedModelArtifacts(core, request, response, url);
    if (v3Prefixes.some((prefix) => url.pathname.startsWith(prefix))) {
      sendMlflowError(
        response,
        new MlflowError('ENDPOINT_NOT_FOUND', 404, `Lathe does not serve ${request.method} ${url.pathname}`),
      );
      return true;
    }
    return false;
  };
}

/** `<experiment>/models/<model_id>/artifacts[/<path>]`, checked; null for a run's path (the run proxy's). */
function loggedModelTarget(core: Core, decoded: string): { id: string; path: string } | null {
  const [experimentId, models, id, artifacts, ...rest] = decoded.replace(/\/+$/, '').split('/');
  if (models !== 'models') return null;
  if (
    !experimentId ||
    !/^\d+$/.test(experimentId) ||
    !id ||
    !loggedModelIdPattern.test(id) ||
    artifacts !== 'artifacts'
  )
    throw new MlflowError(
      'INVALID_PARAMETER_VALUE',
      400,
      `Invalid artifact path "${decoded.slice(0, 200)}": expected <experiment_id>/models/<model_id>/artifacts/<path>`,
    );
  const model = core.loggedModels.get(id);
  if (model.experimentId !== experimentId)
    throw new LatheError('NOT_FOUND', `Logged model ${id} is not in experiment ${experimentId}`);
  return { id, path: checkArtifactPath(rest.join('/'), { allowEmpty: true }) };
}

/** Upload, download and listing of logged-model files; run paths return false (artifact-proxy.ts serves them). */
async function loggedModelArtifacts(
  core: Core,
  request: IncomingMessage,
  response: ServerResponse,
  url: URL,
): Promise<boolean> {
  const raw = (request.url ?? '/').split('?')[0]!.split('#')[0]!;
  const root = artifactRoots.find((r) => raw === r || raw.startsWith(r + '/'));
  if (!root) return false;
  const tail = raw.slice(root.length).replace(/^\//, '');
  try {
    if (tail === '') {
      const target = loggedModelTarget(core, url.searchParams.get('path') ?? '');
      if (!target) return false;
      if (request.method !== 'GET')
        throw new MlflowError('BAD_REQUEST', 405, `${request.method} is not allowed on ${root}`);
      const prefix = target.path === '' ? '' : target.path + '/';
      sendMlflowJson(response, 200, {
        files: core.loggedModels.listArtifacts(target.id, target.path).map((e) => ({
          path: e.path.slice(prefix.length),
          is_dir: e.isDir,
          ...(e.size !== null ? { file_size: e.size } : {}),
        })),
      });
      return true;
    }
    const target = loggedModelTarget(core, decodeUrlArtifactPath(tail));
    if (!target) return false;
    if (request.method === 'PUT') {
      if (target.path === '')
        throw new MlflowError('INVALID_PARAMETER_VALUE', 400, 'An upload needs a file path after the artifact root');
      let size = 0;
      const limiter = new Transform({
        transform(chunk: Buffer, _encoding, done) {
          size += chunk.length;
          if (size > artifactUploadLimit)
            done(
              new MlflowError('INVALID_PARAMETER_VALUE', 413, `Artifact is over the ${artifactUploadLimit}-byte limit`),
            );
          else done(null, chunk);
        },
      });
      request.on('error', (error) => limiter.destroy(error));
      await core.loggedModels.putArtifact(target.id, target.path, request.pipe(limiter));
      sendMlflowJson(response, 200, {});
      return true;
    }
    if (request.method !== 'GET' && request.method !== 'HEAD')
      throw new MlflowError('BAD_REQUEST', 405, `${request.method} is not allowed on artifacts (GET, PUT)`);
    if (core.loggedModels.isArtifactDirectory(target.id, target.path))
      throw new MlflowError(
        'INVALID_PARAMETER_VALUE',
        400,
        `"${target.path || '/'}" is a directory; list it with ?path=`,
      );
    const file = core.loggedModels.artifact(target.id, target.path);
    response.writeHead(200, {
      ...baseHeaders,
      'Content-Type': 'application/octet-stream',
      'Content-Length': file.size,
      'Content-Disposition': `attachment; filename*=UTF-8''${encodeURIComponent(file.path.split('/').pop()!)}`,
    });
    if (request.method === 'HEAD' || file.size === 0) response.end();
    else await pipeline(core.objects.openRead(file.hash), response);
  } catch (error) {
    if (request.method === 'PUT' && !request.readableEnded) request.resume();
    sendMlflowError(response, error);
  }
  return true;
}
