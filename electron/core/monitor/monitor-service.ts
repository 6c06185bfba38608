/**
 * Monitors (`core.monitors`): a model version, a reference and a stream of current batches. A run scores
 * the reference (once per model and reference version: kept with its CBPE fit and sorted features) and every
 * batch with the model (batch scoring in the predict worker), cuts the stream into windows, and has the monitor
 * worker test per window the drift of the model's features, estimate accuracy without labels (classifiers) and
 * compute the realised metrics when labels are there (accuracy, F1, ROC AUC; MAE, RMSE, R²). Alerts are decided
 * here. Runs and alerts are stored in one transaction; each alert is also an event (the desktop shell notifies).
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve as resolvePath } from 'node:path';
import {
  MonitorConfig,
  type MonitorAlert,
  type MonitorRun,
  type MonitorSummary,
  type MonitorWindow,
  type ModelVersion,
} from '../../../shared/contract/index.js';
import { LatheError } from '../../../shared/errors.js';
import type { EventBus } from '../events.js';
import type { Db } from '../store/database.js';
import type { DatasetService } from '../data/dataset-service.js';
import type { ModelService } from '../models/model-service.js';
import { describeTable, readColumns, rememberReadOptions, type ColumnValues } from '../data/read-table.js';
import { recordMonitorLineage } from '../drift/drift-lineage.js';
import type { LineageService } from '../lineage/lineage-service.js';
import type { CbpeModel, Probabilities } from './cbpe.js';
import { assignWindows } from './windows.js';
import { vectorColumnName } from '../infer/predict-protocol.js';
import { runWorkerToEnd } from '../workers/run-worker.js';
import type { MonitorOutputs, MonitorWorkerReply, MonitorWorkerRequest } from './monitor-protocol.js';

const numericTypes = new Set(['integer', 'float', 'boolean']);
const tableFile = /\.(csv|tsv|parquet|jsonl)$/i;

interface MonitorRow {
  id: string;
  name: string;
  created_at: number;
  config_json: string;
}

/**
 * One scored table: feature values, optional time cells, the model's probabilities (classifier) or predicted
 * values (regressor), and the labels as class indices (-1 unknown) or numbers (NaN unknown).
 */
interface ScoredTable {
  rows: number;
  features: Map<string, ColumnValues>;
  times: (string | null)[] | null;
  labels: Int32Array | null;
  probabilities: Probabilities | null;
  predictions: Float64Array | null;
  values: Float64Array | null;
}

/** What a run keeps of its reference for the next runs on the same model and reference versions. */
interface ReferenceEntry {
  scored: ScoredTable;
  /** Undefined until the first run fitted it (null: the reference has no labels). */
  cbpe?: CbpeModel | null;
  sorted: Record<string, Float64Array>;
}

/** References kept at once (a few monitors on a desktop; each holds its feature columns). */
const REFERENCES_KEPT = 4;

function concatenateNumbers(parts: (Float64Array | null)[], rows: number[]): Float64Array {
  const out = new Float64Array(rows.reduce((sum, count) => sum + count, 0)).fill(Number.NaN);
  let at = 0;
  parts.forEach((part, index) => {
    if (part) out.set(part, at);
    at += rows[index]!;
  });
  return out;
}

function concatenate(parts: ColumnValues[]): ColumnValues {
  if (parts.every((part) => part instanceof Float64Array)) {
    const out = new Float64Array(parts.reduce((sum, part) => sum + part.length, 0));
    let at = 0;
    for (const part of parts) {
      out.set(part, at);
      at += part.length;
    }
    return out;
  }
  return parts.flatMap((part) =>
    part instanceof Float64Array ? Array.from(part, (value) => (Number.isNaN(value) ? null : String(value))) : part,
  );
}

/** The monitors service. */
export class MonitorService {
  /** Scored references with their CBPE fit and sorted features, by model version and reference version. */
  private readonly references = new Map<string, ReferenceEntry>();

