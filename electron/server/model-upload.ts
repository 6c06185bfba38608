/**
 * `POST /api/models/upload?name=NAME&filename=FILE.onnx[&features=a,b,c]`: the web shell's ONNX import
 * (a browser cannot hand the server a path). As the dataset upload: the raw body as
 * application/octet-stream (not CORS-safelisted, so a cross-site page gets no answer to its preflight),
 * the token and cross-site checks of every route before it runs, bytes streamed to a temp file in
 * Lathe's home and refused beyond the size limit, then `core.models.importFile`; the temp file is
 * always removed.
 */
import { rmSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ModelName } from '../../shared/contract/index.js';
import { LatheError, toErrorShape } from '../../shared/errors.js';
import type { Core } from '../core/core.js';
import type { RouteHandler } from './http-server.js';
import { sendError, sendJson } from './http-io.js';
import { receive, uploadLimitBytes } from './dataset-upload.js';

/** The path of the model upload route. */
export const modelUploadPath = '/api/models/upload';

/** The model upload route over a core. */
export function modelUploadRoute(core: Core, limit = uploadLimitBytes()): RouteHandler {
  return async (request, response, url) => {
    if (url.pathname !== modelUploadPath) return false;
    try {
      await upload(core, request, response, url, limit);
    } catch (error) {
      const shape = toErrorShape(error);
      if (shape.code === 'PAYLOAD_TOO_LARGE') {
        // Answer at once and drop the connection rather than reading bytes nobody will keep.
        response.setHeader('Connection', 'close');
        response.once('finish', () => request.destroy());
      } else {
        request.resume();
      }
      sendError(response, shape);
    }
    return true;
  };
}

async function upload(
  core: Core,
  request: IncomingMessage,
  response: ServerResponse,
  url: URL,
  limit: number,
): Promise<void> {
  if (request.method !== 'POST') {
    response.setHeader('Allow', 'POST');
    sendJson(response, 405, { error: { code: 'BAD_INPUT', message: 'Uploads are sent with POST' } });
    return;
  }
  if (!String(request.headers['content-type'] ?? '').startsWith('application/octet-stream'))
    throw new LatheError('BAD_INPUT', 'Send the file as the raw body with Content-Type: application/octet-stream');
  const parsedName = ModelName.safeParse(url.searchParams.get('name') ?? '');
  if (!parsedName.success)
    throw new LatheError('BAD_INPUT', `name: ${parsedName.error.issues[0]!.message}`, { field: 'name' });
  const filename = (url.searchParams.get('filename') ?? '').split(/[\\/]/).pop()!.slice(0, 255);
  if (!/\.onnx$/i.test(filename))
    throw new LatheError('BAD_INPUT', `"${filename}" is not an .onnx file`, { field: 'filename' });
  const features = (url.searchParams.get('features') ?? '')
    .split(',')
    .map((f) => f.trim())
    .filter(Boolean);
  const declared = Number(request.headers['content-length'] ?? NaN);
  if (Number.isFinite(declared) && declared > limit)
    throw new LatheError('PAYLOAD_TOO_LARGE', `${filename} is ${declared} bytes, over the ${limit}-byte upload limit`);
  const temp = core.datasets.tempPath('model-upload');
  try {
    await receive(request, temp, limit, filename);
    const result = await core.models
      .importFile(temp, parsedName.data, features.length ? features : undefined)
      .catch((error: unknown) => {
        // Errors name the file the user picked, not the temp copy.
        if (error instanceof LatheError && error.message.includes(temp))
          throw new LatheError(error.code, error.message.replaceAll(temp, filename), {
            ...error.details,
            file: filename,
          });
        throw error;
      });
    sendJson(response, 200, { result });
  } finally {
    rmSync(temp, { force: true });
  }
}
