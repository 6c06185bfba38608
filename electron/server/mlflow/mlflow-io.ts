/**
 * Reading MLflow requests and writing MLflow responses: bodies as protobuf JSON (int64 as numbers or
 * strings, doubles as numbers or "NaN"/"Infinity"), query strings for GET, and MLflow's error shape
 * `{error_code, message}` with its statuses (https://mlflow.org/docs/latest/rest-api.html).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LatheError, toErrorShape } from '../../../shared/errors.js';
import type { Core } from '../../core/core.js';
import { baseHeaders, readBody } from '../http-io.js';

/** An MLflow error: code, HTTP status and message. */
export class MlflowError extends Error {
  constructor(
    readonly errorCode: string,
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** MLflow's error code and status for a Lathe error code. */
const fromLathe: Record<string, [string, number]> = {
  BAD_INPUT: ['INVALID_PARAMETER_VALUE', 400],
  UNKNOWN_METHOD: ['ENDPOINT_NOT_FOUND', 404],
  NOT_FOUND: ['RESOURCE_DOES_NOT_EXIST', 404],
  ALREADY_EXISTS: ['RESOURCE_ALREADY_EXISTS', 400],
  CONFLICT: ['INVALID_STATE', 400],
  PAYLOAD_TOO_LARGE: ['INVALID_PARAMETER_VALUE', 413],
  UNAUTHORIZED: ['UNAUTHENTICATED', 401],
  FORBIDDEN: ['PERMISSION_DENIED', 403],
};

/** Writes a JSON body. */
export function sendMlflowJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    ...baseHeaders,
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
  });
  response.end(text);
}

/** Writes any thrown value as MLflow's error shape. */
export function sendMlflowError(response: ServerResponse, error: unknown): void {
  if (response.headersSent) {
    response.destroy();
    return;
  }
  if (error instanceof MlflowError) {
    sendMlflowJson(response, error.status, { error_code: error.errorCode, message: error.message });
    return;
  }
  const shape = toErrorShape(error);
  const [code, status] = fromLathe[shape.code] ?? ['INTERNAL_ERROR', 500];
  if (status === 500) console.error('lathe: MLflow API request failed:', error);
  sendMlflowJson(response, status, { error_code: code, message: shape.message });
}

/** How deeply arrays and objects may nest in an MLflow body (MLflow's own messages nest 4 levels at most). */
export const maxBodyNesting = 64;

/**
 * INVALID_PARAMETER_VALUE when a parsed body nests arrays or objects deeper than {@link maxBodyNesting}
 * (error messages and checks would otherwise recurse into it). Walks only containers, without recursion:
 * a 1000-point log-batch is about a thousand steps.
 */
export function checkNesting(body: unknown): void {
  const containers: unknown[] = [body];
  const depths: number[] = [1];
  while (containers.length > 0) {
    const value = containers.pop() as object;
    const depth = depths.pop()!;
    if (depth > maxBodyNesting)
      invalid(`The request body nests arrays or objects deeper than ${maxBodyNesting} levels`);
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i += 1) {
        const child: unknown = value[i];
        if (typeof child === 'object' && child !== null) {
          containers.push(child);
          depths.push(depth + 1);
        }
      }
      continue;
    }
    for (const key in value) {
      const child: unknown = (value as Record<string, unknown>)[key];
      if (typeof child === 'object' && child !== null) {
        containers.push(child);
        depths.push(depth + 1);
      }
    }
  }
}

/** A request's fields: the JSON body for POST/PATCH, the query string for GET (repeated keys become lists). */
export type Fields = Record<string, unknown>;

/** Reads the request's fields; INVALID_PARAMETER_VALUE on malformed JSON, 413 past `limit` bytes. */
export async function readFields(request: IncomingMessage, url: URL, limit: number): Promise<Fields> {
  if (request.method === 'GET' || request.method === 'HEAD') {
    const fields: Fields = {};
    for (const [key, value] of url.searchParams) {
      if (key === 'token') continue;
      const existing = fields[key];
      fields[key] = existing === undefined ? value : Array.isArray(existing) ? [...existing, value] : [existing, value];
    }
    return fields;
  }
  const body = await readBody(request, limit);
  if (body.length === 0) return {};
  const parsed = parseLenientJson(body.toString('utf8'));
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new LatheError('BAD_INPUT', 'The request body must be a JSON object');
  checkNesting(parsed);
  return parsed as Fields;
}

