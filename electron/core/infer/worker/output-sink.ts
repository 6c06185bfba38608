/**
 * Writes batch-scoring outputs without formatting a value in JS: each batch's ONNX Runtime output buffers
 * are copied, whole, into DuckDB data chunks, and DuckDB's own writer makes the CSV (batch by batch, in
 * the background) or the Parquet file (at the end); a temp file beside the target is renamed into place
 * when complete.
 *
 * Columns: `<output>` for one value per row, `<output>_<i>` for a vector, or `<output>_<class>` when the
 * vector has one value per class of the model (`probability_<class>` for a `probabilities` output), after
 * any input columns passed through (see {@link passThroughColumns}).
 * Types on disk: float outputs keep their width (float32 as FLOAT, written in CSV as the shortest text
 * that reads back as the same float32, e.g. 0.527432 rather than the widened 0.5274320244789124; ~20%
 * less CPU for CSV, half the bytes in Parquet), NaN is written as missing, integer and boolean outputs
 * are BIGINT, string outputs VARCHAR.
 */
import { renameSync, rmSync } from 'node:fs';
import { open, readFile, rm, type FileHandle } from 'node:fs/promises';
import {
  BIGINT,
  BOOLEAN,
  DOUBLE,
  DuckDBDataChunk,
  FLOAT,
  INTEGER,
  VARCHAR,
  type DuckDBAppender,
  type DuckDBConnection,
  type DuckDBType,
} from '@duckdb/node-api';
// The C API under @duckdb/node-api (same pinned version): numeric buffers are copied into vectors in one call.
import duckdb from '@duckdb/node-bindings';
import type * as ort from 'onnxruntime-node';
import { openConnection, sqlIdentifier, sqlString } from '../../data/engine.js';
import { LatheError } from '../../../../shared/errors.js';
import type { WireTensor } from '../score-protocol.js';
import { vectorColumnName } from '../predict-protocol.js';

type NumericBuffer = Float32Array | Float64Array | BigInt64Array | Int32Array;

interface SinkColumn {
  name: string;
  /** How values sit in the temp table. */
  stored: 'FLOAT' | 'DOUBLE' | 'BIGINT' | 'INTEGER' | 'BOOLEAN' | 'VARCHAR';
}

const duckTypes: Record<SinkColumn['stored'], DuckDBType> = { FLOAT, DOUBLE, BIGINT, INTEGER, BOOLEAN, VARCHAR };

/** Output columns of one batch, as buffers ready to copy. */
interface BatchColumn {
  column: SinkColumn;
  values: NumericBuffer | Uint8Array | string[];
}

/**
 * Input columns copied through to the output beside the scores (an id, say): numeric columns as one
 * whole-buffer copy each (the scan reuses its buffers), text columns as one array copy.
 */
export function passThroughColumns(
  columns: Map<string, Float64Array | (string | null)[]>,
  keep: readonly string[],
  rows: number,
): BatchColumn[] {
  return keep.map((name) => {
    const values = columns.get(name);
    if (!values) throw new LatheError('BAD_INPUT', `No column named "${name}" to keep`, { column: name });
    if (values instanceof Float64Array) return { column: { name, stored: 'DOUBLE' }, values: values.slice(0, rows) };
    return { column: { name, stored: 'VARCHAR' }, values: values.slice(0, rows) as string[] };
  });
}

/** Splits ORT's outputs into columns (de-interleaving vectors) without converting values. */
export function batchColumns(
  results: Record<string, WireTensor> | ort.InferenceSession.OnnxValueMapType,
  outputNames: readonly string[],
  rows: number,
  classes?: readonly string[] | null,
): BatchColumn[] {
  const columns: BatchColumn[] = [];
  for (const name of outputNames) {
    const tensor = results[name] as WireTensor | undefined;
    if (!tensor || !('dims' in tensor)) continue;
    const width = rows === 0 ? 0 : tensor.dims.length <= 1 ? 1 : tensor.dims.slice(1).reduce((p, d) => p * d, 1);
    const { stored, data } = storedOf(tensor);
    if (width === 1 || rows === 0) {
      columns.push({ column: { name, stored }, values: sliceOf(data, 0, rows) });
      continue;
    }
    for (let j = 0; j < width; j++) {
      let values: BatchColumn['values'];
      if (Array.isArray(data)) {
        const out = new Array<string>(rows);
        for (let i = 0; i < rows; i++) out[i] = data[i * width + j]!;
        values = out;
      } else {
        const out = new (data.constructor as new (n: number) => NumericBuffer | Uint8Array)(rows);
        for (let i = 0; i < rows; i++) out[i] = data[i * width + j]!;
        values = out;
      }
      columns.push({ column: { name: vectorColumnName(name, j, width, classes), stored }, values });
    }
  }
  return columns;
}

