/**
 * The metric store: appended points (multi-row inserts), each series' latest point and count, and its
 * MinMax tiles at three sizes kept up to date on write; reading back as pages (MLflow's get-history), as a
 * drawable series (MinMaxLTTB over the tiles) and as mean ± std bands per param value.
 */
import type { MetricPoint } from '../../../shared/contract/index.js';
import { LatheError } from '../../../shared/errors.js';
import type { EventBus } from '../events.js';
import type { Db } from '../store/database.js';
import { lttbIndices } from './lttb.js';
import { decodePageToken, encodePageToken } from './run-search.js';
import type { RunRow, RunStore, SeriesRow } from './runs.js';
import { checkKey, jsonValue, trackingLimits, type MetricInput } from './tracking-rules.js';

/** Metric rows per multi-row INSERT. */
const metricRowsPerInsert = 100;

/** Points per metric tile, one level each, finest first (see migration 002). */
const tileSizes = [64, 256, 2048] as const;

interface TileRow {
  n: number;
  first_step: number | null;
  first_timestamp: number | null;
  first_value: number | null;
  last_step: number | null;
  last_timestamp: number | null;
  last_value: number | null;
  min_step: number | null;
  min_timestamp: number | null;
  min_value: number | null;
  max_step: number | null;
  max_timestamp: number | null;
  max_value: number | null;
}

/** Metric points of runs: writing, tiles, history, downsampling. */
export class MetricStore {
  private pendingMetricRuns = new Map<string, string>();
  private metricTimer: NodeJS.Timeout | undefined;
  private readonly insertMetric;
  private readonly insertMetrics;
  private readonly selectSeries;
  private readonly upsertSeries;
  private readonly selectTile;
  private readonly upsertTile;
  private readonly insertModelMetric;
  private readonly selectLoggedModel;