  constructor(
    private readonly db: Db,
    private readonly datasets: DatasetService,
    private readonly models: ModelService,
    private readonly events: EventBus,
    private readonly lineage: LineageService,
  ) {
    lineage.registerKind('monitor', {
      prefix: 'monitor',
      resolve: (name) => this.row(name).id,
      describe: (id) => {
        const row = this.db.prepare('SELECT name FROM monitors WHERE id = ?').get(id) as { name: string } | undefined;
        return row ? { label: `monitor ${row.name}`, name: row.name } : undefined;
      },
    });
  }

  /** Creates a monitor after checking that its model, reference and stream exist. */
  create(raw: unknown): MonitorSummary {
    const config = MonitorConfig.parse(raw);
    const model = this.models.resolve(config.model);
    const reference = this.datasets.resolve(config.reference);
    if (config.stream.kind === 'dataset') this.datasets.versions(config.stream.dataset);
    else {
      const folder = resolvePath(config.stream.path);
      if (!existsSync(folder) || !statSync(folder).isDirectory())
        throw new LatheError('NOT_FOUND', `stream.path: no such folder ${folder}`, { field: 'stream.path' });
      config.stream = { kind: 'folder', path: folder };
    }
    const referenceColumns = reference.columns.map((column) => column.name);
    const missing = model.features.filter((feature) => !referenceColumns.includes(feature));
    if (missing.length)
      throw new LatheError(
        'BAD_INPUT',
        `reference: ${reference.name}@${reference.version} lacks the model's features ${missing.join(', ')}`,
        { field: 'reference' },
      );
    if (this.db.prepare('SELECT 1 FROM monitors WHERE name = ?').get(config.name))
      throw new LatheError('ALREADY_EXISTS', `A monitor named "${config.name}" exists`, { field: 'name' });
    const id = randomUUID();
    const now = Date.now();
    const stored = {
      ...config,
      model: `${model.model}@${model.version}`,
      reference: `${reference.name}@${reference.version}`,
    };
    this.db.transaction(() => {
      this.db
        .prepare(
          'INSERT INTO monitors (id, name, created_at, model_version_id, reference_version_id, config_json) VALUES (?, ?, ?, ?, ?, ?)',
        )
        .run(id, config.name, now, model.id, reference.versionId, JSON.stringify(stored));
      recordMonitorLineage(this.lineage, id, model.id, reference.versionId, now);
    })();
    this.events.emit('monitors.changed', { name: config.name, change: 'created' });
    return this.summary(this.row(config.name));
  }

  /** Every monitor with its latest run. */
  list(): MonitorSummary[] {
    const rows = this.db.prepare('SELECT * FROM monitors ORDER BY name').all() as MonitorRow[];
    return rows.map((row) => this.summary(row));
  }

  /** One monitor, its latest run and its alerts (newest first). */
  show(name: string): { monitor: MonitorSummary; alerts: MonitorAlert[] } {
    const row = this.row(name);
    return { monitor: this.summary(row), alerts: this.alertsOf(row.id) };
  }

  /** Every alert, newest first. */
  alerts(): MonitorAlert[] {
    return this.alertsOf(null);
  }

  private alertsOf(monitorId: string | null): MonitorAlert[] {
    const rows = this.db
      .prepare(
        `SELECT a.*, m.name AS monitor FROM monitor_alerts a JOIN monitors m ON m.id = a.monitor_id
         ${monitorId ? 'WHERE a.monitor_id = ?' : ''} ORDER BY a.created_at DESC, a.id DESC`,
      )
      .all(...(monitorId ? [monitorId] : [])) as {
      id: number;
      monitor: string;
      run_id: string;
      created_at: number;
      window_label: string;
      kind: 'drift' | 'performance';
      message: string;
      value: number;
      threshold: number;
    }[];
    return rows.map((row) => ({
      id: row.id,
      monitor: row.monitor,
      runId: row.run_id,
      createdAt: row.created_at,
      window: row.window_label,
      kind: row.kind,
      message: row.message,
      value: row.value,
      threshold: row.threshold,
    }));
  }

  private row(name: string): MonitorRow {
    const row = this.db.prepare('SELECT * FROM monitors WHERE name = ?').get(name) as MonitorRow | undefined;
    if (!row) throw new LatheError('NOT_FOUND', `No monitor named "${name}"`, { name });
    return row;
  }