/** JSON.parse, also accepting the bare NaN, Infinity and -Infinity Python's json module writes. */
export function parseLenientJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (first) {
    // Replace bare NaN/Infinity tokens outside strings with marker strings, then parse again.
    let out = '';
    let inString = false;
    for (let i = 0; i < text.length; i += 1) {
      const c = text[i]!;
      if (inString) {
        out += c;
        if (c === '\\') {
          out += text[i + 1] ?? '';
          i += 1;
        } else if (c === '"') inString = false;
        continue;
      }
      if (c === '"') {
        inString = true;
        out += c;
        continue;
      }
      const rest = text.slice(i, i + 9);
      const token = rest.startsWith('-Infinity')
        ? '-Infinity'
        : rest.startsWith('Infinity')
          ? 'Infinity'
          : rest.startsWith('NaN')
            ? 'NaN'
            : undefined;
      if (token) {
        out += `"${token}"`;
        i += token.length - 1;
        continue;
      }
      out += c;
    }
    try {
      return JSON.parse(out);
    } catch {
      throw new LatheError('BAD_INPUT', `Malformed JSON body: ${(first as Error).message}`);
    }
  }
}

/** One endpoint: the HTTP methods it answers, its body limit (default 16 MB) and what it does with the fields. */
export interface Endpoint {
  methods: string[];
  bodyLimit?: number;
  /** Answers with the fields, the HTTP method and the path parameters (`{model_id}` …), in path order. */
  run(fields: Fields, method: string, params: string[]): unknown;
}

/** An endpoint family (experiments, runs, metrics …): endpoints by path after `/api/2.0/mlflow/`. */
export type EndpointFamily = (core: Core) => Record<string, Endpoint>;

/** An experiment id: digits only; INVALID_PARAMETER_VALUE otherwise. */
export function checkExperimentId(id: string): string {
  if (!/^\d{1,18}$/.test(id))
    throw new MlflowError(
      'INVALID_PARAMETER_VALUE',
      400,
      `Invalid experiment id "${id.slice(0, 50)}": it must be a number`,
    );
  return id;
}

/** The run id of a request (run_id, or the older run_uuid). */
export function runIdOf(fields: Fields): string {
  const id = stringField(fields, 'run_id') ?? stringField(fields, 'run_uuid');
  if (!id) invalid("Missing value for required parameter 'run_id'.");
  return id;
}

/** Throws MLflow's INVALID_PARAMETER_VALUE (400) with this message. */
export function invalid(message: string): never {
  throw new MlflowError('INVALID_PARAMETER_VALUE', 400, message);
}

/** A required or optional string field. */
export function stringField(fields: Fields, name: string, required: true): string;
export function stringField(fields: Fields, name: string, required?: false): string | undefined;
export function stringField(fields: Fields, name: string, required = false): string | undefined {
  const value = fields[name];
  if (value === undefined || value === null || value === '') {
    if (required)
      invalid(
        `Missing value for required parameter '${name}'. See the API docs for more information about request parameters.`,
      );
    return value === '' ? '' : undefined;
  }
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value !== 'string')
    invalid(
      `Invalid value ${JSON.stringify(value).slice(0, 100)} for parameter '${name}' supplied: it must be a string`,
    );
  return value;
}

/** An int64 field: a number or a string of digits (protobuf JSON writes int64 either way). */
export function int64Field(fields: Fields, name: string, required = false): number | undefined {
  const value = fields[name];
  if (value === undefined || value === null || value === '') {
    if (required) invalid(`Missing value for required parameter '${name}'.`);
    return undefined;
  }
  const number = typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isSafeInteger(number))
    invalid(
      `Invalid value ${JSON.stringify(value).slice(0, 100)} for parameter '${name}' supplied: it must be an integer`,
    );
  return number;
}

/** A double: a number, a numeric string, or "NaN", "Infinity", "-Infinity". */
export function doubleValue(value: unknown, name: string): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string') {
    const text = value.trim();
    if (text === 'NaN' || text === 'nan') return NaN;
    if (text === 'Infinity' || text === 'inf') return Infinity;
    if (text === '-Infinity' || text === '-inf') return -Infinity;
    if (text !== '' && !Number.isNaN(Number(text))) return Number(text);
  }
  return invalid(
    `Invalid value ${JSON.stringify(value)?.slice(0, 100)} for parameter '${name}' supplied: it must be a number`,
  );
}

/** A repeated field: a list (a single query value becomes a list of one). */
export function listField(fields: Fields, name: string): unknown[] {
  const value = fields[name];
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

/** A metric value for protobuf JSON: NaN and the infinities as strings. */
export function doubleJson(value: number | null): number | string {
  if (value === null || Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return 'Infinity';
  if (value === -Infinity) return '-Infinity';
  return value;
}

/** `[{key, value}]` from a list field; INVALID_PARAMETER_VALUE when an entry is not one. */
export function keyValues(list: unknown[], what: string): { key: string; value: string }[] {
  return list.map((item, index) => {
    if (typeof item !== 'object' || item === null) invalid(`${what}[${index}] must be an object with key and value`);
    const entry = item as Record<string, unknown>;
    const key = stringField(entry, 'key', true);
    const raw = entry.value;
    const value =
      raw === undefined || raw === null
        ? ''
        : typeof raw === 'string'
          ? raw
          : typeof raw === 'number' || typeof raw === 'boolean'
            ? String(raw)
            : invalid(`${what}[${index}].value must be a string`);
    return { key, value };
  });
}
