/**
 * The one mechanism behind the web shell's file uploads (a browser cannot hand the server a path): the
 * body is the file's raw bytes as application/octet-stream (not CORS-safelisted, so a cross-site page
 * gets no answer to its preflight), streamed to a temp file in Lathe's home, never held in memory, and
 * refused beyond the size limit, which also drops the connection; the temp file is always removed. A
 * feature says only which names and files it takes and what to do with the received file.
 */
import { createWriteStream, rmSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import type { ZodType } from 'zod';
import { LatheError, toErrorShape } from '../../shared/errors.js';
import type { Core } from '../core/core.js';
import type { RouteHandler } from './http-server.js';
import { sendError, sendJson } from './http-io.js';

/** Largest accepted upload: LATHE_UPLOAD_LIMIT_BYTES, default 4 GiB. */
export function uploadLimitBytes(): number {
  const fromEnv = Number(process.env.LATHE_UPLOAD_LIMIT_BYTES);
  return Number.isFinite(fromEnv) && fromEnv > 0 ? fromEnv : 4 * 1024 ** 3;
}

/** What one upload route takes and does. */
export interface FileUpload<Result> {
  /** The route's path (`/api/<feature>/upload`). */
  path: string;
  /** Prefix of the temp file's name in the home. */
  tempPrefix: string;
  /** Throws BAD_INPUT naming the field when the query's `name` or the file name is not acceptable. */
  check(url: URL, filename: string): void;
  /** Does the feature's work with the received file; `filename` is the browser's name for it. */
  receive(core: Core, temp: string, filename: string, url: URL): Promise<Result>;
}

/** A route that receives one file as `POST <path>?name=…&filename=…` and answers `{ result }`. */
export function fileUploadRoute<Result>(
  core: Core,
  upload: FileUpload<Result>,
  limit = uploadLimitBytes(),
): RouteHandler {
  return async (request, response, url) => {
    if (url.pathname !== upload.path) return false;
    try {
      if (request.method !== 'POST') {
        response.setHeader('Allow', 'POST');
        sendJson(response, 405, { error: { code: 'BAD_INPUT', message: 'Uploads are sent with POST' } });
        return true;
      }
      if (!String(request.headers['content-type'] ?? '').startsWith('application/octet-stream'))
        throw new LatheError('BAD_INPUT', 'Send the file as the raw body with Content-Type: application/octet-stream');
      // Only the last path segment of the browser's file name is kept; it names the file in messages.
      const filename = (url.searchParams.get('filename') ?? '').split(/[\\/]/).pop()!.slice(0, 255);
      upload.check(url, filename);
      const declared = Number(request.headers['content-length'] ?? NaN);
      if (Number.isFinite(declared) && declared > limit)
        throw new LatheError(
          'PAYLOAD_TOO_LARGE',
          `${filename} is ${declared} bytes, over the ${limit}-byte upload limit`,
        );
      const temp = core.datasets.tempPath(upload.tempPrefix);
      try {
        await receive(request, temp, limit, filename);
        sendJson(response, 200, { result: await upload.receive(core, temp, filename, url) });
      } finally {
        rmSync(temp, { force: true });
      }
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

/** Parses the query's `name` with a contract schema, or throws BAD_INPUT naming the field. */
export function uploadName(url: URL, schema: ZodType<string>): string {
  const parsed = schema.safeParse(url.searchParams.get('name') ?? '');
  if (!parsed.success) throw new LatheError('BAD_INPUT', `name: ${parsed.error.issues[0]!.message}`, { field: 'name' });
  return parsed.data;
}

/** Streams the request body into `temp`, failing with PAYLOAD_TOO_LARGE once it passes `limit` bytes. */
function receive(request: IncomingMessage, temp: string, limit: number, filename: string): Promise<void> {
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