  private summary(row: MonitorRow): MonitorSummary {
    const config = JSON.parse(row.config_json) as MonitorConfig;
    const last = this.db
      .prepare('SELECT run_json FROM monitor_runs WHERE monitor_id = ? ORDER BY created_at DESC LIMIT 1')
      .get(row.id) as { run_json: string } | undefined;
    const alertCount = (
      this.db.prepare('SELECT count(*) AS n FROM monitor_alerts WHERE monitor_id = ?').get(row.id) as { n: number }
    ).n;
    return {
      id: row.id,
      name: row.name,
      createdAt: row.created_at,
      config: {
        model: config.model,
        reference: config.reference,
        stream: config.stream,
        window: config.window,
        timeColumn: config.timeColumn ?? null,
        labelColumn: config.labelColumn ?? null,
        driftShare: config.driftShare,
        minAccuracy: config.minAccuracy ?? null,
      },
      lastRun: last ? (JSON.parse(last.run_json) as MonitorRun) : null,
      alertCount,
    };
  }

  /** The stream's batches now: data references in order. */
  private batches(config: MonitorConfig, referenceVersionId: string): { ref: string; name: string }[] {
    if (config.stream.kind === 'dataset') {
      return this.datasets
        .versions(config.stream.dataset)
        .filter((version) => version.id !== referenceVersionId)
        .sort((a, b) => a.version - b.version)
        .map((version) => ({
          ref: `${config.stream.kind === 'dataset' ? config.stream.dataset : ''}@${version.version}`,
          name: `@${version.version}`,
        }));
    }
    const folder = config.stream.path;
    return readdirSync(folder)
      .filter((file) => tableFile.test(file))
      .sort()
      .map((file) => ({ ref: join(folder, file), name: file }));
  }

  // Scores one table and reads the feature, time and label columns it has.
  private async scoreTable(
    dataRef: string,
    version: ModelVersion,
    labelColumn: string | null,
    timeColumn: string | null,
    scratch: string,
  ): Promise<ScoredTable> {
    const isDataset = !dataRef.includes('/') && !tableFile.test(dataRef);
    let path: string;
    let format: 'csv' | 'tsv' | 'parquet' | 'jsonl' | undefined;
    let types: Record<string, string>;
    if (isDataset) {
      const resolved = this.datasets.resolve(dataRef);
      path = resolved.path;
      format = resolved.format;
      rememberReadOptions(path, resolved.readOptions);
      types = Object.fromEntries(resolved.columns.map((column) => [column.name, column.type]));
    } else {
      path = dataRef;
      const description = await describeTable(path);
      format = description.format;
      types = Object.fromEntries(description.columns.map((column) => [column.name, column.type]));
    }
    const missing = version.features.filter((feature) => !(feature in types));
    if (missing.length)
      throw new LatheError('BAD_INPUT', `${dataRef} lacks the model's features ${missing.join(', ')}`, {
        data: dataRef,
      });
    const wanted = [...version.features];
    const hasLabel = labelColumn !== null && labelColumn in types;
    const hasTime = timeColumn !== null && timeColumn in types;
    if (timeColumn !== null && !hasTime)
      throw new LatheError('BAD_INPUT', `${dataRef} has no time column "${timeColumn}"`, { data: dataRef });
    const readTypes: Record<string, 'float' | 'text'> = {};
    for (const feature of wanted) readTypes[feature] = numericTypes.has(types[feature]!) ? 'float' : 'text';
    const regression = version.task !== 'classification';
    if (hasLabel) readTypes[labelColumn] = regression ? 'float' : 'text';
    if (hasTime) readTypes[timeColumn] = 'text';
    const columns = await readColumns(path, Object.keys(readTypes), { format, types: readTypes });
    const rows = columns.get(wanted[0]!)!.length;
    let probabilities: Probabilities | null = null;
    let labels: Int32Array | null = null;
    let predictions: Float64Array | null = null;
    let values: Float64Array | null = null;
    if (regression) {
      const out = join(scratch, `${randomUUID()}.parquet`);
      await this.models.predict({ ref: `${version.model}@${version.version}`, data: dataRef, out });
      // The predicted value is the first output column.
      const first = (await describeTable(out)).columns[0]!.name;
      predictions = (await readColumns(out, [first], { types: { [first]: 'float' } })).get(first) as Float64Array;
      if (hasLabel) values = columns.get(labelColumn) as Float64Array;
    } else if (version.classes) {
      const out = join(scratch, `${randomUUID()}.parquet`);
      await this.models.predict({ ref: `${version.model}@${version.version}`, data: dataRef, out });
      const classes = version.classes.length;
      const names = Array.from({ length: classes }, (_, index) =>
        vectorColumnName('probabilities', index, classes, version.classes),
      );
      const scored = await readColumns(out, names, { types: Object.fromEntries(names.map((name) => [name, 'float'])) });
      const values = new Float64Array(rows * classes);
      names.forEach((name, j) => {
        const column = scored.get(name) as Float64Array;
        for (let row = 0; row < rows; row++) values[row * classes + j] = column[row]!;
      });
      probabilities = { values, classes };
      if (hasLabel) {
        const index = new Map(version.classes.map((name, position) => [name, position]));
        const cells = columns.get(labelColumn) as (string | null)[];
        labels = Int32Array.from(cells, (cell) => (cell === null ? -1 : (index.get(cell) ?? -1)));
      }
    }
    return {
      rows,
      features: new Map(wanted.map((name) => [name, columns.get(name)!])),
      times: hasTime ? (columns.get(timeColumn) as (string | null)[]) : null,
      labels,
      probabilities,
      predictions,
      values,
    };
  }