  constructor(
    private readonly db: Db,
    private readonly events: EventBus,
    private readonly runs: RunStore,
  ) {
    this.insertMetric = db.prepare('INSERT INTO metrics (run_key, key, step, timestamp, value) VALUES (?, ?, ?, ?, ?)');
    this.insertMetrics = db.prepare(
      `INSERT INTO metrics (run_key, key, step, timestamp, value) VALUES ${Array(metricRowsPerInsert).fill('(?, ?, ?, ?, ?)').join(', ')}`,
    );
    this.insertModelMetric = db.prepare(
      `INSERT INTO logged_model_metrics (model_id, run_key, key, step, timestamp, value, dataset_name, dataset_digest)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.selectLoggedModel = db.prepare<[string], { id: string }>('SELECT id FROM logged_models WHERE id = ?');
    this.selectSeries = db.prepare<[number, string], SeriesRow>(
      'SELECT count, latest_step, latest_timestamp, latest_value, latest_nan FROM metric_series WHERE run_key = ? AND key = ?',
    );
    this.upsertSeries = db.prepare(
      `INSERT INTO metric_series (run_key, key, count, latest_step, latest_timestamp, latest_value, latest_nan) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (run_key, key) DO UPDATE SET count = excluded.count, latest_step = excluded.latest_step,
         latest_timestamp = excluded.latest_timestamp, latest_value = excluded.latest_value, latest_nan = excluded.latest_nan`,
    );
    this.selectTile = db.prepare<[number, string, number, number], TileRow>(
      'SELECT * FROM metric_tiles WHERE run_key = ? AND key = ? AND size = ? AND tile = ?',
    );
    this.upsertTile = db.prepare(
      `INSERT OR REPLACE INTO metric_tiles (run_key, key, size, tile, n, first_step, first_timestamp, first_value, last_step, last_timestamp, last_value,
         min_step, min_timestamp, min_value, max_step, max_timestamp, max_value) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
  }

  /** Appends points to an active run in one transaction and tells listeners (coalesced). */
  log(runId: string, points: readonly MetricInput[]): void {
    const row = this.runs.activeRow(runId);
    this.check(points);
    this.db.transaction(() => this.write(row.key, points))();
    if (points.length) this.logged(row);
  }

  /** Validates metric points in one tight loop (the ingestion path is measured by the tracking bench). */
  check(points: readonly MetricInput[]): void {
    checkMetrics(points);
  }

  /** Writes points (inside the caller's transaction): rows, series and tiles. */
  write(runKey: number, points: readonly MetricInput[]): void {
    const insert = this.insertMetric;
    let single: string | undefined = points[0]?.key;
    // Rows go in 100 at a time through one multi-row statement (one call into SQLite instead of 100), the rest one by one.
    const many = this.insertMetrics;
    const args: unknown[] = new Array(metricRowsPerInsert * 5);
    let i = 0;
    for (; i + metricRowsPerInsert <= points.length; i += metricRowsPerInsert) {
      for (let j = 0; j < metricRowsPerInsert; j += 1) {
        const p = points[i + j]!;
        const at = j * 5;
        args[at] = runKey;
        args[at + 1] = p.key;
        args[at + 2] = p.step;
        args[at + 3] = p.timestamp;
        args[at + 4] = Number.isNaN(p.value) ? null : p.value;
        if (p.key !== single) single = undefined;
      }
      many.run(args);
    }
    for (; i < points.length; i += 1) {
      const p = points[i]!;
      insert.run(runKey, p.key, p.step, p.timestamp, Number.isNaN(p.value) ? null : p.value);
      if (p.key !== single) single = undefined;
    }
    this.writeModelLinks(runKey, points);
    // Most batches carry one key (a training loop's loss); others are grouped by key, keeping arrival order.
    if (single !== undefined) {
      this.updateSeries(runKey, single, points as MetricInput[]);
      return;
    }
    const byKey = new Map<string, MetricInput[]>();
    for (const p of points) {
      const list = byKey.get(p.key);
      if (list) list.push(p);
      else byKey.set(p.key, [p]);
    }
    for (const [key, list] of byKey) this.updateSeries(runKey, key, list);
  }

  /**
   * MLflow 3: a point that names a logged model is also that model's metric (logged-models/get answers it in
   * `data.metrics`), with the dataset it was computed on. Same transaction as the point; an unknown model id
   * is NOT_FOUND and undoes the whole request. Points without a model (nearly all) cost one property read.
   */
  private writeModelLinks(runKey: number, points: readonly MetricInput[]): void {
    for (const p of points) {
      if (p.modelId === undefined) continue;
      if (!this.selectLoggedModel.get(p.modelId))
        throw new LatheError('NOT_FOUND', `No logged model with id ${p.modelId}`, { field: 'model_id', id: p.modelId });
      this.insertModelMetric.run(
        p.modelId,
        runKey,
        p.key,
        p.step,
        p.timestamp,
        Number.isNaN(p.value) ? null : p.value,
        p.datasetName ?? null,
        p.datasetDigest ?? null,
      );
    }
  }

  /** Keeps the latest point, the count and the MinMax tiles (every level) of one series up to date, in one pass. */
  private updateSeries(runKey: number, key: string, points: MetricInput[]): void {
    const series = this.selectSeries.get(runKey, key);
    const start = series?.count ?? 0;
    let latestStep = series ? series.latest_step : -Infinity;
    let latestTimestamp = series ? series.latest_timestamp : -Infinity;
    let latestValue = series ? series.latest_value : null;
    let latestNan = series ? series.latest_nan === 1 : false;
    const levels = tileSizes.map((size) => {
      const index = Math.floor(start / size);
      return { size, index, tile: start % size === 0 ? undefined : this.selectTile.get(runKey, key, size, index) };
    });
    const flush = (level: { size: number; index: number; tile: TileRow | undefined }) => {
      const t = level.tile;
      if (!t) return;
      this.upsertTile.run(
        runKey,
        key,
        level.size,
        level.index,
        t.n,
        t.first_step,
        t.first_timestamp,
        t.first_value,
        t.last_step,
        t.last_timestamp,
        t.last_value,
        t.min_step,
        t.min_timestamp,
        t.min_value,
        t.max_step,
        t.max_timestamp,
        t.max_value,
      );
    };
    let count = start;
    for (let i = 0; i < points.length; i += 1) {
      const p = points[i]!;
      const { step, timestamp, value } = p;
      // Only finite values can be drawn; NaN and ±Infinity stay in the rows but not in the tiles.
      const finite = Number.isFinite(value);
      for (const level of levels) {
        const index = Math.floor(count / level.size);
        if (index !== level.index) {
          flush(level);
          level.index = index;
          level.tile = undefined;
        }
        let t = level.tile;
        if (!t) {
          t = {
            n: 0,
            first_step: null,
            first_timestamp: null,
            first_value: null,
            last_step: null,
            last_timestamp: null,
            last_value: null,
            min_step: null,
            min_timestamp: null,
            min_value: null,
            max_step: null,
            max_timestamp: null,
            max_value: null,
          };
          level.tile = t;
        }
        t.n += 1;
        if (finite) {
          if (t.first_step === null) {
            t.first_step = step;
            t.first_timestamp = timestamp;
            t.first_value = value;
          }
          t.last_step = step;
          t.last_timestamp = timestamp;
          t.last_value = value;
          if (t.min_value === null || value < t.min_value) {
            t.min_step = step;
            t.min_timestamp = timestamp;
            t.min_value = value;
          }
          if (t.max_value === null || value > t.max_value) {
            t.max_step = step;
            t.max_timestamp = timestamp;
            t.max_value = value;
          }
        }
      }
      count += 1;
      if (step > latestStep || (step === latestStep && timestamp >= latestTimestamp)) {
        latestStep = step;
        latestTimestamp = timestamp;
        latestNan = Number.isNaN(value);
        latestValue = latestNan ? null : value;
      }
    }
    for (const level of levels) flush(level);
    this.upsertSeries.run(runKey, key, count, latestStep, latestTimestamp, latestValue, latestNan ? 1 : 0);
  }

  /** Removes a run's points and tiles (inside the caller's transaction). */
  removeRun(row: RunRow): void {
    this.db.prepare('DELETE FROM metrics WHERE run_key = ?').run(row.key);
    this.db.prepare('DELETE FROM metric_tiles WHERE run_key = ?').run(row.key);
  }

  // ---- reading metrics ---------------------------------------------------------------------------

  /** Every point of a series in step order, a page at a time (MLflow's get-history). */
  metricPage(
    runId: string,
    key: string,
    options: { pageToken?: string; maxResults?: number } = {},
  ): {
    points: MetricPoint[];
    raw: { step: number; timestamp: number; value: number | null }[];
    nextPageToken?: string;
  } {
    const row = this.runs.row(runId);
    const offset = decodePageToken(options.pageToken);
    const limit = Math.min(options.maxResults ?? trackingLimits.historyPageSize, trackingLimits.historyPageSize);
    const raw = this.db
      .prepare<[number, string, number, number], { step: number; timestamp: number; value: number | null }>(
        'SELECT step, timestamp, value FROM metrics WHERE run_key = ? AND key = ? ORDER BY step, timestamp LIMIT ? OFFSET ?',
      )
      .all(row.key, key, limit + 1, offset);
    const more = raw.length > limit;
    if (more) raw.pop();
    return {
      raw,
      points: raw.map((p) => ({ step: p.step, timestamp: p.timestamp, value: jsonValue(p.value) })),
      ...(more ? { nextPageToken: encodePageToken(offset + limit) } : {}),
    };
  }

  /**
   * A series ready to draw: every point when it is short, otherwise at most `maxPoints` chosen by LTTB.
   * Long series are preselected from the MinMax tiles (MinMaxLTTB, Van Der Donckt et al. 2023,
   * https://arxiv.org/abs/2305.00332) so a million points are never all read.
   */
  metricHistory(
    runId: string,
    key: string,
    options: { maxPoints?: number; xAxis?: 'step' | 'time' } = {},
  ): { key: string; total: number; downsampled: boolean; points: MetricPoint[] } {
    const row = this.runs.row(runId);
    const maxPoints = options.maxPoints ?? 2000;
    const series = this.selectSeries.get(row.key, key);
    if (!series) return { key, total: 0, downsampled: false, points: [] };
    const total = series.count;
    const byTime = options.xAxis === 'time';
    // The coarsest tile level that still gives about 4 candidates per output point; the finest level down
    // to 2 per point; below that, the rows themselves.
    const level = [...tileSizes]
      .reverse()
      .find((size) => total / size >= (size === tileSizes[0] ? maxPoints / 2 : maxPoints));
    let steps: Float64Array;
    let times: Float64Array;
    let values: Float64Array;
    let n = 0;
    if (level !== undefined) {
      const tiles = this.db
        .prepare<[number, string, number], unknown[]>(
          `SELECT first_step, first_timestamp, first_value, min_step, min_timestamp, min_value, max_step, max_timestamp, max_value, last_step, last_timestamp, last_value
           FROM metric_tiles WHERE run_key = ? AND key = ? AND size = ? AND first_step IS NOT NULL ORDER BY tile`,
        )
        .raw()
        .all(row.key, key, level) as number[][];
      steps = new Float64Array(tiles.length * 4);
      times = new Float64Array(tiles.length * 4);
      values = new Float64Array(tiles.length * 4);
      for (const t of tiles) {
        for (let c = 0; c < 12; c += 3) {
          // Skip a repeat of the previous candidate (the min is often the first or last point).
          if (n > 0 && t[c] === steps[n - 1] && t[c + 1] === times[n - 1]) continue;
          steps[n] = t[c]!;
          times[n] = t[c + 1]!;
          values[n] = t[c + 2]!;
          n += 1;
        }
      }
    } else {
      const rows = this.db
        .prepare<[number, string], unknown[]>(
          'SELECT step, timestamp, value FROM metrics WHERE run_key = ? AND key = ? ORDER BY step, timestamp',
        )
        .raw()
        .all(row.key, key) as [number, number, number | null][];
      if (rows.length <= maxPoints && !byTime) {
        return {
          key,
          total,
          downsampled: false,
          points: rows.map(([step, timestamp, value]) => ({ step, timestamp, value: jsonValue(value) })),
        };
      }
      steps = new Float64Array(rows.length);
      times = new Float64Array(rows.length);
      values = new Float64Array(rows.length);
      for (const [step, timestamp, value] of rows) {
        if (value === null || !Number.isFinite(value)) continue; // NaN and ±Infinity cannot be drawn
        steps[n] = step;
        times[n] = timestamp;
        values[n] = value;
        n += 1;
      }
    }
    // Candidates arrive in logging order; sort by x only when that order is not already x order.
    const xs = byTime ? times : steps;
    let order: number[] | undefined;
    for (let i = 1; i < n; i += 1) {
      if (xs[i]! < xs[i - 1]!) {
        order = Array.from({ length: n }, (_, j) => j).sort(
          (a, b) => xs[a]! - xs[b]! || (byTime ? steps[a]! - steps[b]! : times[a]! - times[b]!),
        );
        break;
      }
    }
    const sortedX = order ? Float64Array.from(order, (j) => xs[j]!) : xs.subarray(0, n);
    const sortedY = order ? Float64Array.from(order, (j) => values[j]!) : values.subarray(0, n);
    const kept = n <= maxPoints ? Array.from({ length: n }, (_, i) => i) : lttbIndices(sortedX, sortedY, maxPoints);
    const points = kept.map((i) => {
      const j = order ? order[i]! : i;
      return { step: steps[j]!, timestamp: times[j]!, value: values[j]! };
    });
    return { key, total, downsampled: level !== undefined || n > maxPoints || n < total, points };
  }

  /** Mean ± std of a metric per step across runs grouped by a param's value (the compare view's bands). */
  groupedHistory(
    runIds: readonly string[],
    key: string,
    groupBy: string,
    maxPoints = 1000,
  ): {
    group: string | null;
    runIds: string[];
    points: { step: number; mean: number; std: number; count: number }[];
  }[] {
    const rows = runIds.map((id) => this.runs.row(id));
    const groups = new Map<string | null, RunRow[]>();
    for (const row of rows) {
      const value = this.runs.paramValue(row, groupBy);
      groups.set(value, [...(groups.get(value) ?? []), row]);
    }
    const result = [];
    for (const [group, members] of groups) {
      // Align runs on step: every run contributes its (downsampled) series; steps seen by any run count.
      const sums = new Map<number, { sum: number; squares: number; count: number }>();
      for (const member of members) {
        const { points } = this.metricHistory(member.id, key, { maxPoints });
        for (const p of points) {
          if (p.value === null) continue;
          const s = sums.get(p.step) ?? { sum: 0, squares: 0, count: 0 };
          s.sum += p.value;
          s.squares += p.value * p.value;
          s.count += 1;
          sums.set(p.step, s);
        }
      }
      const points = [...sums.entries()]
        .sort((a, b) => a[0] - b[0])
        .map(([step, s]) => {
          const mean = s.sum / s.count;
          const variance = s.count > 1 ? Math.max(0, (s.squares - s.count * mean * mean) / (s.count - 1)) : 0;
          return { step, mean, std: Math.sqrt(variance), count: s.count };
        });
      result.push({ group, runIds: members.map((m) => m.id), points });
    }
    return result.sort((a, b) => String(a.group).localeCompare(String(b.group), undefined, { numeric: true }));
  }

  /** Coalesces metric events: a script logging a point every millisecond makes a few events a second. */
  logged(row: RunRow): void {
    this.pendingMetricRuns.set(row.id, String(row.experiment_id));
    if (this.metricTimer) return;
    this.metricTimer = setTimeout(() => {
      this.metricTimer = undefined;
      const pending = this.pendingMetricRuns;
      this.pendingMetricRuns = new Map();
      this.events.emit('runs.metrics', { runIds: [...pending.keys()], experimentIds: [...new Set(pending.values())] });
    }, 250);
    this.metricTimer.unref();
  }

  /** Stops the pending event timer. */
  dispose(): void {
    if (this.metricTimer) clearTimeout(this.metricTimer);
    this.metricTimer = undefined;
  }
}

const validKeyCache = new Set<string>();

/** Validates metric points in one tight loop (the ingestion path is measured by the tracking bench). */
function checkMetrics(points: readonly MetricInput[]): void {
  for (let i = 0; i < points.length; i += 1) {
    const p = points[i]!;
    if (!validKeyCache.has(p.key)) {
      checkKey(p.key, 'Metric');
      if (validKeyCache.size < 10_000) validKeyCache.add(p.key);
    }
    if (typeof p.value !== 'number')
      throw new LatheError('BAD_INPUT', `Metric "${p.key}" value must be a number (point ${i})`, {
        field: 'value',
        index: i,
      });
    if (!Number.isSafeInteger(p.step))
      throw new LatheError('BAD_INPUT', `Metric "${p.key}" step must be an integer (point ${i})`, {
        field: 'step',
        index: i,
      });
    if (!Number.isSafeInteger(p.timestamp))
      throw new LatheError('BAD_INPUT', `Metric "${p.key}" timestamp must be an integer in milliseconds (point ${i})`, {
        field: 'timestamp',
        index: i,
      });
  }
}
