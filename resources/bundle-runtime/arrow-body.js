'use strict';
/**
 * Apache Arrow IPC stream bodies for POST /predict (`Content-Type: application/vnd.apache.arrow.stream`),
 * what a pandas or polars user sends with pyarrow (`pa.ipc.new_stream`): one column per input field in,
 * an Arrow stream of the output columns out. Arrow carries typed columns, so a float32 column reaches the
 * model without a copy and no number is printed or parsed; on a small model JSON alone costs more than the
 * scoring (docs/ARCHITECTURE.md, "Bundles"). Apache Arrow's own JavaScript library (vendored with its
 * licence, loaded on the first Arrow request) reads and writes the format; this file maps its columns to
 * the model's schema with the same rules and errors as a JSON body.
 */
const { RequestError, maxRows } = require('./request-error.js');

const arrowMediaType = 'application/vnd.apache.arrow.stream';

let library;
function arrow() {
  return (library = library || require('./vendor/apache-arrow/Arrow.es2015.min.js'));
}

/** A numeric field's values as the typed array its ONNX input takes; nulls are NaN (imputed by the model). */
function numberColumn(vector, field, count) {
  const { DataType, Precision } = arrow();
  const type = vector.type;
  if (!DataType.isFloat(type) && !DataType.isInt(type) && !DataType.isBool(type))
    throw new RequestError(
      `field "${field.name}": expected a numeric column (int, float or bool), got ${type}`,
      field.name,
    );
  const Out = field.onnxType === 'float64' || field.onnxType === 'int64' ? Float64Array : Float32Array;
  // One chunk already of the model's type, without nulls, goes to the model as it is.
  if (vector.data.length === 1) {
    const only = vector.data[0];
    if (only.nullCount === 0 && only.values instanceof Out) return only.values.subarray(0, count);
  }
  const out = new Out(count);
  let at = 0;
  for (const data of vector.data) {
    const values = data.values;
    const length = data.length;
    if (DataType.isBool(data.type)) {
      for (let k = 0; k < length; k++) {
        const bit = data.offset + k;
        out[at + k] = (values[bit >> 3] >> (bit & 7)) & 1;
      }
    } else if (DataType.isFloat(data.type) && data.type.precision === Precision.HALF) {
      for (let k = 0; k < length; k++) out[at + k] = vector.get(at + k);
    } else if (typeof values[0] === 'bigint') {
      for (let k = 0; k < length; k++) out[at + k] = Number(values[k]);
    } else {
      for (let k = 0; k < length; k++) out[at + k] = values[k];
    }
    if (data.nullCount > 0) for (let k = 0; k < length; k++) if (!data.getValid(k)) out[at + k] = NaN;
    at += length;
  }
  return out;
}

function isAscii(bytes) {
  for (let i = 0; i < bytes.length; i++) if (bytes[i] > 127) return false;
  return true;
}

/** A text field's values as strings; nulls are '' (the model's missing category). */
function textColumn(vector, field, count) {
  const { DataType } = arrow();
  const isText = (type) => DataType.isUtf8(type) || DataType.isLargeUtf8(type);
  const type = vector.type;
  const dictionary = DataType.isDictionary(type);
  if (!isText(type) && !(dictionary && isText(type.dictionary)))
    throw new RequestError(
      `field "${field.name}": expected a string column (utf8, large_utf8 or a dictionary of them), got ${type}`,
      field.name,
    );
  const out = new Array(count);
  let at = 0;
  for (const data of vector.data) {
    const length = data.length;
    if (dictionary) {
      // Decode each distinct value once (a pandas categorical sends a handful), then look the indices up.
      const words = data.dictionary.toArray();
      const indices = data.values;
      for (let k = 0; k < length; k++) out[at + k] = words[indices[k]];
    } else {
      const bytes = data.values;
      const offsets = data.valueOffsets;
      const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      if (isAscii(bytes)) {
        // ASCII bytes are their characters: decode the column once and cut it (7x faster than value by value).
        const whole = text.latin1Slice(0, bytes.byteLength);
        for (let k = 0; k < length; k++) out[at + k] = whole.slice(Number(offsets[k]), Number(offsets[k + 1]));
      } else {
        for (let k = 0; k < length; k++)
          out[at + k] = text.toString('utf8', Number(offsets[k]), Number(offsets[k + 1]));
      }
    }
    if (data.nullCount > 0) for (let k = 0; k < length; k++) if (!data.getValid(k)) out[at + k] = '';
    at += length;
  }
  return out;
}

/**
 * Reads an Arrow IPC stream (or file) body against the input schema: every field a column of its name, no
 * unknown column, numbers for numeric fields and strings for text fields. Returns what parseRequest does.
 */
