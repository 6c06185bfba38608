/**
 * `POST /api/datasets/upload?name=NAME&filename=FILE.csv[&message=TEXT]`: the web shell's way to add a
 * dataset from the browser, on the shared upload mechanism (file-upload.ts: raw body, size limit, temp
 * file always removed). The received file becomes the next version of NAME through `core.datasets.add`.
 */
import { DatasetName } from '../../shared/contract/index.js';
import { LatheError } from '../../shared/errors.js';
import type { Core } from '../core/core.js';
import { formatFromName } from '../core/data/engine.js';
import type { RouteHandler } from './http-server.js';
import { fileUploadRoute, uploadLimitBytes, uploadName } from './file-upload.js';

/** The path of the upload route. */
export const datasetUploadPath = '/api/datasets/upload';

/** The dataset upload route over a core. */
export function datasetUploadRoute(core: Core, limit = uploadLimitBytes()): RouteHandler {
  return fileUploadRoute(
    core,
    {
      path: datasetUploadPath,
      tempPrefix: 'upload',
      check(url, filename) {
        uploadName(url, DatasetName);
        if (!filename || !formatFromName(filename))
          throw new LatheError('BAD_INPUT', `"${filename}" is not a .csv, .tsv, .parquet or .jsonl file`, {
            field: 'filename',
          });
      },
      receive: (core, temp, filename, url) =>
        core.datasets.ingest.add({
          path: temp,
          name: uploadName(url, DatasetName),
          message: url.searchParams.get('message') ?? undefined,
          originName: filename,
          transient: true,
        }),
    },
    limit,
  );
}
