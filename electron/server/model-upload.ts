/**
 * `POST /api/models/upload?name=NAME&filename=FILE.onnx[&features=a,b,c]`: the web shell's ONNX import
 * (a browser cannot hand the server a path), on the shared upload mechanism (file-upload.ts: raw body,
 * size limit, temp file always removed), then `core.models.importFile`.
 */
import { ModelName } from '../../shared/contract/index.js';
import { LatheError } from '../../shared/errors.js';
import type { Core } from '../core/core.js';
import type { RouteHandler } from './http-server.js';
import { fileUploadRoute, uploadLimitBytes, uploadName } from './file-upload.js';

/** The path of the model upload route. */
export const modelUploadPath = '/api/models/upload';

/** The model upload route over a core. */
export function modelUploadRoute(core: Core, limit = uploadLimitBytes()): RouteHandler {
  return fileUploadRoute(
    core,
    {
      path: modelUploadPath,
      tempPrefix: 'model-upload',
      check(url, filename) {
        uploadName(url, ModelName);
        if (!/\.onnx$/i.test(filename))
          throw new LatheError('BAD_INPUT', `"${filename}" is not an .onnx file`, { field: 'filename' });
      },
      receive(core, temp, filename, url) {
        const features = (url.searchParams.get('features') ?? '')
          .split(',')
          .map((f) => f.trim())
          .filter(Boolean);
        return core.models
          .importFile(temp, uploadName(url, ModelName), features.length ? features : undefined)
          .catch((error: unknown) => {
            // Errors name the file the user picked, not the temp copy.
            if (error instanceof LatheError && error.message.includes(temp))
              throw new LatheError(error.code, error.message.replaceAll(temp, filename), {
                ...error.details,
                file: filename,
              });
            throw error;
          });
      },
    },
    limit,
  );
}
