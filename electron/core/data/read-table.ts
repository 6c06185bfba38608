/**
 * Reading and writing tables for the rest of the core (training, scoring, drift): describe a file,
 * read some columns, stream it in batches, write columns back. Everything goes through DuckDB and
 * reaches JS as typed columns: numeric and boolean columns as Float64Array (NaN for missing), the
 * others as string|null arrays. Object-store files have no extension, so pass `format` for them
 * (the dataset version record says which).
 */
import type { DuckDBConnection, DuckDBDataChunk } from '@duckdb/node-api';
// The C API under @duckdb/node-api (same pinned version): numeric vectors are copied as whole buffers, not value by value.
import duckdb from '@duckdb/node-bindings';
import { LatheError } from '../../../shared/errors.js';
import {
  baseTypeOf,
  isSniffError,
  readError,
  refineStringType,
  resolveFormat,
  sourceSql,
  sqlIdentifier,
  sqlString,
  withConnection,
  openConnection,
  dataEngine,
  type ColumnType,
  type ReadOptions,
  type TableFormat,
} from './engine.js';

export type { ColumnType, TableFormat } from './engine.js';

/** One column: its name and Lathe type. */
export interface TableColumn {
  name: string;
  type: ColumnType;
}

/** What {@link describeTable} finds. */
export interface TableDescription {
  format: TableFormat;
  rows: number;
  columns: TableColumn[];
}

/** Column values as they reach JS. */
export type ColumnValues = Float64Array | (string | null)[];

/** Options every reader takes. */
export interface ReadTableOptions {
  /** Required for files without a telling extension (object-store files). */
  format?: TableFormat;
  /** Forces how a column is handed over (numeric types as Float64Array, others as strings); defaults to the file's own types. */
  types?: Record<string, ColumnType>;
}

/** Options of {@link readColumns}. */
export interface ReadColumnsOptions extends ReadTableOptions {
  limit?: number;
  offset?: number;
  /**
   * Rows the caller expects (a dataset record or a description knows them): numeric columns are then
   * allocated once at that size instead of growing by doubling and being trimmed by a final copy.
   */
  expectedRows?: number;
}

/** Records that `path` must be read with `options` (the dataset service knows this from the version record). */
export function rememberReadOptions(path: string, options: Pick<ReadOptions, 'sampleSize'>): void {
  dataEngine().rememberSampleSize(path, options.sampleSize);
}

/** The read options in force for `path`. */
export function readOptionsFor(path: string, format: TableFormat): ReadOptions {
  const sampleSize = dataEngine().sampleSizeFor(path);
  return sampleSize === undefined ? { format } : { format, sampleSize };
}

/**
 * Runs a query over `path` (given the table expression), retrying once with a full-file type sniff
 * when DuckDB's sampled types do not fit a later value. Errors name the file.
 */
export async function queryTable<T>(
  path: string,
  format: TableFormat,
  work: (connection: DuckDBConnection, source: string, options: ReadOptions) => Promise<T>,
  label: string = path,
): Promise<T> {
  const options = readOptionsFor(path, format);
  try {
    return await withConnection((connection) => work(connection, sourceSql(path, options), options));
  } catch (error) {
    if (format === 'parquet' || options.sampleSize === -1 || !isSniffError(error)) throw readError(label, error);
  }
  const full: ReadOptions = { format, sampleSize: -1 };
  try {
    const result = await withConnection((connection) => work(connection, sourceSql(path, full), full));
    dataEngine().rememberSampleSize(path, -1);
    return result;
  } catch (error) {
    throw readError(label, error);
  }
}

/** The DuckDB column names and types of a table expression (reads only the sniffing sample). */
export async function rawSchema(
  connection: DuckDBConnection,
  source: string,
): Promise<{ name: string; duckType: string }[]> {
  const reader = await connection.runAndReadAll(`DESCRIBE SELECT * FROM ${source}`);
  return reader
    .getRowObjectsJson()
    .map((row) => ({ name: String(row.column_name), duckType: String(row.column_type) }));
}

