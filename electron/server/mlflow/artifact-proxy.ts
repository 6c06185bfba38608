/**
 * MLflow's artifact proxy (mlflow/protos/mlflow_artifacts.proto): runs carry artifact_uri
 * `mlflow-artifacts:/<experiment>/<run>/artifacts`, which the Python client turns into
 * `/api/2.0/mlflow-artifacts/artifacts/<experiment>/<run>/artifacts/<path>`:
 * PUT uploads, GET downloads, and GET `/api/2.0/mlflow-artifacts/artifacts?path=<dir>` lists.
 *
 * The path is taken from the raw request line, not from the parsed URL: WHATWG URL parsing turns
 * `%2e%2e` into `..` and resolves it before we could refuse it. Each segment is decoded exactly once;
 * whatever still looks encoded, escapes, or names a scheme is refused with 400 (artifact-path.ts).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { LatheError } from '../../../shared/errors.js';
import type { Core } from '../../core/core.js';
import { checkArtifactPath, decodeUrlArtifactPath } from '../../core/tracking/artifact-path.js';
import { baseHeaders } from '../http-io.js';
import type { RouteHandler } from '../http-server.js';
import { MlflowError, sendMlflowError, sendMlflowJson } from './mlflow-io.js';

/** The largest artifact accepted in one upload. */
export const artifactUploadLimit = 8 * 1024 * 1024 * 1024;

const roots = ['/api/2.0/mlflow-artifacts/artifacts', '/ajax-api/2.0/mlflow-artifacts/artifacts'];

/** Where a proxy path points: a run and a path inside its artifact root ('' for the root). */
interface Target {
  runId: string;
  path: string;
}

/** Splits `<experiment>/<run>/artifacts[/<path>]` after checking every part. */
export function parseProxyPath(decoded: string, core: Core): Target {
  const [experimentId, runId, artifacts, ...rest] = decoded.split('/');
  if (
    !experimentId ||
    !/^\d+$/.test(experimentId) ||
    !runId ||
    !/^[0-9a-f]{32}$/.test(runId) ||
    artifacts !== 'artifacts'
  ) {
    throw new MlflowError(
      'INVALID_PARAMETER_VALUE',
      400,
      `Invalid artifact path "${decoded.slice(0, 200)}": expected <experiment_id>/<run_id>/artifacts/<path>`,
    );
  }
  const path = checkArtifactPath(rest.join('/').replace(/\/+$/, ''), { allowEmpty: true });
  const run = core.tracking.getRun(runId);
  if (run.experimentId !== experimentId)
    throw new LatheError('NOT_FOUND', `Run ${runId} is not in experiment ${experimentId}`);
  return { runId, path };
}

/** The route handler for the artifact proxy. */
export function artifactProxyRoute(core: Core): RouteHandler {
  return async (request, response, url) => {
    const raw = (request.url ?? '/').split('?')[0]!.split('#')[0]!;
    const root = roots.find(
      (r) => raw === r || raw.startsWith(r + '/') || url.pathname === r || url.pathname.startsWith(r + '/'),
    );
    if (!root) return false;
    try {
      if (!raw.startsWith(root)) {
        // The parsed URL matched but the raw one did not: the raw path hid a dot-segment or similar.
        throw new MlflowError('INVALID_PARAMETER_VALUE', 400, 'Invalid artifact path');
      }
      const tail = raw.slice(root.length).replace(/^\//, '');
      if (tail === '') {
        if (request.method !== 'GET')
          throw new MlflowError('BAD_REQUEST', 405, `${request.method} is not allowed on ${root}`);
        const listed = url.searchParams.get('path') ?? '';
        const target = parseProxyPath(listed.replace(/\/+$/, ''), core);
        list(core, target, response);
        return true;
      }
      const target = parseProxyPath(decodeUrlArtifactPath(tail), core);
      if (request.method === 'PUT') await upload(core, target, request, response);
      else if (request.method === 'GET' || request.method === 'HEAD') await download(core, target, request, response);
      else throw new MlflowError('BAD_REQUEST', 405, `${request.method} is not allowed on artifacts (GET, PUT)`);
    } catch (error) {
      if (request.method === 'PUT' && !request.readableEnded) request.resume();
      sendMlflowError(response, error);
    }
    return true;
  };
}

function list(core: Core, target: Target, response: ServerResponse): void {
  const prefix = target.path === '' ? '' : target.path + '/';
  const entries = core.tracking.listArtifacts(target.runId, target.path);
  sendMlflowJson(response, 200, {
    files: entries.map((e) => ({
      path: e.path.slice(prefix.length),
      is_dir: e.isDir,
      ...(e.size !== null ? { file_size: e.size } : {}),
    })),
  });
}

async function upload(core: Core, target: Target, request: IncomingMessage, response: ServerResponse): Promise<void> {
  if (target.path === '')
    throw new MlflowError(
      'INVALID_PARAMETER_VALUE',
      400,
      "An artifact upload needs a file path after the run's artifact root",
    );
  const declared = Number(request.headers['content-length'] ?? NaN);
  if (Number.isFinite(declared) && declared > artifactUploadLimit) {
    throw new MlflowError(
      'INVALID_PARAMETER_VALUE',
      413,
      `Artifact of ${declared} bytes is over the ${artifactUploadLimit}-byte limit`,
    );
  }
  let size = 0;
  const limiter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      size += chunk.length;
      if (size > artifactUploadLimit)
        done(new MlflowError('INVALID_PARAMETER_VALUE', 413, `Artifact is over the ${artifactUploadLimit}-byte limit`));
      else done(null, chunk);
    },
  });
  const source = request.pipe(limiter);
  request.on('error', (error) => limiter.destroy(error));
  await core.tracking.logArtifactStream(target.runId, target.path, source);
  sendMlflowJson(response, 200, {});
}

async function download(core: Core, target: Target, request: IncomingMessage, response: ServerResponse): Promise<void> {
  if (target.path === '' || core.tracking.isArtifactDirectory(target.runId, target.path)) {
    throw new MlflowError(
      'INVALID_PARAMETER_VALUE',
      400,
      `"${target.path || '/'}" is a directory; list it with GET ${roots[0]}?path=…`,
    );
  }
  const file = core.tracking.artifact(target.runId, target.path);
  const name = file.path.split('/').pop()!;
  response.writeHead(200, {
    ...baseHeaders,
    // Never rendered by the browser as a page: downloaded as bytes, whatever the name says.
    'Content-Type': 'application/octet-stream',
    'Content-Length': file.size,
    'Content-Disposition': `attachment; filename*=UTF-8''${encodeURIComponent(name)}`,
  });
  if (request.method === 'HEAD' || file.size === 0) {
    response.end();
    return;
  }
  await pipeline(core.objects.openRead(file.hash), response);
}