function readArrowRequest(schema, bytes) {
  const { RecordBatchReader, makeVector } = arrow();
  let received;
  let batches;
  try {
    // The reader without a Table around it: a Table costs twice as much for a 1,000-row batch.
    const reader = RecordBatchReader.from(bytes).open();
    received = reader.schema;
    batches = reader.readAll();
  } catch (error) {
    throw new RequestError(
      `the body is not an Arrow IPC stream: ${error && error.message ? error.message : error}`,
      null,
    );
  }
  if (!received) throw new RequestError('the body is not an Arrow IPC stream: it has no schema', null);
  const known = new Set(schema.fields.map((f) => f.name));
  for (const column of received.fields)
    if (!known.has(column.name)) throw new RequestError(`unknown field "${column.name}"`, column.name);
  let count = 0;
  for (const batch of batches) count += batch.numRows;
  if (count > maxRows) throw new RequestError(`at most ${maxRows} rows per request, got ${count}`, null, 413);
  const columns = new Map();
  for (const field of schema.fields) {
    const index = received.fields.findIndex((f) => f.name === field.name);
    if (index < 0) throw new RequestError(`missing field "${field.name}"`, field.name);
    const vector = makeVector(batches.map((batch) => batch.data.children[index]));
    columns.set(
      field.name,
      field.type === 'string' ? textColumn(vector, field, count) : numberColumn(vector, field, count),
    );
  }
  if (count === 0) throw new RequestError('no rows to score', null);
  return { shape: 'arrow', count, columns };
}

/** A string column as a utf8 vector, written in one piece when every character is ASCII (labels usually are). */
function textVector(values) {
  const { Utf8, makeData, makeVector } = arrow();
  const offsets = new Int32Array(values.length + 1);
  const joined = values.join('');
  let bytes;
  // Every character is ASCII exactly when the UTF-8 bytes are as many as the characters.
  if (Buffer.byteLength(joined, 'utf8') === joined.length) {
    for (let i = 0; i < values.length; i++) offsets[i + 1] = offsets[i] + values[i].length;
    bytes = Buffer.from(joined, 'latin1');
  } else {
    for (let i = 0; i < values.length; i++) offsets[i + 1] = offsets[i] + Buffer.byteLength(values[i]);
    bytes = Buffer.from(joined, 'utf8');
  }
  return makeVector(
    makeData({ type: new Utf8(), length: values.length, nullCount: 0, valueOffsets: offsets, data: bytes }),
  );
}

/**
 * The answer as an Arrow IPC stream: one column per output, named as in a JSON answer. Numeric outputs go
 * out as the tensors gave them (float32 probabilities stay float32); one record batch, no Table around it
 * (half the cost for a 1,000-row answer).
 */
function writeArrowAnswer(columns) {
  const { RecordBatch, RecordBatchStreamWriter, makeVector } = arrow();
  const vectors = {};
  for (const column of columns)
    vectors[column.name] = Array.isArray(column.values) ? textVector(column.values) : makeVector(column.values);
  const writer = new RecordBatchStreamWriter();
  writer.write(new RecordBatch(vectors));
  writer.finish();
  return Buffer.from(writer.toUint8Array(true));
}

/** Rows of JSON values as an Arrow IPC stream of the schema's columns (what a client sends; selftest.js uses it). */
function writeArrowRequest(schema, rows) {
  const { Float64, Table, Utf8, tableToIPC, vectorFromArray } = arrow();
  const vectors = {};
  for (const field of schema.fields) {
    const values = rows.map((row) => (row[field.name] === undefined ? null : row[field.name]));
    vectors[field.name] =
      field.type === 'string'
        ? vectorFromArray(
            values.map((v) => (v === null ? null : String(v))),
            new Utf8(),
          )
        : vectorFromArray(
            values.map((v) => (v === null ? null : Number(v))),
            new Float64(),
          );
  }
  return Buffer.from(tableToIPC(new Table(vectors), 'stream'));
}

/** An Arrow answer's rows as plain objects (numbers and strings), to compare with a JSON answer. */
function readArrowAnswer(bytes) {
  const table = arrow().tableFromIPC(bytes);
  const columns = table.schema.fields.map((f) => [
    f.name,
    Array.from(table.getChild(f.name).toArray(), (v) => (typeof v === 'bigint' ? Number(v) : v)),
  ]);
  return Array.from({ length: table.numRows }, (_, i) =>
    Object.fromEntries(columns.map(([name, values]) => [name, values[i]])),
  );
}

module.exports = { arrowMediaType, readArrowRequest, writeArrowAnswer, writeArrowRequest, readArrowAnswer };