/** Reads the whole file once to count rows and tell categorical from text columns. */
export async function describeTable(path: string, options: ReadTableOptions = {}): Promise<TableDescription> {
  const format = resolveFormat(path, options.format);
  return queryTable(path, format, async (connection, source) => {
    const schema = await rawSchema(connection, source);
    const stringColumns = schema.filter((c) => baseTypeOf(c.duckType) === 'string');
    const parts = ['count(*) AS "rows"'];
    // min() of every typed column forces DuckDB to convert each value, so a wrong sampled type shows up here.
    schema.forEach((c, i) => {
      if (baseTypeOf(c.duckType) !== 'string') parts.push(`min(${sqlIdentifier(c.name)}) AS m${i}`);
    });
    stringColumns.forEach((c, i) => {
      const v = `CAST(${sqlIdentifier(c.name)} AS VARCHAR)`;
      parts.push(`approx_count_distinct(${v}) AS d${i}`, `count(${v}) AS n${i}`, `avg(length(${v})) AS l${i}`);
    });
    const row = (await connection.runAndReadAll(`SELECT ${parts.join(', ')} FROM ${source}`)).getRowObjectsJson()[0]!;
    const refined = new Map<string, ColumnType>();
    stringColumns.forEach((c, i) => {
      refined.set(
        c.name,
        refineStringType(Number(row[`d${i}`] ?? 0), Number(row[`n${i}`] ?? 0), Number(row[`l${i}`] ?? 0)),
      );
    });
    const columns = schema.map((c) => {
      const base = baseTypeOf(c.duckType);
      const type = options.types?.[c.name] ?? (base === 'string' ? refined.get(c.name)! : base);
      return { name: c.name, type };
    });
    return { format, rows: Number(row.rows), columns };
  });
}

interface Projection {
  select: string;
  names: string[];
  numeric: boolean[];
}

async function project(
  connection: DuckDBConnection,
  source: string,
  path: string,
  columns: string[],
  types?: Record<string, ColumnType>,
): Promise<Projection> {
  const schema = await rawSchema(connection, source);
  const byName = new Map(schema.map((c) => [c.name, c]));
  const numeric: boolean[] = [];
  const parts: string[] = [];
  for (const name of columns) {
    const column = byName.get(name);
    if (!column) {
      throw new LatheError(
        'BAD_INPUT',
        `${path}: no column "${name}" (columns: ${schema
          .map((c) => c.name)
          .slice(0, 20)
          .join(', ')}${schema.length > 20 ? ', …' : ''})`,
        {
          file: path,
          column: name,
        },
      );
    }
    const forced = types?.[name];
    const base = baseTypeOf(column.duckType);
    const isNumber = forced
      ? forced === 'integer' || forced === 'float' || forced === 'boolean'
      : base === 'integer' || base === 'float' || base === 'boolean';
    numeric.push(isNumber);
    // TRY_CAST: an override to a numeric type turns values that are not numbers into missing (NaN), not an error.
    parts.push(isNumber ? `TRY_CAST(${sqlIdentifier(name)} AS DOUBLE)` : `CAST(${sqlIdentifier(name)} AS VARCHAR)`);
  }
  return { select: parts.length > 0 ? parts.join(', ') : '1', names: columns, numeric };
}

/** A column being filled chunk by chunk. */
class ColumnBuilder {
  private numbers: Float64Array;
  private readonly strings: (string | null)[] = [];
  length = 0;

  constructor(
    readonly numeric: boolean,
    capacity = 4096,
  ) {
    this.numbers = new Float64Array(numeric ? capacity : 0);
  }

  append(chunk: DuckDBDataChunk, index: number): void {
    const count = chunk.rowCount;
    if (this.numeric) {
      if (this.length + count > this.numbers.length) {
        const grown = new Float64Array(Math.max(this.numbers.length * 2, this.length + count));
        grown.set(this.numbers.subarray(0, this.length));
        this.numbers = grown;
      }
      copyDoubles(chunk, index, count, this.numbers, this.length);
    } else {
      const vector = chunk.getColumnVector(index);
      for (let i = 0; i < count; i++) this.strings.push(vector.getItem(i) as string | null);
    }
    this.length += count;
  }

  finish(): ColumnValues {
    if (!this.numeric) return this.strings;
    // Filled exactly (the expected row count was right): hand the buffer over without a trimming copy.
    return this.length === this.numbers.length ? this.numbers : this.numbers.slice(0, this.length);
  }
}

/** A DOUBLE column of a chunk as a Float64Array (one buffer copy; missing values NaN). */
/**
 * Copies rows [from, from + take) of a DOUBLE column of a chunk of `count` rows into `target` at `at`, as
 * one buffer copy; missing values become NaN. (Projections cast every numeric column to DOUBLE; chunks
 * from the C API are flat.)
 */
