/**
 * `POST /api/datasets/upload?name=NAME&filename=FILE.csv[&message=TEXT]`: the web shell's way to add a
 * dataset from the browser. The body is the file's raw bytes (Content-Type: application/octet-stream,
 * which is not CORS-safelisted, so a cross-site page cannot send it without a preflight that gets no
 * answer). Bytes are streamed to a temp file beside the object store, never held in memory, and
 * refused beyond the size limit; the temp file is always removed.
 */
import { createWriteStream, rmSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { DatasetName } from '../../shared/contract/index.js';
import { LatheError, toErrorShape } from '../../shared/errors.js';
import type { Core } from '../core/core.js';
import { formatFromName } from '../core/data/engine.js';
import type { RouteHandler } from './http-server.js';
import { sendError, sendJson } from './http-io.js';

/** The path of the upload route. */
export const datasetUploadPath = '/api/datasets/upload';

/** Largest accepted upload: LATHE_UPLOAD_LIMIT_BYTES, default 4 GiB. */
export function uploadLimitBytes(): number {
  const fromEnv = Number(process.env.LATHE_UPLOAD_LIMIT_BYTES);
  return Number.isFinite(fromEnv) && fromEnv > 0 ? fromEnv : 4 * 1024 ** 3;
}

/** The upload route over a core. */
export function datasetUploadRoute(core: Core, limit = uploadLimitBytes()): RouteHandler {
  return async (request, response, url) => {
    if (url.pathname !== datasetUploadPath) return false;
    try {
      await upload(core, request, response, url, limit);
    } catch (error) {
      const shape = toErrorShape(error);
      if (shape.code === 'PAYLOAD_TOO_LARGE') {
        // Answer at once and drop the connection rather than reading gigabytes nobody will keep.
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
  if (!String(request.headers['content-type'] ?? '').startsWith('application/octet-stream')) {
    throw new LatheError('BAD_INPUT', 'Send the file as the raw body with Content-Type: application/octet-stream');
  }
  const parsedName = DatasetName.safeParse(url.searchParams.get('name') ?? '');
  if (!parsedName.success)
    throw new LatheError('BAD_INPUT', `name: ${parsedName.error.issues[0]!.message}`, { field: 'name' });
  // Only the last path segment of the browser's file name is kept; it names the file in messages and the origin.
  const filename = (url.searchParams.get('filename') ?? '').split(/[\\/]/).pop()!.slice(0, 255);
  if (!filename || !formatFromName(filename)) {
    throw new LatheError('BAD_INPUT', `"${filename}" is not a .csv, .tsv, .parquet or .jsonl file`, {
      field: 'filename',
    });
  }
  const message = url.searchParams.get('message') ?? undefined;
  const declared = Number(request.headers['content-length'] ?? NaN);
  if (Number.isFinite(declared) && declared > limit) {
    throw new LatheError('PAYLOAD_TOO_LARGE', `${filename} is ${declared} bytes, over the ${limit}-byte upload limit`);
  }
  const temp = core.datasets.tempPath('upload');
  try {
    await receive(request, temp, limit, filename);
    const result = await core.datasets.add({
      path: temp,
      name: parsedName.data,
      message,
      originName: filename,
      transient: true,
    });
    sendJson(response, 200, { result });
  } finally {
    rmSync(temp, { force: true });
  }
}

/** Streams the request body into `temp`, failing with PAYLOAD_TOO_LARGE once it passes `limit` bytes (also the model upload). */
export function receive(request: IncomingMessage, temp: string, limit: number, filename: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const out = createWriteStream(temp, { flags: 'wx' });
    let size = 0;
    let failed = false;
    const fail = (error: unknown) => {
      if (failed) return;
      failed = true;
      request.pause();
      request.removeListener('data', onData);
      // Reject only once the file is closed: a stream destroyed before its open finished would otherwise
      // create the file after the caller removed it.
      out.once('close', () => reject(error));
      out.destroy();
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        fail(new LatheError('PAYLOAD_TOO_LARGE', `${filename} is over the ${limit}-byte upload limit`));
        return;
      }
      if (!out.write(chunk)) {
        request.pause();
        out.once('drain', () => request.resume());
      }
    };
    out.on('error', fail);
    request.on('error', fail);
    request.on('aborted', () => fail(new LatheError('BAD_INPUT', `the upload of ${filename} was interrupted`)));
    request.on('data', onData);
    request.on('end', () => {
      if (!failed) out.end(() => resolve());
    });
  });
}
