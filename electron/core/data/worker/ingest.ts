/**
 * Ingest, inside the ingest worker: reads a data file once, hashing it (SHA-256), checking its structure
 * and copying it into the object store's temp folder in the same pass. Reached through ../ingest-protocol.ts.
 */
import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import type { IngestRequest, IngestResponse } from '../ingest-protocol.js';
import { ValidationError, createValidator } from '../validate.js';

/** Hashes, checks and (when `copyTo` is set) copies `request.source`; a failed copy leaves no file behind. */
export function ingest(request: IngestRequest): IngestResponse {
  const response = readOnce(request);
  if (!response.ok && request.copyTo) rmSync(request.copyTo, { force: true });
  return response;
}

function readOnce(request: IngestRequest): IngestResponse {
  const hasher = createHash('sha256');
  const validator = createValidator(request.format);
  const buffer = Buffer.allocUnsafe(4 * 1024 * 1024);
  let input: number | undefined;
  let output: number | undefined;
  let size = 0;
  try {
    try {
      input = openSync(request.source, 'r');
      if (request.copyTo) output = openSync(request.copyTo, 'wx');
    } catch (error) {
      return { ok: false, io: true, problem: { message: error instanceof Error ? error.message : String(error) } };
    }
    for (;;) {
      const read = readSync(input, buffer, 0, buffer.length, null);
      if (read === 0) break;
      const chunk = buffer.subarray(0, read);
      hasher.update(chunk);
      if (output !== undefined) {
        let written = 0;
        while (written < read) written += writeSync(output, chunk, written, read - written);
      }
      validator.feed(chunk);
      size += read;
    }
    const summary = validator.finish();
    return { ok: true, hash: hasher.digest('hex'), size, summary };
  } catch (error) {
    if (error instanceof ValidationError) return { ok: false, problem: error.problem };
    return { ok: false, io: true, problem: { message: error instanceof Error ? error.message : String(error) } };
  } finally {
    if (input !== undefined) closeSync(input);
    if (output !== undefined) closeSync(output);
  }
}