function copyDoubles(
  chunk: DuckDBDataChunk,
  index: number,
  count: number,
  target: Float64Array,
  at: number,
  from = 0,
  take = count,
): void {
  const vector = duckdb.data_chunk_get_vector(chunk.chunk, index);
  const bytes = duckdb.vector_get_data(vector, count * 8);
  if (bytes.byteOffset % 8 === 0) target.set(new Float64Array(bytes.buffer, bytes.byteOffset + from * 8, take), at);
  else
    new Uint8Array(target.buffer, target.byteOffset + at * 8, take * 8).set(
      bytes.subarray(from * 8, (from + take) * 8),
    );
  const validity = duckdb.vector_get_validity(vector, Math.ceil(count / 64) * 8);
  if (!validity) return;
  const end = from + take;
  for (let b = from >> 3; b * 8 < end; b++) {
    const mask = validity[b]!;
    if (mask === 0xff) continue;
    for (let i = Math.max(b * 8, from); i < Math.min(b * 8 + 8, end); i++)
      if ((mask & (1 << (i & 7))) === 0) target[at + i - from] = Number.NaN;
  }
}

/** Reads the named columns (all rows, or `limit` rows from `offset`), in file order. */
export async function readColumns(
  path: string,
  columns: string[],
  options: ReadColumnsOptions = {},
): Promise<Map<string, ColumnValues>> {
  const format = resolveFormat(path, options.format);
  return queryTable(path, format, async (connection, source) => {
    const projection = await project(connection, source, path, columns, options.types);
    const limit = options.limit !== undefined ? ` LIMIT ${Math.max(0, Math.floor(options.limit))}` : '';
    const offset = options.offset ? ` OFFSET ${Math.max(0, Math.floor(options.offset))}` : '';
    const result = await connection.stream(`SELECT ${projection.select} FROM ${source}${limit}${offset}`);
    const capacity =
      options.limit !== undefined
        ? Math.max(1, Math.min(options.limit, 1 << 20))
        : options.expectedRows !== undefined && !options.offset
          ? Math.max(1, Math.floor(options.expectedRows))
          : 4096;
    const builders = projection.numeric.map((n) => new ColumnBuilder(n, capacity));
    for (;;) {
      const chunk = await result.fetchChunk();
      if (!chunk || chunk.rowCount === 0) break;
      builders.forEach((b, i) => b.append(chunk, i));
    }
    return new Map(projection.names.map((name, i) => [name, builders[i]!.finish()]));
  });
}

/** One batch of {@link scanBatches}: the row offset of its first row and its columns. */
export interface TableBatch {
  offset: number;
  columns: Map<string, ColumnValues>;
}

/** Options of {@link scanBatches}. */
export interface ScanOptions extends ReadTableOptions {
  /**
   * Refill the same numeric buffers for every batch: a batch's Float64Arrays are then valid only until the
   * next one is requested. For a consumer that copies each batch at once (batch scoring builds its feeds),
   * this spares ~20 MB of fresh arrays per million rows × 20 columns and the garbage collection they cost.
   */
  reuseBuffers?: boolean;
}