function storedOf(tensor: WireTensor): { stored: SinkColumn['stored']; data: NumericBuffer | Uint8Array | string[] } {
  const data = tensor.data;
  switch (tensor.type) {
    case 'float32':
      return { stored: 'FLOAT', data: data as Float32Array };
    case 'float64':
      return { stored: 'DOUBLE', data: data as Float64Array };
    case 'int64':
      return { stored: 'BIGINT', data: data as BigInt64Array };
    case 'int32':
      return { stored: 'INTEGER', data: data as Int32Array };
    case 'bool':
      return { stored: 'BOOLEAN', data: data as Uint8Array };
    case 'string':
      return { stored: 'VARCHAR', data: (data as string[]).map(String) };
    default: {
      // Other element types (int8/16, uint*, float16) travel as doubles.
      const source = data as ArrayLike<number | bigint>;
      const out = new Float64Array(source.length);
      for (let i = 0; i < source.length; i++) out[i] = Number(source[i]);
      return { stored: 'DOUBLE', data: out };
    }
  }
}

function sliceOf(data: BatchColumn['values'], start: number, end: number): BatchColumn['values'] {
  if (Array.isArray(data)) return data.slice(start, end);
  return data.length === end - start && start === 0 ? data : data.subarray(start, end);
}

/** The SELECT list that turns stored columns into the written ones. */
function writtenExpression(column: SinkColumn): string {
  const id = sqlIdentifier(column.name);
  switch (column.stored) {
    case 'FLOAT':
    case 'DOUBLE':
      return `CASE WHEN isnan(${id}) THEN NULL ELSE ${id} END AS ${id}`;
    case 'BIGINT':
    case 'INTEGER':
    case 'BOOLEAN':
      return `CAST(${id} AS BIGINT) AS ${id}`;
    case 'VARCHAR':
      return id;
  }
}

/**
 * Appends batches into DuckDB and writes them to `target` (.csv or .parquet) with DuckDB's own writer.
 * CSV is written batch by batch while later batches are read and scored: each batch becomes a table,
 * DuckDB copies it to a part file on a second connection, and the part's bytes are appended to the
 * output (header from the first part only). Parquet is one file, so its table is copied once at the end.
 */
export class OutputSink {
  private appendConnection: DuckDBConnection | undefined;
  private copyConnection: DuckDBConnection | undefined;
  private appender: DuckDBAppender | undefined;
  private columns: SinkColumn[] | undefined;
  private readonly table = `lathe_predict_${process.pid}_${Date.now()}`;
  private readonly temp: string;
  private readonly csv: boolean;
  private readonly chunkRows = duckdb.vector_size();
  private logicalTypes: duckdb.LogicalType[] | undefined;
  private output: FileHandle | undefined;
  private parts = 0;
  private pendingParts = 0;
  private queue: Promise<void> = Promise.resolve();
  private failure: unknown;

  constructor(private readonly target: string) {
    this.temp = `${target}.lathe-${process.pid}-${Date.now()}.tmp`;
    this.csv = !/\.parquet$/i.test(target);
  }

  /** Column names, once the first batch arrived. */
  get names(): string[] {
    return (this.columns ?? []).map((c) => c.name);
  }

