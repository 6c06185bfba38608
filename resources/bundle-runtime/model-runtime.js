'use strict';
/**
 * The one piece of a Lathe bundle that knows the model: reads manifest.json, opens model.onnx with
 * onnxruntime-node, checks a request body against the input schema (a 400 names the field), scores it
 * and answers. The server, the Lambda handler, the Cloud Function and selftest.js all call this module,
 * so the three targets score and validate the same way. Plain CommonJS, run by plain `node`, no build
 * step and nothing of Lathe: it ships inside the bundle.
 */
const fs = require('node:fs');
const path = require('node:path');
const { RequestError, maxRows } = require('./request-error.js');
const { arrowMediaType, readArrowRequest, writeArrowAnswer } = require('./arrow-body.js');
const { answerText } = require('./json-answer.js');

/** Reads the manifest of the bundle in `dir`. */
function readManifest(dir) {
  return JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
}

/** Turns one JSON value into a number for a numeric field; null means missing (NaN, imputed by the model). */
function toNumber(value, field, row) {
  if (value === null) return NaN;
  if (typeof value === 'number') return value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value))) return Number(value);
  throw new RequestError(
    `field "${field}"${row === undefined ? '' : ` (row ${row})`}: expected a number or null, got ${JSON.stringify(value)}`,
    field,
  );
}

