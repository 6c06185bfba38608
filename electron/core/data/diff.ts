/**
 * Comparing two dataset versions: schema changes, row count and stat deltas from the stored
 * profiles, and per-column distribution distances and key-based row changes computed in DuckDB over
 * both versions (loaded side by side as temp tables `a` and `b`).
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type {
  Cell,
  ColumnDiff,
  ColumnProfile,
  ColumnType,
  DatasetColumn,
  DatasetDiff,
  DatasetProfile,
  DatasetVersion,
  KeyDiff,
} from '../../../shared/contract/index.js';
import { LatheError } from '../../../shared/errors.js';
import { baseTypeOf, readError, sqlIdentifier, withConnection } from './engine.js';
import { binEdges, columnExpression, histogram, readerCells } from './profile.js';
import { jensenShannonDistance, populationStabilityIndex } from './stats.js';

/** One side of a diff. */
export interface DiffSide {
  version: DatasetVersion;
  profile: DatasetProfile;
  /** The table expression that reads the version. */
  source: string;
}

/** Rows shown for each of added, removed and changed. */
export const keyDiffSamples = 5;
/** Categories kept for the side-by-side frequency chart. */
const chartCategories = 12;

const numeric = (t: ColumnType | null) => t === 'integer' || t === 'float';
const categorical = (t: ColumnType | null) => t === 'categorical' || t === 'boolean';

/** The full comparison of `a` (before) and `b` (after). */
export async function diffVersions(a: DiffSide, b: DiffSide, key?: string): Promise<DatasetDiff> {
  const label = (s: DiffSide) => `${s.version.name}@${s.version.version}`;
  const columnsA = new Map(a.version.columns.map((c) => [c.name, c]));
  const columnsB = new Map(b.version.columns.map((c) => [c.name, c]));
  const profilesA = new Map(a.profile.columns.map((c) => [c.name, c]));
  const profilesB = new Map(b.profile.columns.map((c) => [c.name, c]));
  if (key !== undefined) {
    for (const side of [a, b]) {
      if (!side.version.columns.some((c) => c.name === key))
        throw new LatheError('BAD_INPUT', `${label(side)} has no column "${key}" to use as the key`, { column: key });
    }
  }
  const names = [
    ...a.version.columns.map((c) => c.name),
    ...b.version.columns.map((c) => c.name).filter((n) => !columnsA.has(n)),
  ];
  try {
    return await withConnection(async (connection) => {
      await connection.run(`CREATE TEMP TABLE a AS SELECT * FROM ${a.source}`);
      await connection.run(`CREATE TEMP TABLE b AS SELECT * FROM ${b.source}`);
      const baseA = await baseTypes(connection, 'a');
      const baseB = await baseTypes(connection, 'b');
      const columns: ColumnDiff[] = [];
      for (const name of names) {
        const ca = columnsA.get(name) ?? null;
        const cb = columnsB.get(name) ?? null;
        const pa = profilesA.get(name) ?? null;
        const pb = profilesB.get(name) ?? null;
        const change: ColumnDiff['change'] = !ca ? 'added' : !cb ? 'removed' : ca.type !== cb.type ? 'retyped' : 'same';
        const entry: ColumnDiff = {
          name,
          change,
          typeA: ca?.type ?? null,
          typeB: cb?.type ?? null,
          a: pa,
          b: pb,
          deltas: pa && pb ? statDeltas(pa, pb) : {},
          histograms: null,
          categories: null,
          psi: null,
          wasserstein: null,
          jensenShannon: null,
        };
        if (ca && cb && pa && pb) {
          const ea = columnExpression(name, baseA.get(name)!, ca.type);
          const eb = columnExpression(name, baseB.get(name)!, cb.type);
          if (numeric(ca.type) && numeric(cb.type) && pa.count > 0 && pb.count > 0) {
            await numericDistances(connection, entry, ea, eb, pa, pb, ca.type === 'integer' && cb.type === 'integer');
          } else if (categorical(ca.type) && categorical(cb.type) && pa.count > 0 && pb.count > 0) {
            await categoricalDistances(connection, entry, ea, eb);
          }
        }
        columns.push(entry);
      }
      const retyped = columns
        .filter((c) => c.change === 'retyped')
        .map((c) => ({ name: c.name, from: c.typeA!, to: c.typeB! }));
      return {
        a: a.version,
        b: b.version,
        rowDelta: b.version.rows - a.version.rows,
        added: columns.filter((c) => c.change === 'added').map((c) => c.name),
        removed: columns.filter((c) => c.change === 'removed').map((c) => c.name),
        retyped,
        columns,
        keyDiff:
          key === undefined
            ? null
            : await keyDiff(connection, key, a.version.columns, b.version.columns, label(a), label(b)),
      };
    });
  } catch (error) {
    if (error instanceof LatheError) throw error;
    throw readError(`${label(a)} vs ${label(b)}`, error);
  }
}

