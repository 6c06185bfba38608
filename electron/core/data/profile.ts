/**
 * Profiling a table inside DuckDB: inferred types, per-column counts, distinct values (exact up to a
 * bound, HyperLogLog beyond), min/max/mean/std, quantiles, histograms or top-k frequencies, and a
 * reproducible sample of rows. Only aggregates cross into JS, so memory does not grow with the file.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Cell, ColumnProfile, ColumnType, DatasetColumn, DatasetProfile } from '../../../shared/contract/index.js';
import { quantileLevels } from '../../../shared/contract/index.js';
import { baseTypeOf, refineStringType, sqlIdentifier } from './engine.js';

/** Distinct values are counted exactly up to this many (estimated above it). */
export const exactUniqueBound = 100_000;
/** Bins of a numeric histogram. */
export const histogramBins = 20;
/** Entries of a top-k list. */
export const topK = 10;
/** Rows kept as the version's sample. */
export const sampleRowCount = 100;
/** Columns aggregated per query (a 2,000-column file becomes 50 queries, not one huge one). */
const columnsPerQuery = 40;

/** The effective SQL expression for a column seen as `type`. */
export function columnExpression(name: string, baseType: ColumnType | 'string', type: ColumnType): string {
  const id = sqlIdentifier(name);
  switch (type) {
    case 'integer':
    case 'float':
      return baseType === 'integer' || baseType === 'float' ? `CAST(${id} AS DOUBLE)` : baseType === 'boolean' ? `CAST(${id} AS INTEGER)::DOUBLE` : `TRY_CAST(${id} AS DOUBLE)`;
    case 'boolean':
      return baseType === 'boolean' ? id : `TRY_CAST(${id} AS BOOLEAN)`;
    case 'datetime':
      return baseType === 'datetime' ? id : `TRY_CAST(${id} AS TIMESTAMP)`;
    default:
      return `CAST(${id} AS VARCHAR)`;
  }
}

/** A JSON value from DuckDB as a contract cell. */
export function toCell(value: unknown): Cell {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number' || typeof value === 'boolean') return value;
  if (typeof value === 'string') return value;
  if (typeof value === 'bigint') return Number(value);
  return JSON.stringify(value);
}

/** The raw schema of table `t` with the inferred Lathe types. */
export async function inferSchema(connection: DuckDBConnection, table: string): Promise<{ name: string; base: ColumnType | 'string'; inferred: ColumnType }[]> {
  const described = (await connection.runAndReadAll(`DESCRIBE ${table}`)).getRowObjectsJson();
  const columns = described.map((row) => ({ name: String(row.column_name), base: baseTypeOf(String(row.column_type)) }));
  const strings = columns.filter((c) => c.base === 'string');
  const refined = new Map<string, ColumnType>();
  for (let start = 0; start < strings.length; start += columnsPerQuery) {
    const group = strings.slice(start, start + columnsPerQuery);
    const parts = group.flatMap((c, i) => {
      const v = `CAST(${sqlIdentifier(c.name)} AS VARCHAR)`;
      return [`approx_count_distinct(${v}) AS d${i}`, `count(${v}) AS n${i}`, `avg(length(${v}))::DOUBLE AS l${i}`];
    });
    const row = (await connection.runAndReadAll(`SELECT ${parts.join(', ')} FROM ${table}`)).getRowObjectsJson()[0]!;
    group.forEach((c, i) => refined.set(c.name, refineStringType(Number(row[`d${i}`] ?? 0), Number(row[`n${i}`] ?? 0), Number(row[`l${i}`] ?? 0))));
  }
  return columns.map((c) => ({ ...c, inferred: c.base === 'string' ? refined.get(c.name)! : c.base }));
}

const isNumeric = (type: ColumnType) => type === 'integer' || type === 'float';