  /** Runs a monitor over its stream as it is now, stores the run and its alerts. */
  async run(name: string): Promise<MonitorRun> {
    const row = this.row(name);
    const config = JSON.parse(row.config_json) as MonitorConfig;
    const started = performance.now();
    const version = this.models.resolve(config.model);
    const referenceVersion = this.datasets.resolve(config.reference);
    const labelColumn = config.labelColumn ?? version.target;
    const batches = this.batches(config, referenceVersion.versionId);
    if (batches.length === 0)
      throw new LatheError('BAD_INPUT', `Monitor "${name}" has no batches in its stream yet`, { name });
    const scratch = mkdtempSync(join(tmpdir(), 'lathe-monitor-'));
    const key = `${version.id}:${referenceVersion.versionId}:${labelColumn}`;
    let kept = this.references.get(key);
    const scored: ScoredTable[] = [];
    try {
      if (!kept) {
        kept = { scored: await this.scoreTable(config.reference, version, labelColumn, null, scratch), sorted: {} };
        this.references.set(key, kept);
        if (this.references.size > REFERENCES_KEPT) this.references.delete(this.references.keys().next().value!);
      }
      for (const batch of batches)
        scored.push(await this.scoreTable(batch.ref, version, labelColumn, config.timeColumn ?? null, scratch));
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
    const reference = kept.scored;
    const total = scored.reduce((sum, table) => sum + table.rows, 0);
    const batchOfRow = new Int32Array(total);
    let at = 0;
    scored.forEach((table, index) => {
      batchOfRow.fill(index, at, at + table.rows);
      at += table.rows;
    });
    const times = config.timeColumn ? scored.flatMap((table) => table.times!) : null;
    const rowCounts = scored.map((table) => table.rows);
    let outputs: MonitorOutputs | null = null;
    if (reference.probabilities) {
      const classes = reference.probabilities.classes;
      outputs = {
        task: 'classification',
        probabilities: {
          classes,
          values: concatenateNumbers(
            scored.map((table) => table.probabilities!.values),
            rowCounts.map((rows) => rows * classes),
          ),
        },
        labels: Int32Array.from(
          scored.flatMap((table) => (table.labels ? Array.from(table.labels) : new Array<number>(table.rows).fill(-1))),
        ),
        ...(kept.cbpe !== undefined
          ? { cbpe: kept.cbpe }
          : reference.labels
            ? { reference: { probabilities: reference.probabilities, labels: reference.labels } }
            : { cbpe: null }),
      };
    } else if (reference.predictions) {
      outputs = {
        task: 'regression',
        predictions: concatenateNumbers(
          scored.map((table) => table.predictions),
          rowCounts,
        ),
        labels: concatenateNumbers(
          scored.map((table) => table.values),
          rowCounts,
        ),
      };
    }
    const request: MonitorWorkerRequest = {
      referenceRows: reference.rows,
      features: version.features.map((feature) => ({
        name: feature,
        reference: reference.features.get(feature)!,
        referenceSorted: kept.sorted[feature],
        current: concatenate(scored.map((table) => table.features.get(feature)!)),
      })),
      windows: assignWindows(
        config.window,
        total,
        batchOfRow,
        batches.map((batch) => batch.name),
        times,
      ),
      outputs,
    };
    const computed = await runWorkerToEnd<MonitorWorkerRequest, MonitorWorkerReply>('monitor', request);
    if (outputs?.task === 'classification') kept.cbpe = computed.cbpe;
    kept.sorted = computed.referenceSorted;
    const cbpe = computed.cbpe;
    const windows: MonitorWindow[] = [];
    const alerts: Omit<MonitorAlert, 'id' | 'monitor' | 'runId' | 'createdAt'>[] = [];
    for (const window of computed.windows) {
      const drifted = window.driftedColumns;
      const tested = window.columnsTested;
      const driftShare = tested ? drifted.length / tested : 0;
      const estimate = window.estimate;
      const kinds: MonitorWindow['alerts'] = [];
      if (tested > 0 && driftShare >= config.driftShare) {
        kinds.push('drift');
        alerts.push({
          window: window.label,
          kind: 'drift',
          message: `${window.label}: ${drifted.length} of ${tested} features drift (${drifted.join(', ')})`,
          value: driftShare,
          threshold: config.driftShare,
        });
      }
      const realised = window.classification?.accuracy ?? null;
      const accuracy = realised ?? estimate?.estimated ?? null;
      if (config.minAccuracy !== undefined && accuracy !== null && accuracy < config.minAccuracy) {
        kinds.push('performance');
        alerts.push({
          window: window.label,
          kind: 'performance',
          message: `${window.label}: ${realised !== null ? 'realised' : 'estimated'} accuracy ${accuracy.toFixed(3)} is below ${config.minAccuracy}`,
          value: accuracy,
          threshold: config.minAccuracy,
        });
      }
      windows.push({
        label: window.label,
        rows: window.rows,
        columnsTested: tested,
        driftedColumns: drifted,
        skippedColumns: window.skipped,
        driftShare,
        estimatedAccuracy: estimate?.estimated ?? null,
        lower: estimate?.lower ?? null,
        upper: estimate?.upper ?? null,
        realisedAccuracy: realised,
        f1: window.classification?.f1 ?? null,
        rocAuc: window.classification?.rocAuc ?? null,
        mae: window.regression?.mae ?? null,
        rmse: window.regression?.rmse ?? null,
        r2: window.regression?.r2 ?? null,
        alerts: kinds,
      });
    }
    const run: MonitorRun = {
      id: randomUUID(),
      monitor: name,
      createdAt: Date.now(),
      batches: batches.map((batch) => batch.name),
      task: version.task === 'classification' ? 'classification' : 'regression',
      referenceAccuracy: cbpe?.referenceAccuracy ?? null,
      windows,
      seconds: (performance.now() - started) / 1000,
    };
    const stored = this.db.transaction(() => {
      this.db
        .prepare('INSERT INTO monitor_runs (id, monitor_id, created_at, run_json) VALUES (?, ?, ?, ?)')
        .run(run.id, row.id, run.createdAt, JSON.stringify(run));
      const insert = this.db.prepare(
        `INSERT INTO monitor_alerts (monitor_id, run_id, created_at, window_label, kind, message, value, threshold)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      );
      return alerts.map((alert): MonitorAlert => ({
        ...alert,
        id: Number(
          insert.run(
            row.id,
            run.id,
            run.createdAt,
            alert.window,
            alert.kind,
            alert.message,
            alert.value,
            alert.threshold,
          ).lastInsertRowid,
        ),
        monitor: name,
        runId: run.id,
        createdAt: run.createdAt,
      }));
    });
    for (const alert of stored.immediate()) this.events.emit('monitors.alert', alert);
    this.events.emit('monitors.changed', { name, change: 'ran' });
    return run;
  }
}