async function baseTypes(connection: DuckDBConnection, table: string): Promise<Map<string, ColumnType | 'string'>> {
  const rows = (await connection.runAndReadAll(`DESCRIBE ${table}`)).getRowObjectsJson();
  return new Map(rows.map((r) => [String(r.column_name), baseTypeOf(String(r.column_type))]));
}

/** B minus A for each statistic both profiles have. */
export function statDeltas(a: ColumnProfile, b: ColumnProfile): Record<string, number> {
  const deltas: Record<string, number> = {
    count: b.count - a.count,
    missing: b.missing - a.missing,
    unique: b.unique - a.unique,
  };
  const pairs: [string, unknown, unknown][] = [
    ['min', a.min, b.min],
    ['max', a.max, b.max],
    ['mean', a.mean, b.mean],
    ['std', a.std, b.std],
    ['median', a.quantiles?.[3], b.quantiles?.[3]],
  ];
  for (const [name, x, y] of pairs) if (typeof x === 'number' && typeof y === 'number') deltas[name] = y - x;
  return deltas;
}

async function numericDistances(
  connection: DuckDBConnection,
  entry: ColumnDiff,
  ea: string,
  eb: string,
  pa: ColumnProfile,
  pb: ColumnProfile,
  integer: boolean,
): Promise<void> {
  // Overlaid histograms over one set of bins spanning both versions.
  const lo = Math.min(pa.min as number, pb.min as number);
  const hi = Math.max(pa.max as number, pb.max as number);
  const edges = binEdges(lo, hi, integer);
  const ha = await histogram(connection, 'a', ea, edges);
  const hb = await histogram(connection, 'b', eb, edges);
  entry.histograms = { edges, a: ha.counts, b: hb.counts };

  // PSI over ten bins cut at A's deciles (x ≤ edge goes left), as numpy.searchsorted(edges, x, 'left').
  const deciles = (
    (
      await connection.runAndReadAll(
        `SELECT quantile_cont(${ea}, [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]) AS q FROM a`,
      )
    ).getRowObjectsJson()[0]!.q as number[]
  ).map(Number);
  const cuts = [...new Set(deciles)].sort((x, y) => x - y);
  const bucket = (e: string) =>
    `CASE ${cuts.map((c, i) => `WHEN ${e} <= ${c} THEN ${i}`).join(' ')} ELSE ${cuts.length} END`;
  const countBins = async (table: string, e: string) => {
    const counts = new Array<number>(cuts.length + 1).fill(0);
    const rows = (
      await connection.runAndReadAll(
        `SELECT ${bucket(e)} AS lathe_bin, count(*)::DOUBLE AS lathe_n FROM ${table} WHERE ${e} IS NOT NULL AND NOT isnan(${e}) GROUP BY lathe_bin`,
      )
    ).getRowObjectsJson();
    for (const r of rows) counts[Number(r.lathe_bin)] = Number(r.lathe_n);
    return counts;
  };
  entry.psi = populationStabilityIndex(await countBins('a', ea), await countBins('b', eb));

  // Exact Wasserstein-1: the area between the two empirical CDFs, summed over the merged support.
  const w = await connection.runAndReadAll(`
    WITH na AS (SELECT count(${ea})::DOUBLE AS n FROM a), nb AS (SELECT count(${eb})::DOUBLE AS n FROM b),
    v AS (
      SELECT ${ea} AS x, 1.0 / (SELECT n FROM na) AS wa, 0.0 AS wb FROM a WHERE ${ea} IS NOT NULL AND NOT isnan(${ea})
      UNION ALL
      SELECT ${eb} AS x, 0.0 AS wa, 1.0 / (SELECT n FROM nb) AS wb FROM b WHERE ${eb} IS NOT NULL AND NOT isnan(${eb})
    ),
    g AS (SELECT x, sum(wa) AS wa, sum(wb) AS wb FROM v GROUP BY x),
    c AS (SELECT x, sum(wa) OVER (ORDER BY x) - sum(wb) OVER (ORDER BY x) AS d, lead(x) OVER (ORDER BY x) AS nx FROM g)
    SELECT coalesce(sum(abs(d) * (nx - x)), 0)::DOUBLE AS w FROM c WHERE nx IS NOT NULL`);
  entry.wasserstein = Number(w.getRowObjectsJson()[0]!.w);
}

