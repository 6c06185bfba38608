/** Small helpers for reading requests and writing responses with the contract's error shape. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { errorStatus, LatheError, type ErrorShape } from '../../shared/errors.js';

/** Headers every response carries. */
export const baseHeaders = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cache-Control': 'no-store',
} as const;

/** Writes a JSON body. */
export function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    ...baseHeaders,
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
  });
  response.end(text);
}

/** Writes an error with the status its code maps to. */
export function sendError(response: ServerResponse, error: ErrorShape): void {
  sendJson(response, errorStatus[error.code], { error });
}

/** Reads the whole body up to `limit` bytes; PAYLOAD_TOO_LARGE beyond it (the rest is not buffered). */
export async function readBody(request: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(request.headers['content-length'] ?? NaN);
  if (Number.isFinite(declared) && declared > limit) {
    request.resume();
    throw new LatheError('PAYLOAD_TOO_LARGE', `Request body of ${declared} bytes is over the ${limit}-byte limit`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > limit) {
      request.resume();
      throw new LatheError('PAYLOAD_TOO_LARGE', `Request body is over the ${limit}-byte limit`);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** Reads a JSON body; an empty body is `{}`; malformed JSON is BAD_INPUT naming the position. */
export async function readJson(request: IncomingMessage, limit: number): Promise<unknown> {
  const body = await readBody(request, limit);
  if (body.length === 0) return {};
  try {
    return JSON.parse(body.toString('utf8'));
  } catch (error) {
    throw new LatheError('BAD_INPUT', `Request body is not valid JSON: ${(error as Error).message}`);
  }
}