/** Turns one JSON value into a string for a text field; null means missing (''). */
function toText(value, field, row) {
  if (value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new RequestError(
    `field "${field}"${row === undefined ? '' : ` (row ${row})`}: expected a string or null, got ${JSON.stringify(value)}`,
    field,
  );
}

/**
 * Checks a request body against the input schema and returns its columns. Accepted: `{"rows": [{…}]}`,
 * a bare array of rows, or `{"columns": {"field": […]}}`. Every field must be present (null for a
 * missing value); an unknown field is refused, so a typo is an error, not a silently ignored column.
 */
function parseRequest(schema, body) {
  if (body === null || typeof body !== 'object')
    throw new RequestError('the body must be a JSON object with "rows" or "columns"', null);
  const fields = schema.fields;
  const known = new Set(fields.map((f) => f.name));
  const columns = new Map();
  let count;
  let shape;
  if (Array.isArray(body) || Array.isArray(body.rows)) {
    if (!Array.isArray(body)) {
      const extra = Object.keys(body).find((key) => key !== 'rows');
      if (extra) throw new RequestError(`unknown key "${extra}" beside "rows"`, extra);
    }
    const rows = Array.isArray(body) ? body : body.rows;
    shape = 'rows';
    count = rows.length;
    if (count > maxRows) throw new RequestError(`at most ${maxRows} rows per request, got ${count}`, 'rows', 413);
    for (const field of fields) columns.set(field.name, new Array(count));
    for (let i = 0; i < count; i++) {
      const row = rows[i];
      if (row === null || typeof row !== 'object' || Array.isArray(row))
        throw new RequestError(`row ${i} must be an object of field values`, 'rows');
      for (const key in row) if (!known.has(key)) throw new RequestError(`row ${i}: unknown field "${key}"`, key);
      for (const field of fields) {
        if (!(field.name in row)) throw new RequestError(`row ${i}: missing field "${field.name}"`, field.name);
        columns.get(field.name)[i] = row[field.name];
      }
    }
  } else if (body.columns !== null && typeof body.columns === 'object' && !Array.isArray(body.columns)) {
    const extra = Object.keys(body).find((key) => key !== 'columns');
    if (extra) throw new RequestError(`unknown key "${extra}" beside "columns"`, extra);
    shape = 'columns';
    for (const key of Object.keys(body.columns))
      if (!known.has(key)) throw new RequestError(`unknown field "${key}"`, key);
    for (const field of fields) {
      const values = body.columns[field.name];
      if (values === undefined) throw new RequestError(`missing field "${field.name}"`, field.name);
      if (!Array.isArray(values)) throw new RequestError(`field "${field.name}" must be an array`, field.name);
      if (count === undefined) count = values.length;
      else if (values.length !== count)
        throw new RequestError(`field "${field.name}" has ${values.length} values, the others ${count}`, field.name);
      columns.set(field.name, values);
    }
    count = count || 0;
    if (count > maxRows) throw new RequestError(`at most ${maxRows} rows per request, got ${count}`, 'columns', 413);
  } else {
    throw new RequestError('the body must hold "rows" (an array of objects) or "columns" (an object of arrays)', null);
  }
  if (count === 0) throw new RequestError('no rows to score', shape);
  // Convert and check every value now, so a bad one is a 400 naming its field before anything is scored.
  const typed = new Map();
  for (const field of fields) {
    const values = columns.get(field.name);
    if (field.type === 'string') {
      const out = new Array(count);
      for (let i = 0; i < count; i++) out[i] = toText(values[i], field.name, shape === 'rows' ? i : undefined);
      typed.set(field.name, out);
    } else {
      const out = new Float64Array(count);
      for (let i = 0; i < count; i++) out[i] = toNumber(values[i], field.name, shape === 'rows' ? i : undefined);
      typed.set(field.name, out);
    }
  }
  return { shape, count, columns: typed };
}

/** The typed array ONNX Runtime wants for an input of `type`, from numeric values (an Arrow column may already be it). */
function numericTensorData(type, values) {
  if ((type === 'float32' && values instanceof Float32Array) || (type === 'float64' && values instanceof Float64Array))
    return values;
  switch (type) {
    case 'float64':
      return Float64Array.from(values);
    case 'int64':
      return BigInt64Array.from(values, (v) => BigInt(Math.trunc(v) || 0));
    case 'int32':
      return Int32Array.from(values, (v) => Math.trunc(v) || 0);
    case 'bool':
      return Uint8Array.from(values, (v) => (v ? 1 : 0));
    default:
      return Float32Array.from(values);
  }
}

/** Builds the session feeds, as Lathe's own scoring does (infer/scoring.ts): one column per named input, or one 2-D tensor. */
function buildFeeds(ort, schema, parsed) {
  const count = parsed.count;
  if (schema.mode === 'tensor') {
    const width = schema.fields.length;
    const data = schema.elementType === 'float64' ? new Float64Array(count * width) : new Float32Array(count * width);
    schema.fields.forEach((field, j) => {
      const values = parsed.columns.get(field.name);
      for (let i = 0; i < count; i++) data[i * width + j] = values[i];
    });
    return { [schema.tensorInput]: new ort.Tensor(schema.elementType, data, [count, width]) };
  }
  const feeds = {};
  for (const field of schema.fields) {
    const values = parsed.columns.get(field.name);
    const dims = field.rank === 1 ? [count] : [count, 1];
    const data = field.onnxType === 'string' ? values : numericTensorData(field.onnxType, values);
    feeds[field.input] = new ort.Tensor(field.onnxType, data, dims);
  }
  return feeds;
}

/**
 * Output columns as `lathe predict` names them: `<output>`, or per class (`probability_<class>`) / per
 * index. Values stay as the tensor gives them (a typed array, or strings) until an answer is written.
 */
function outputColumns(results, outputNames, count, classes) {
  const columns = [];
  for (const name of outputNames) {
    const tensor = results[name];
    if (!tensor || !tensor.dims) continue;
    const width = tensor.dims.length <= 1 ? 1 : tensor.dims.slice(1).reduce((p, d) => p * d, 1);
    const data = tensor.data;
    const isString = tensor.type === 'string';
    if (width === 1) {
      columns.push({ name, values: isString ? Array.from(data, String) : data.subarray(0, count) });
      continue;
    }
    for (let j = 0; j < width; j++) {
      const values = isString ? new Array(count) : new data.constructor(count);
      for (let i = 0; i < count; i++) values[i] = isString ? String(data[i * width + j]) : data[i * width + j];
      let column = `${name}_${j}`;
      if (classes && classes.length === width)
        column = `${name === 'probabilities' ? 'probability' : name}_${classes[j]}`;
      columns.push({ name: column, values });
    }
  }
  return columns;
}

/** A loaded bundle: its manifest and the model's session; `predictJson` takes a parsed JSON body, `predictArrow` an Arrow stream. */
async function loadBundle(dir, options) {
  const ort = require('onnxruntime-node');
  const manifest = readManifest(dir);
  // ONNX Runtime's pool threads would otherwise busy-wait after each run, taking the CPU the JavaScript thread
  // needs to parse the next request and write the answer (on 2 cores this cost the server 3-5x its throughput).
  const sessionOptions = {
    executionProviders: ['cpu'],
    graphOptimizationLevel: 'all',
    extra: { session: { intra_op: { allow_spinning: '0' } } },
  };
  if (options && options.intraOpThreads) sessionOptions.intraOpNumThreads = options.intraOpThreads;
  const session = await ort.InferenceSession.create(path.join(dir, 'model.onnx'), sessionOptions);
  const schema = manifest.schema.input;
  const classes = manifest.model.classes;
  /** Scores a checked request (parseRequest or readArrowRequest): the output columns. */
  async function score(parsed) {
    const results = await session.run(buildFeeds(ort, schema, parsed));
    return outputColumns(results, session.outputNames, parsed.count, classes);
  }
  const head = (rows) => ({ model: manifest.model.name, version: manifest.model.version, rows });
  /**
   * Scores a JSON body into the answer's text; the answer keeps the request's shape (rows in, rows out;
   * columns in, columns out).
   */
  async function predictJson(body) {
    const parsed = parseRequest(schema, body);
    const columns = await score(parsed);
    return { rows: parsed.count, text: answerText(head(parsed.count), columns, parsed.shape) };
  }
  /** Scores an Arrow IPC body; the answer is the output columns, as JSON columns (text) or as an Arrow stream. */
  async function predictArrow(bytes, answerAs) {
    const parsed = readArrowRequest(schema, bytes);
    const columns = await score(parsed);
    if (answerAs === 'json') return { rows: parsed.count, text: answerText(head(parsed.count), columns, 'columns') };
    return { rows: parsed.count, arrow: writeArrowAnswer(columns) };
  }
  /** What GET /metadata answers: the model, its schema, metrics, lineage and validation. */
  function metadata() {
    return {
      model: manifest.model,
      schema: manifest.schema,
      metrics: manifest.metrics,
      lineage: manifest.lineage,
      validation: manifest.validation,
      target: manifest.target,
      runtime: { node: process.version, onnxruntime: ort.env.versions ? ort.env.versions.common : null },
    };
  }
  return { manifest, session, predictJson, predictArrow, metadata, release: () => session.release() };
}

/** A JSON answer from its text. */
function jsonText(status, text) {
  return { status, headers: { 'content-type': 'application/json' }, body: text };
}

/** A JSON answer. */
function json(status, value) {
  return jsonText(status, JSON.stringify(value));
}

/** A header's value from a plain object of headers, whatever the case of its name (API Gateway keeps the client's). */
function headerOf(headers, name) {
  if (!headers) return '';
  for (const key of Object.keys(headers)) if (key.toLowerCase() === name) return String(headers[key] || '');
  return '';
}

/** True when a Content-Type or Accept value names the Arrow stream (or file) format. */
function namesArrow(value) {
  return /application\/vnd\.apache\.arrow\.(stream|file)/i.test(value);
}

/**
 * Routes one request the same way for every target: POST /predict, GET /health, GET /metadata.
 * `body` is the raw body (a string or bytes) or an already parsed object (as the functions framework
 * hands JSON over); `headers` gives Content-Type (JSON, or an Arrow IPC stream) and Accept (an Arrow
 * body is answered as an Arrow stream unless Accept asks for JSON only). Paths are matched on their
 * last segment, so a stage prefix (API Gateway's `/prod/predict`) works.
 */
async function route(bundle, method, rawPath, body, headers) {
  const segment =
    '/' +
    String(rawPath || '/')
      .split('?')[0]
      .replace(/\/+$/, '')
      .split('/')
      .pop();
  try {
    if (segment === '/health' && method === 'GET') return json(200, { status: 'ok' });
    if (segment === '/metadata' && method === 'GET') return json(200, bundle.metadata());
    if (segment === '/predict') {
      if (method !== 'POST') return json(405, { error: { code: 'METHOD_NOT_ALLOWED', message: 'use POST /predict' } });
      if (namesArrow(headerOf(headers, 'content-type'))) {
        if (!(body instanceof Uint8Array))
          throw new RequestError(
            `an Arrow body must arrive as bytes, not text (API Gateway: add ${arrowMediaType} to the binary media types)`,
            null,
          );
        const accept = headerOf(headers, 'accept');
        const answerAs = /application\/json/i.test(accept) && !namesArrow(accept) ? 'json' : 'arrow';
        const result = await bundle.predictArrow(body, answerAs);
        if (result.text !== undefined) return { ...jsonText(200, result.text), rows: result.rows };
        return { status: 200, headers: { 'content-type': arrowMediaType }, body: result.arrow, rows: result.rows };
      }
      let parsed = body;
      if (typeof body === 'string' || body instanceof Uint8Array) {
        try {
          parsed = JSON.parse(
            typeof body === 'string'
              ? body
              : Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8'),
          );
        } catch (error) {
          throw new RequestError(`the body is not JSON: ${error.message}`, null);
        }
      }
      const result = await bundle.predictJson(parsed);
      return { ...jsonText(200, result.text), rows: result.rows };
    }
    return json(404, { error: { code: 'NOT_FOUND', message: `no route ${method} ${segment}` } });
  } catch (error) {
    if (error instanceof RequestError)
      return json(error.status, {
        error: {
          code: error.status === 413 ? 'PAYLOAD_TOO_LARGE' : 'BAD_INPUT',
          message: error.message,
          field: error.field,
        },
      });
    return json(500, { error: { code: 'INTERNAL', message: String(error && error.message ? error.message : error) } });
  }
}

module.exports = { loadBundle, route, parseRequest, RequestError, readManifest, maxRows };