/** Profiles table `table` (already loaded into the connection) with the given effective schema. */
export async function profileTable(
  connection: DuckDBConnection,
  table: string,
  columns: (DatasetColumn & { base: ColumnType | 'string' })[],
): Promise<DatasetProfile> {
  const started = performance.now();
  const rows = Number((await connection.runAndReadAll(`SELECT count(*) AS n FROM ${table}`)).getRowObjectsJson()[0]!.n);
  const profiles: ColumnProfile[] = [];
  for (let start = 0; start < columns.length; start += columnsPerQuery) {
    const group = columns.slice(start, start + columnsPerQuery);
    const parts: string[] = [];
    group.forEach((c, i) => {
      const e = columnExpression(c.name, c.base, c.type);
      parts.push(`count(${e}) AS c${i}`, `approx_count_distinct(${e}) AS u${i}`);
      if (isNumeric(c.type)) {
        parts.push(
          `min(${e}) AS lo${i}`,
          `max(${e}) AS hi${i}`,
          `avg(${e}) AS mean${i}`,
          `stddev_samp(${e}) AS std${i}`,
          `quantile_cont(${e}, [${quantileLevels.join(', ')}]) AS q${i}`,
        );
      } else if (c.type === 'datetime') {
        parts.push(`CAST(min(${e}) AS VARCHAR) AS lo${i}`, `CAST(max(${e}) AS VARCHAR) AS hi${i}`);
      } else if (c.type === 'boolean') {
        parts.push(`avg(CAST(${e} AS INTEGER))::DOUBLE AS mean${i}`);
      }
    });
    const row = (await connection.runAndReadAll(`SELECT ${parts.join(', ')} FROM ${table}`)).getRowObjectsJson()[0]!;
    // Exact distinct counts where the estimate is within the bound.
    const exactParts: string[] = [];
    group.forEach((c, i) => {
      if (Number(row[`u${i}`]) <= exactUniqueBound) exactParts.push(`count(DISTINCT ${columnExpression(c.name, c.base, c.type)}) AS x${i}`);
    });
    const exact = exactParts.length > 0 ? (await connection.runAndReadAll(`SELECT ${exactParts.join(', ')} FROM ${table}`)).getRowObjectsJson()[0]! : {};
    for (const [i, c] of group.entries()) {
      const count = Number(row[`c${i}`]);
      const hasExact = exact[`x${i}`] !== undefined;
      const quantiles = isNumeric(c.type) && Array.isArray(row[`q${i}`]) ? (row[`q${i}`] as unknown[]).map(Number) : null;
      profiles.push({
        name: c.name,
        type: c.type,
        count,
        missing: rows - count,
        unique: hasExact ? Number(exact[`x${i}`]) : Number(row[`u${i}`]),
        uniqueExact: hasExact,
        min: toCell(row[`lo${i}`] ?? null),
        max: toCell(row[`hi${i}`] ?? null),
        mean: row[`mean${i}`] === undefined || row[`mean${i}`] === null ? null : Number(row[`mean${i}`]),
        std: row[`std${i}`] === undefined || row[`std${i}`] === null ? null : Number(row[`std${i}`]),
        quantiles: count > 0 ? quantiles : null,
        histogram: null,
        top: null,
      });
    }
  }
  // Histograms for numeric columns, top-k for the others; one statement per column group.
  for (const [index, c] of columns.entries()) {
    const profile = profiles[index]!;
    const e = columnExpression(c.name, c.base, c.type);
    if (isNumeric(c.type)) {
      if (profile.count === 0 || typeof profile.min !== 'number' || typeof profile.max !== 'number') continue;
      profile.histogram = await histogram(connection, table, e, binEdges(profile.min, profile.max, c.type === 'integer'));
    } else if (c.type !== 'datetime' && profile.count > 0) {
      profile.top = await topValues(connection, table, e, topK);
    }
  }
  const sample = await sampleRows(connection, table, columns.map((c) => c.name));
  return { rows, columns: profiles, sample, elapsedMs: Math.round(performance.now() - started) };
}

/** Edges for a histogram from min to max; integers with a small range get one bin per value. */
export function binEdges(min: number, max: number, integer: boolean, bins = histogramBins): number[] {
  if (min === max) return [min - 0.5, max + 0.5];
  if (integer && max - min + 1 <= bins) {
    return Array.from({ length: max - min + 2 }, (_, k) => min - 0.5 + k);
  }
  const width = (max - min) / bins;
  return Array.from({ length: bins + 1 }, (_, k) => (k === bins ? max : min + k * width));
}

/** Counts of `expression` over bins with the given edges (values outside fall in the end bins). */
export async function histogram(connection: DuckDBConnection, table: string, expression: string, edges: number[]): Promise<{ edges: number[]; counts: number[] }> {
  const bins = edges.length - 1;
  const lo = edges[0]!;
  const width = (edges[bins]! - lo) / bins;
  const rowsOut = (
    await connection.runAndReadAll(
      `SELECT least(greatest(floor((${expression} - ${lo}) / ${width}), 0), ${bins - 1})::INTEGER AS b, count(*)::DOUBLE AS n FROM ${table} WHERE ${expression} IS NOT NULL AND NOT isnan(${expression}) GROUP BY b`,
    )
  ).getRowObjectsJson();
  const counts = new Array<number>(bins).fill(0);
  for (const r of rowsOut) counts[Number(r.b)] = Number(r.n);
  return { edges, counts };
}

/** The most frequent values of `expression`, ties broken by value so the result is stable. */
export async function topValues(connection: DuckDBConnection, table: string, expression: string, k: number): Promise<{ value: string; count: number }[]> {
  const rowsOut = (
    await connection.runAndReadAll(
      `SELECT CAST(${expression} AS VARCHAR) AS v, count(*)::DOUBLE AS n FROM ${table} WHERE ${expression} IS NOT NULL GROUP BY v ORDER BY n DESC, v LIMIT ${k}`,
    )
  ).getRowObjectsJson();
  return rowsOut.map((r) => ({ value: String(r.v), count: Number(r.n) }));
}

/** A reproducible sample of rows, in file order. */
async function sampleRows(connection: DuckDBConnection, table: string, names: string[]): Promise<DatasetProfile['sample']> {
  const reader = await connection.runAndReadAll(
    `SELECT * EXCLUDE (lathe_row) FROM (SELECT *, row_number() OVER () AS lathe_row FROM ${table}) USING SAMPLE reservoir(${sampleRowCount} ROWS) REPEATABLE (7) ORDER BY lathe_row`,
  );
  return { columns: names, rows: reader.getRowsJson().map((row) => row.map(toCell)) };
}
