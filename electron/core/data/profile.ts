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
/** Quantiles are exact up to this many rows and estimated from a reservoir sample of this size beyond. */
export const exactQuantileRows = 100_000;
/** Bins of a numeric histogram. */
export const histogramBins = 20;
/** Entries of a top-k list. */
export const topK = 10;
/** Rows kept as the version's sample. */
export const sampleRowCount = 100;
/** Columns aggregated per query (a 2,000-column file becomes 50 queries, not one huge one). */
const columnsPerQuery = 40;
/** Columns with at most this many distinct values get their frequencies from one map aggregate. */
const frequencyMapBound = 10_000;
/** Up to this many rows, distinct values are counted from an in-memory list per column. */
const smallTableRows = 100_000;

/** The effective SQL expression for a column seen as `type`. */
export function columnExpression(name: string, baseType: ColumnType | 'string', type: ColumnType): string {
  const id = sqlIdentifier(name);
  switch (type) {
    case 'integer':
    case 'float':
      return baseType === 'integer' || baseType === 'float'
        ? `CAST(${id} AS DOUBLE)`
        : baseType === 'boolean'
          ? `CAST(${id} AS INTEGER)::DOUBLE`
          : `TRY_CAST(${id} AS DOUBLE)`;
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

const wideIntegers = new Set(['BIGINT', 'HUGEINT', 'UBIGINT', 'UHUGEINT']);

/** Like {@link toCell}, but 64-bit integers (which JSON conversion gives as strings) become numbers when exact. */
export function toTypedCell(value: unknown, duckType: string): Cell {
  if (typeof value === 'string' && wideIntegers.has(duckType)) {
    const n = Number(value);
    if (Number.isSafeInteger(n)) return n;
  }
  return toCell(value);
}

/** Rows of a result reader as contract cells. */
export function readerCells(
  reader: { columnTypes(): { toString(): string }[]; getRowsJson(): unknown[][] },
  width?: number,
): Cell[][] {
  const types = reader.columnTypes().map((t) => t.toString());
  return reader
    .getRowsJson()
    .map((row) => (width === undefined ? row : row.slice(0, width)).map((v, i) => toTypedCell(v, types[i]!)));
}

/** The raw schema of table `t` with the inferred Lathe types. */
export async function inferSchema(
  connection: DuckDBConnection,
  table: string,
): Promise<{ name: string; base: ColumnType | 'string'; inferred: ColumnType }[]> {
  const described = (await connection.runAndReadAll(`DESCRIBE ${table}`)).getRowObjectsJson();
  const columns = described.map((row) => ({
    name: String(row.column_name),
    base: baseTypeOf(String(row.column_type)),
  }));
  const strings = columns.filter((c) => c.base === 'string');
  const refined = new Map<string, ColumnType>();
  for (let start = 0; start < strings.length; start += columnsPerQuery) {
    const group = strings.slice(start, start + columnsPerQuery);
    const parts = group.flatMap((c, i) => {
      const v = `CAST(${sqlIdentifier(c.name)} AS VARCHAR)`;
      return [`approx_count_distinct(${v}) AS d${i}`, `count(${v}) AS n${i}`, `avg(length(${v}))::DOUBLE AS l${i}`];
    });
    const row = (await connection.runAndReadAll(`SELECT ${parts.join(', ')} FROM ${table}`)).getRowObjectsJson()[0]!;
    group.forEach((c, i) =>
      refined.set(
        c.name,
        refineStringType(Number(row[`d${i}`] ?? 0), Number(row[`n${i}`] ?? 0), Number(row[`l${i}`] ?? 0)),
      ),
    );
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
          // Exact quantiles sort every column (6 s for 16 columns × 1M rows here); beyond the bound a 100,000-value reservoir sample estimates them.
          rows <= exactQuantileRows
            ? `quantile_cont(${e}, [${quantileLevels.join(', ')}]) AS q${i}`
            : `reservoir_quantile(${e}, [${quantileLevels.join(', ')}], ${exactQuantileRows}) AS q${i}`,
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
      if (Number(row[`u${i}`]) > exactUniqueBound) return;
      const e = columnExpression(c.name, c.base, c.type);
      // Small tables: list_distinct is far cheaper per column than a DISTINCT aggregate (wide files); large ones hash.
      exactParts.push(
        rows <= smallTableRows ? `length(list_distinct(list(${e}))) AS x${i}` : `count(DISTINCT ${e}) AS x${i}`,
      );
    });
    const exact =
      exactParts.length > 0
        ? (await connection.runAndReadAll(`SELECT ${exactParts.join(', ')} FROM ${table}`)).getRowObjectsJson()[0]!
        : {};
    for (const [i, c] of group.entries()) {
      const count = Number(row[`c${i}`]);
      const hasExact = exact[`x${i}`] !== undefined;
      const quantiles =
        isNumeric(c.type) && Array.isArray(row[`q${i}`]) ? (row[`q${i}`] as unknown[]).map(Number) : null;
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
  for (let start = 0; start < columns.length; start += columnsPerQuery) {
    const group = columns
      .slice(start, start + columnsPerQuery)
      .map((c, k) => ({ c, profile: profiles[start + k]!, e: columnExpression(c.name, c.base, c.type) }));
    const numericItems = group.filter(
      ({ c, profile }) =>
        isNumeric(c.type) && profile.count > 0 && typeof profile.min === 'number' && typeof profile.max === 'number',
    );
    const counted = await histograms(
      connection,
      table,
      numericItems.map(({ c, profile, e }) => ({
        expression: e,
        edges: binEdges(profile.min as number, profile.max as number, c.type === 'integer'),
      })),
    );
    numericItems.forEach((item, k) => (item.profile.histogram = counted[k]!));
    const topItems = group.filter(({ c, profile }) => !isNumeric(c.type) && c.type !== 'datetime' && profile.count > 0);
    // Few distinct values: one scan for the whole group; many (text): one grouped query per column.
    const few = topItems.filter((item) => item.profile.unique <= frequencyMapBound);
    const tops = await frequentValues(
      connection,
      table,
      few.map((item) => item.e),
      topK,
    );
    few.forEach((item, k) => (item.profile.top = tops[k]!));
    for (const item of topItems.filter((x) => x.profile.unique > frequencyMapBound))
      item.profile.top = await topValues(connection, table, item.e, topK);
  }
  const sample = await sampleRows(
    connection,
    table,
    columns.map((c) => c.name),
  );
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
export async function histogram(
  connection: DuckDBConnection,
  table: string,
  expression: string,
  edges: number[],
): Promise<{ edges: number[]; counts: number[] }> {
  return (await histograms(connection, table, [{ expression, edges }]))[0]!;
}

/**
 * Histograms of several expressions over one table in one scan, with DuckDB's `histogram(x, boundaries)`
 * aggregate (a value goes to the first bin whose upper edge is >= it).
 */
export async function histograms(
  connection: DuckDBConnection,
  table: string,
  items: { expression: string; edges: number[] }[],
): Promise<{ edges: number[]; counts: number[] }[]> {
  if (items.length === 0) return [];
  const parts = items.map(
    ({ expression, edges }, k) =>
      `histogram(CAST(${expression} AS DOUBLE), [${edges.slice(1).map(sqlNumber).join(', ')}]::DOUBLE[]) AS h${k}`,
  );
  const row = (await connection.runAndReadAll(`SELECT ${parts.join(', ')} FROM ${table}`)).getRowObjectsJson()[0]!;
  return items.map(({ edges }, k) => {
    const counts = new Array<number>(edges.length - 1).fill(0);
    const uppers = edges.slice(1);
    for (const entry of (row[`h${k}`] as { key: number; value: string | number }[] | null) ?? []) {
      let bin = uppers.findIndex((upper) => Number(entry.key) <= upper);
      if (bin < 0) bin = counts.length - 1;
      counts[bin]! += Number(entry.value);
    }
    return { edges, counts };
  });
}

function sqlNumber(value: number): string {
  return Number.isFinite(value) ? String(value) : value > 0 ? "'infinity'::DOUBLE" : "'-infinity'::DOUBLE";
}

/** Full frequency maps of several low-cardinality expressions in one scan; the top `k` of each. */
export async function frequentValues(
  connection: DuckDBConnection,
  table: string,
  expressions: string[],
  k: number,
): Promise<{ value: string; count: number }[][]> {
  if (expressions.length === 0) return [];
  const parts = expressions.map((expression, i) => `histogram(CAST(${expression} AS VARCHAR)) AS f${i}`);
  const row = (await connection.runAndReadAll(`SELECT ${parts.join(', ')} FROM ${table}`)).getRowObjectsJson()[0]!;
  return expressions.map((_, i) =>
    ((row[`f${i}`] as { key: string; value: string | number }[] | null) ?? [])
      .map((entry) => ({ value: String(entry.key), count: Number(entry.value) }))
      .sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0))
      .slice(0, k),
  );
}

/** The most frequent values of `expression`, ties broken by value so the result is stable. */
export async function topValues(
  connection: DuckDBConnection,
  table: string,
  expression: string,
  k: number,
): Promise<{ value: string; count: number }[]> {
  const rowsOut = (
    await connection.runAndReadAll(
      `SELECT CAST(${expression} AS VARCHAR) AS lathe_v, count(*)::DOUBLE AS lathe_n FROM ${table} WHERE ${expression} IS NOT NULL GROUP BY lathe_v ORDER BY lathe_n DESC, lathe_v LIMIT ${k}`,
    )
  ).getRowObjectsJson();
  return rowsOut.map((r) => ({ value: String(r.lathe_v), count: Number(r.lathe_n) }));
}

/** A reproducible sample of rows, in file order. */
async function sampleRows(
  connection: DuckDBConnection,
  table: string,
  names: string[],
): Promise<DatasetProfile['sample']> {
  const reader = await connection.runAndReadAll(
    `SELECT * FROM (SELECT * FROM (SELECT *, row_number() OVER () AS lathe_row FROM ${table}) USING SAMPLE reservoir(${sampleRowCount} ROWS) REPEATABLE (7)) ORDER BY lathe_row`,
  );
  // The last column is the row number used for ordering.
  return { columns: names, rows: readerCells(reader, names.length) };
}