async function categoricalDistances(
  connection: DuckDBConnection,
  entry: ColumnDiff,
  ea: string,
  eb: string,
): Promise<void> {
  const rows = (
    await connection.runAndReadAll(`
      WITH fa AS (SELECT CAST(${ea} AS VARCHAR) AS lathe_v, count(*)::DOUBLE AS n FROM a WHERE ${ea} IS NOT NULL GROUP BY lathe_v),
           fb AS (SELECT CAST(${eb} AS VARCHAR) AS lathe_v, count(*)::DOUBLE AS n FROM b WHERE ${eb} IS NOT NULL GROUP BY lathe_v)
      SELECT coalesce(fa.lathe_v, fb.lathe_v) AS v, coalesce(fa.n, 0) AS na, coalesce(fb.n, 0) AS nb
      FROM fa FULL OUTER JOIN fb ON fa.lathe_v = fb.lathe_v ORDER BY na + nb DESC, v`)
  ).getRowObjectsJson();
  const na = rows.map((r) => Number(r.na));
  const nb = rows.map((r) => Number(r.nb));
  entry.jensenShannon = jensenShannonDistance(na, nb);
  const shown = rows.slice(0, chartCategories);
  entry.categories = {
    values: shown.map((r) => String(r.v)),
    a: na.slice(0, chartCategories),
    b: nb.slice(0, chartCategories),
  };
}

async function keyDiff(
  connection: DuckDBConnection,
  key: string,
  columnsA: DatasetColumn[],
  columnsB: DatasetColumn[],
  labelA: string,
  labelB: string,
): Promise<KeyDiff> {
  const k = sqlIdentifier(key);
  for (const [table, label] of [
    ['a', labelA],
    ['b', labelB],
  ] as const) {
    const row = (
      await connection.runAndReadAll(
        `SELECT (count(${k}) - count(DISTINCT ${k}))::DOUBLE AS dup, (count(*) - count(${k}))::DOUBLE AS missing FROM ${table}`,
      )
    ).getRowObjectsJson()[0]!;
    if (Number(row.dup) > 0) {
      throw new LatheError(
        'BAD_INPUT',
        `key column "${key}" is not unique in ${label} (${Number(row.dup)} repeated value${Number(row.dup) === 1 ? '' : 's'}); pick a column that identifies each row`,
        { column: key },
      );
    }
    if (Number(row.missing) > 0)
      throw new LatheError('BAD_INPUT', `key column "${key}" has ${Number(row.missing)} missing value(s) in ${label}`, {
        column: key,
      });
  }
  const typeInB = new Map(columnsB.map((c) => [c.name, c.type]));
  const shared = columnsA.filter((c) => c.name !== key && typeInB.has(c.name));
  // A retyped column (say true/false became 1/0) would make every row "changed"; it is reported, not compared.
  const common = shared.filter((c) => typeInB.get(c.name) === c.type).map((c) => c.name);
  const skipped = shared.filter((c) => typeInB.get(c.name) !== c.type).map((c) => c.name);
  const differs =
    common.length > 0
      ? common
          .map((c) => `CAST(a.${sqlIdentifier(c)} AS VARCHAR) IS DISTINCT FROM CAST(b.${sqlIdentifier(c)} AS VARCHAR)`)
          .join(' OR ')
      : 'false';
  const joinKey = `CAST(a.${k} AS VARCHAR) = CAST(b.${k} AS VARCHAR)`;
  const counts = (
    await connection.runAndReadAll(`
      SELECT
        (SELECT count(*) FROM b WHERE NOT EXISTS (SELECT 1 FROM a WHERE ${joinKey}))::DOUBLE AS added,
        (SELECT count(*) FROM a WHERE NOT EXISTS (SELECT 1 FROM b WHERE ${joinKey}))::DOUBLE AS removed,
        (SELECT count(*) FROM a JOIN b ON ${joinKey} WHERE ${differs})::DOUBLE AS changed,
        (SELECT count(*) FROM a JOIN b ON ${joinKey} WHERE NOT (${differs}))::DOUBLE AS unchanged`)
  ).getRowObjectsJson()[0]!;
  const rowsOf = async (sql: string) => readerCells(await connection.runAndReadAll(sql));
  const added = await rowsOf(
    `SELECT * FROM b WHERE NOT EXISTS (SELECT 1 FROM a WHERE ${joinKey}) ORDER BY ${k} LIMIT ${keyDiffSamples}`,
  );
  const removed = await rowsOf(
    `SELECT * FROM a WHERE NOT EXISTS (SELECT 1 FROM b WHERE ${joinKey}) ORDER BY ${k} LIMIT ${keyDiffSamples}`,
  );
  const changedRows =
    common.length === 0
      ? []
      : await rowsOf(
          `SELECT a.${k}, ${common.map((c) => `a.${sqlIdentifier(c)}`).join(', ')}, ${common.map((c) => `b.${sqlIdentifier(c)}`).join(', ')}
     FROM a JOIN b ON ${joinKey} WHERE ${differs} ORDER BY a.${k} LIMIT ${keyDiffSamples}`,
        );
  const changed = changedRows.map((r: Cell[]) => ({
    key: r[0]!,
    before: r.slice(1, 1 + common.length),
    after: r.slice(1 + common.length),
  }));
  return {
    key,
    added: Number(counts.added),
    removed: Number(counts.removed),
    changed: Number(counts.changed),
    unchanged: Number(counts.unchanged),
    columns: common,
    skipped,
    samples: { added, removed, changed },
  };
}