  /** Appends one batch (whole-buffer copies into DuckDB chunks); CSV then goes to disk in the background. */
  async write(batch: BatchColumn[], rows: number): Promise<void> {
    if (this.failure) throw this.failure;
    if (!this.columns) {
      this.columns = batch.map((b) => b.column);
      const seen = new Set<string>();
      for (const c of this.columns) {
        if (seen.has(c.name))
          throw new LatheError(
            'BAD_INPUT',
            `Two output columns are named "${c.name}" (a kept column named as an output?)`,
            {
              column: c.name,
            },
          );
        seen.add(c.name);
      }
      this.appendConnection = await openConnection();
      if (this.csv) {
        this.copyConnection = await openConnection();
        this.output = await open(this.temp, 'w');
      }
    }
    const table = this.csv ? `${this.table}_${this.parts}` : this.table;
    if (!this.appender) {
      await this.appendConnection!.run(
        `CREATE ${this.csv ? '' : 'TEMP '}TABLE ${table} (${this.columns.map((c) => `${sqlIdentifier(c.name)} ${c.stored}`).join(', ')})`,
      );
      this.appender = await this.appendConnection!.createAppender(table);
    }
    this.logicalTypes ??= this.columns.map((c) => duckTypes[c.stored].toLogicalType().logical_type);
    for (let start = 0; start < rows; start += this.chunkRows) {
      const count = Math.min(this.chunkRows, rows - start);
      const chunk = new DuckDBDataChunk(duckdb.create_data_chunk(this.logicalTypes));
      chunk.rowCount = count;
      batch.forEach((b, k) => {
        if (Array.isArray(b.values)) {
          chunk.setColumnValues(k, b.values.slice(start, start + count));
          return;
        }
        const values = b.values;
        const vector = duckdb.data_chunk_get_vector(chunk.chunk, k);
        const width = values.BYTES_PER_ELEMENT;
        duckdb.copy_data_to_vector(
          vector,
          0,
          values.buffer as ArrayBuffer,
          values.byteOffset + start * width,
          count * width,
        );
      });
      this.appender.appendDataChunk(chunk);
    }
    if (!this.csv) return;
    this.appender.closeSync();
    this.appender = undefined;
    const part = this.parts++;
    this.pendingParts++;
    this.queue = this.queue
      .then(() => this.writePart(table, part))
      .catch((error: unknown) => {
        this.failure ??= error;
      });
    // At most two parts wait, so memory stays near a few batches when the disk is slower than scoring.
    if (this.pendingParts > 2) await this.queue;
    if (this.failure) throw this.failure;
  }

  private async writePart(table: string, part: number): Promise<void> {
    if (this.failure) return;
    const file = `${this.temp}.${part}`;
    try {
      await this.copyConnection!.run(
        `COPY (SELECT ${this.columns!.map(writtenExpression).join(', ')} FROM ${table}) TO ${sqlString(file)} (FORMAT csv, HEADER ${part === 0})`,
      );
      await this.copyConnection!.run(`DROP TABLE ${table}`);
      await this.output!.write(await readFile(file));
    } finally {
      this.pendingParts--;
      await rm(file, { force: true });
    }
  }

  /** Writes the rest of the file and renames it into place. */
  async finish(): Promise<void> {
    if (!this.appendConnection || !this.columns) throw new LatheError('BAD_INPUT', 'No rows were scored');
    if (this.csv) {
      await this.queue;
      if (this.failure) throw this.failure;
      await this.output!.close();
      this.output = undefined;
    } else {
      this.appender!.closeSync();
      this.appender = undefined;
      await this.appendConnection.run(
        `COPY (SELECT ${this.columns.map(writtenExpression).join(', ')} FROM ${this.table}) TO ${sqlString(this.temp)} (FORMAT parquet)`,
      );
      await this.appendConnection.run(`DROP TABLE ${this.table}`);
    }
    this.close();
    renameSync(this.temp, this.target);
  }

  /** Drops what was written so far. */
  async abort(): Promise<void> {
    this.failure ??= new Error('aborted');
    await this.queue;
    try {
      this.appender?.closeSync();
    } catch {
      // The appender may already be closed or broken; the connections close below either way.
    }
    this.appender = undefined;
    await this.output?.close().catch(() => undefined);
    this.output = undefined;
    if (this.csv) {
      // Tables of parts never copied (regular tables: they outlive the connection).
      for (let part = 0; part < this.parts + 1; part++)
        await this.appendConnection?.run(`DROP TABLE IF EXISTS ${this.table}_${part}`).catch(() => undefined);
    }
    this.close();
    rmSync(this.temp, { force: true });
  }

  private close(): void {
    this.appendConnection?.closeSync();
    this.copyConnection?.closeSync();
    this.appendConnection = undefined;
    this.copyConnection = undefined;
  }
}