/** Streams the named columns in batches of `batchRows` rows (the last may be shorter); memory stays near one batch. */
export async function* scanBatches(
  path: string,
  columns: string[],
  batchRows: number,
  options: ScanOptions = {},
): AsyncIterable<TableBatch> {
  if (!Number.isInteger(batchRows) || batchRows < 1)
    throw new LatheError('BAD_INPUT', `batchRows must be a positive integer, got ${batchRows}`);
  const format = resolveFormat(path, options.format);
  if (readOptionsFor(path, format).sampleSize === undefined && format !== 'parquet') {
    // Touch every requested column once so a wrong type sniff is found (and fixed) before any batch is handed out.
    await queryTable(path, format, async (connection, source) => {
      const projection = await project(connection, source, path, columns, options.types);
      await connection.run(`SELECT count(*) FROM (SELECT ${projection.select} FROM ${source})`);
    });
  }
  const source = sourceSql(path, readOptionsFor(path, format));
  const connection = await openConnection();
  try {
    let projection: Projection;
    let result;
    try {
      projection = await project(connection, source, path, columns, options.types);
      result = await connection.stream(`SELECT ${projection.select} FROM ${source}`);
    } catch (error) {
      throw readError(path, error);
    }
    // Each batch is filled in place: numeric chunk vectors are copied in as whole buffers.
    // (Buffers start at up to 65,536 rows and grow, so a huge batchRows on a small file allocates little.)
    const fresh = (): ColumnValues[] =>
      projection.numeric.map((numeric) => (numeric ? new Float64Array(Math.min(batchRows, 1 << 16)) : []));
    let current = fresh();
    let filled = 0;
    let offset = 0;
    const emit = (): TableBatch => {
      const batch = new Map<string, ColumnValues>();
      projection.names.forEach((name, i) => {
        const values = current[i]!;
        batch.set(name, values instanceof Float64Array && filled < values.length ? values.subarray(0, filled) : values);
      });
      return { offset, columns: batch };
    };
    for (;;) {
      let chunk: DuckDBDataChunk | null;
      try {
        chunk = await result.fetchChunk();
      } catch (error) {
        throw readError(path, error);
      }
      if (!chunk || chunk.rowCount === 0) break;
      const count = chunk.rowCount;
      // Text columns are read as JS values; numeric vectors are copied straight into the batch buffers
      // below (no per-chunk arrays: at 20 columns that was ~10,000 short-lived arrays per million rows).
      const text = projection.numeric.map((numeric, i) => (numeric ? undefined : chunk!.getColumnVector(i)));
      let from = 0;
      while (from < count) {
        const take = Math.min(count - from, batchRows - filled);
        projection.numeric.forEach((numeric, i) => {
          let target = current[i]!;
          if (numeric && target.length < filled + take) {
            const grown = new Float64Array(Math.min(batchRows, Math.max(target.length * 2, filled + take)));
            grown.set(target as Float64Array);
            current[i] = target = grown;
          }
          if (numeric) copyDoubles(chunk!, i, count, target as Float64Array, filled, from, take);
          else
            for (let r = from; r < from + take; r++)
              (target as (string | null)[]).push(text[i]!.getItem(r) as string | null);
        });
        filled += take;
        from += take;
        if (filled === batchRows) {
          yield emit();
          offset += filled;
          current = options.reuseBuffers
            ? current.map((values) => (values instanceof Float64Array ? values : []))
            : fresh();
          filled = 0;
        }
      }
    }
    if (filled > 0) yield emit();
  } finally {
    connection.closeSync();
  }
}

/** Writes columns to `path`; the format comes from the extension (.csv, .tsv, .parquet, .jsonl). Missing values (NaN, null) become empty cells. */
export async function writeTable(path: string, columns: { name: string; values: ColumnValues }[]): Promise<void> {
  const format = resolveFormat(path);
  const rows = columns[0]?.values.length ?? 0;
  const names = new Set<string>();
  for (const column of columns) {
    if (column.values.length !== rows) {
      throw new LatheError(
        'BAD_INPUT',
        `writeTable ${path}: column "${column.name}" has ${column.values.length} values, expected ${rows}`,
        { column: column.name },
      );
    }
    if (names.has(column.name))
      throw new LatheError('BAD_INPUT', `writeTable ${path}: duplicate column "${column.name}"`, {
        column: column.name,
      });
    names.add(column.name);
  }
  if (columns.length === 0) throw new LatheError('BAD_INPUT', `writeTable ${path}: no columns to write`);
  await withConnection(async (connection) => {
    const kinds = columns.map((c) =>
      c.values instanceof Float64Array ? (isIntegral(c.values) ? 'BIGINT' : 'DOUBLE') : 'VARCHAR',
    );
    await connection.run(
      `CREATE TEMP TABLE lathe_write (${columns.map((c, i) => `${sqlIdentifier(c.name)} ${kinds[i]}`).join(', ')})`,
    );
    const appender = await connection.createAppender('lathe_write');
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < columns.length; c++) {
        const values = columns[c]!.values;
        if (values instanceof Float64Array) {
          const v = values[r]!;
          if (Number.isNaN(v)) appender.appendNull();
          else if (kinds[c] === 'BIGINT') appender.appendBigInt(BigInt(v));
          else appender.appendDouble(v);
        } else {
          const v = values[r];
          if (v === null || v === undefined) appender.appendNull();
          else appender.appendVarchar(v);
        }
      }
      appender.endRow();
    }
    appender.closeSync();
    const target = sqlString(path);
    const copyOptions =
      format === 'parquet'
        ? 'FORMAT parquet'
        : format === 'jsonl'
          ? 'FORMAT json'
          : format === 'tsv'
            ? "FORMAT csv, HEADER, DELIMITER E'\\t'"
            : 'FORMAT csv, HEADER';
    await connection.run(`COPY lathe_write TO ${target} (${copyOptions})`);
  });
}

function isIntegral(values: Float64Array): boolean {
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isNaN(v) && (!Number.isInteger(v) || Math.abs(v) > Number.MAX_SAFE_INTEGER)) return false;
  }
  return true;
}
