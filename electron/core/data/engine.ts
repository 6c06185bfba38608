/**
 * The embedded analytical engine: one in-memory DuckDB instance per process (or worker thread), shared by
 * every reader, owned by a {@link DataEngine} object together with the CSV sniff memory and a private
 * spill folder. DuckDB runs queries on its own threads, so the event loop only waits on promises;
 * results reach JS one 2,048-row chunk at a time. Memory is capped and spills to the private folder
 * (mkdtemp: unpredictable name, mode 0700), removed when the engine closes or the process exits, so a
 * 10,000,000-row file is read without exhausting RAM and nothing is left in the shared temp folder.
 */
import { lstatSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { isMainThread } from 'node:worker_threads';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import type { ColumnType, DatasetFormat } from '../../../shared/contract/index.js';
import { LatheError } from '../../../shared/errors.js';

/** The file formats Lathe reads (the contract's). */
export type TableFormat = DatasetFormat;
export type { ColumnType };

/** The DuckDB instance, its spill folder and what was learnt about files' types; closed by the core's dispose. */
export class DataEngine {
  private instance: Promise<DuckDBInstance> | undefined;
  private spill: string | undefined;
  private users = 0;
  private closed = false;
  // Files whose sampled types proved wrong are re-read with a full-file type sniff; remembered per file state.
  private readonly sniffMemory = new Map<string, number>();
  private readonly removeSpillOnExit = () => this.removeSpill();

  /** A fresh connection; the caller closes it (`closeSync`). */
  async connect(): Promise<DuckDBConnection> {
    if (this.closed) throw new LatheError('INTERNAL', 'The data engine is closed');
    return (await this.duckdb()).connect();
  }

  /** Runs `work` on a fresh connection and always closes it. */
  async withConnection<T>(work: (connection: DuckDBConnection) => Promise<T>): Promise<T> {
    const connection = await this.connect();
    try {
      return await work(connection);
    } finally {
      connection.closeSync();
    }
  }

  /** Records the type-sniff sample `path` must be read with (-1: the whole file). */
  rememberSampleSize(path: string, sampleSize: number | undefined): void {
    if (sampleSize !== undefined) this.sniffMemory.set(fileKey(path), sampleSize);
  }

  /** The sample size remembered for `path`, if any. */
  sampleSizeFor(path: string): number | undefined {
    return this.sniffMemory.get(fileKey(path));
  }

  /** Counts one more owner (a core); {@link release} closes the engine when the last one lets go. */
  retain(): this {
    this.users += 1;
    return this;
  }

  /** Lets go of one owner; the last one closes the instance and removes the spill folder. */
  async release(): Promise<void> {
    this.users -= 1;
    if (this.users <= 0) await this.close();
  }

  /** Closes the DuckDB instance and removes its spill folder. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (current === this) current = undefined;
    const pending = this.instance;
    this.instance = undefined;
    if (pending) {
      try {
        (await pending).closeSync();
      } catch {
        // An instance that failed to open has nothing to close.
      }
    }
    this.removeSpill();
  }

  /** The private spill folder (created with the instance), for tests and `lathe doctor`. */
  get spillFolder(): string | undefined {
    return this.spill;
  }

  private duckdb(): Promise<DuckDBInstance> {
    if (!this.instance) {
      sweepSpillFolders();
      // mkdtemp: created atomically, mode 0700, with a random suffix; the pid lets a later process sweep it.
      this.spill = mkdtempSync(join(tmpdir(), `lathe-duckdb-${process.pid}-`));
      process.once('exit', this.removeSpillOnExit);
      this.instance = DuckDBInstance.create(':memory:', {
        memory_limit: process.env.LATHE_DUCKDB_MEMORY ?? '2GB',
        temp_directory: this.spill,
        // A reader must never reach the network or install extensions behind the user's back.
        autoinstall_known_extensions: 'false',
        autoload_known_extensions: 'false',
      });
    }
    return this.instance;
  }

  private removeSpill(): void {
    process.removeListener('exit', this.removeSpillOnExit);
    if (this.spill) rmSync(this.spill, { recursive: true, force: true });
    this.spill = undefined;
  }
}

let current: DataEngine | undefined;

const spillName = /^lathe-duckdb-(\d+)(?:-[A-Za-z0-9]+)?$/;
let swept = false;

/**
 * Removes spill folders this user's Lathe processes left: those of processes that are gone (killed), and,
 * when the main thread exits, those of its worker threads (a terminated worker runs no exit handler).
 * Only real folders owned by this user are touched, never a link.
 */
function sweepSpillFolders(): void {
  if (swept || !isMainThread) return;
  swept = true;
  removeSpillFolders((pid) => pid !== process.pid && !processRuns(pid));
  process.once('exit', () => removeSpillFolders((pid) => pid === process.pid));
}

function removeSpillFolders(matches: (pid: number) => boolean): void {
  const folder = tmpdir();
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch {
    return;
  }
  for (const name of names) {
    const pid = spillName.exec(name)?.[1];
    if (!pid || !matches(Number(pid))) continue;
    try {
      const stat = lstatSync(join(folder, name));
      if (!stat.isDirectory() || (process.getuid && stat.uid !== process.getuid())) continue;
      rmSync(join(folder, name), { recursive: true, force: true });
    } catch {
      // Gone already, or not ours to remove.
    }
  }
}

function processRuns(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The process's engine, created on first use (again after the last core closed it). */
export function dataEngine(): DataEngine {
  current ??= new DataEngine();
  return current;
}

function fileKey(path: string): string {
  try {
    const stat = statSync(path);
    return `${path}\u0000${stat.size}\u0000${stat.mtimeMs}\u0000${stat.ino}`;
  } catch {
    return path;
  }
}

/** A fresh connection on the process's engine; the caller closes it (`closeSync`). */
export async function openConnection(): Promise<DuckDBConnection> {
  return dataEngine().connect();
}

/** Runs `work` on a fresh connection of the process's engine and always closes it. */
export async function withConnection<T>(work: (connection: DuckDBConnection) => Promise<T>): Promise<T> {
  return dataEngine().withConnection(work);
}

/** A SQL string literal. */
export function sqlString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** A SQL identifier (column names come from user files and may hold anything). */
export function sqlIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** How a file is read: the format and, for delimited text, whether every row is used to infer types. */
export interface ReadOptions {
  format: TableFormat;
  /** DuckDB's type sniffing sample; -1 reads the whole file (used when the default sample guessed wrong). */
  sampleSize?: number;
}

/**
 * Cells that mean "missing" in CSV and TSV: pandas' default `na_values`, so a column holding numbers and
 * "NA" is numeric with missing values, as a data scientist expects
 * (https://pandas.pydata.org/docs/reference/api/pandas.read_csv.html).
 */
export const missingMarkers = [
  '',
  '#N/A',
  '#N/A N/A',
  '#NA',
  '-1.#IND',
  '-1.#QNAN',
  '-NaN',
  '-nan',
  '1.#IND',
  '1.#QNAN',
  '<NA>',
  'N/A',
  'NA',
  'NULL',
  'NaN',
  'None',
  'n/a',
  'nan',
  'null',
];

/** The SQL table expression that reads `path` in `options.format`. */
export function sourceSql(path: string, options: ReadOptions): string {
  const file = sqlString(path);
  switch (options.format) {
    case 'csv':
    case 'tsv': {
      const delimiter = options.format === 'csv' ? "','" : "'\\t'";
      const sample = options.sampleSize ?? 20480;
      // Dialect is fixed (RFC 4180) so DuckDB never guesses a different delimiter or a header-less file.
      return `read_csv(${file}, header=true, delim=${delimiter === "'\\t'" ? 'E' + delimiter : delimiter}, quote='"', escape='"', strict_mode=true, sample_size=${sample}, null_padding=false, nullstr=[${missingMarkers.map(sqlString).join(', ')}])`;
    }
    case 'parquet':
      return `read_parquet(${file})`;
    case 'jsonl':
      return `read_json(${file}, format='newline_delimited', sample_size=${options.sampleSize ?? 20480})`;
  }
}

/** The format implied by a file name, or undefined. */
export function formatFromName(name: string): TableFormat | undefined {
  const lower = name.toLowerCase();
  if (lower.endsWith('.csv')) return 'csv';
  if (lower.endsWith('.tsv') || lower.endsWith('.tab')) return 'tsv';
  if (lower.endsWith('.parquet') || lower.endsWith('.pq')) return 'parquet';
  if (lower.endsWith('.jsonl') || lower.endsWith('.ndjson')) return 'jsonl';
  return undefined;
}

/** The format of `path` from `explicit` or its extension; a clear error when neither says. */
export function resolveFormat(path: string, explicit?: TableFormat): TableFormat {
  const format = explicit ?? formatFromName(path);
  if (!format) {
    throw new LatheError(
      'BAD_INPUT',
      `${path}: cannot tell the format from the file name; use .csv, .tsv, .parquet or .jsonl, or pass a format`,
      {
        file: path,
      },
    );
  }
  return format;
}

/** Maps a DuckDB type name to Lathe's column type; VARCHAR is refined to categorical or text by the caller. */
export function baseTypeOf(duckType: string): ColumnType | 'string' {
  const t = duckType.toUpperCase();
  if (t === 'BOOLEAN') return 'boolean';
  if (/^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT)$/.test(t))
    return 'integer';
  if (t === 'FLOAT' || t === 'DOUBLE' || t.startsWith('DECIMAL')) return 'float';
  if (t === 'DATE' || t.startsWith('TIMESTAMP') || t === 'TIME') return 'datetime';
  return 'string';
}

/** Decides categorical versus text for a string column from its distinct count and mean length. */
export function refineStringType(distinct: number, nonMissing: number, meanLength: number): ColumnType {
  if (meanLength > 60) return 'text';
  if (distinct <= 20) return 'categorical';
  if (distinct <= 1000 && distinct <= 0.5 * nonMissing) return 'categorical';
  return 'text';
}

/**
 * Turns a DuckDB failure while reading `path` into a LatheError naming the file and, when DuckDB
 * reports it, the line. `label` is what the person knows the file as (the original name, not the object path).
 */
export function readError(label: string, error: unknown): LatheError {
  if (error instanceof LatheError) return error;
  const raw = error instanceof Error ? error.message : String(error);
  const line = /Line:\s*(\d+)/.exec(raw)?.[1];
  const first =
    raw
      .split('\n')
      .map((l) => l.trim())
      .find((l) => l && !/^(Invalid Input Error|Conversion Error|IO Error): ?$/.test(l)) ?? raw;
  const reason = first
    .replace(
      /^(Invalid Input Error|Invalid Error|Conversion Error|IO Error|Binder Error|Parser Error|Serialization Error): /,
      '',
    )
    .replace(/ on Line: \d+$/, '');
  const detailLine = raw
    .split('\n')
    .map((l) => l.trim())
    .find((l, i) => i > 0 && l && !l.startsWith('Original Line') && !l.startsWith('Possible') && !l.includes('='));
  const message = `${label}${line ? `, line ${line}` : ''}: ${detailLine && /^CSV Error/.test(reason) ? detailLine : reason}`;
  return new LatheError('BAD_INPUT', message, { file: label, ...(line ? { line: Number(line) } : {}) });
}

/** True for a DuckDB error that a full-file type sniff would fix (a late value that does not fit the sampled type). */
export function isSniffError(error: unknown): boolean {
  const message = error instanceof Error ? error.message : String(error);
  return /Could not convert|Conversion Error|could not be cast|JSON transform error/i.test(message);
}
