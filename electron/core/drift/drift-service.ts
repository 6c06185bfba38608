/**
 * Drift reports (`core.drift`): resolves the reference (a dataset version) and the current set (a
 * dataset version or a file), checks that they can be compared, has the drift worker test every shared
 * column, and stores the report with its lineage in one transaction. Bad input (no shared columns, an
 * empty set, unknown columns in options) is a BAD_INPUT error naming the set and column at fault.
 */
import { randomUUID } from 'node:crypto';
import { availableParallelism } from 'node:os';
import {
  DriftOptions,
  type ColumnDrift,
  type DriftReport,
  type DriftReportSummary,
} from '../../../shared/contract/index.js';
import { LatheError } from '../../../shared/errors.js';
import type { EventBus } from '../events.js';
import type { Db } from '../store/database.js';
import { runWorkerToEnd } from '../workers/run-worker.js';
import { describeTable } from '../data/read-table.js';
import type { DatasetService } from '../data/dataset-service.js';
import type { DataResolver } from '../models/data-source.js';
import { bySeverity } from './column-drift.js';
import { recordDriftLineage } from './drift-lineage.js';
import type { LineageService } from '../lineage/lineage-service.js';
import type { DriftExtraColumn, DriftTable, DriftWorkerReply, DriftWorkerRequest } from './drift-protocol.js';

/** One side of a comparison, resolved. */
interface ResolvedSide {
  label: string;
  datasetVersionId: string | null;
  rows: number;
  table: DriftTable;
  columns: string[];
}

/** Scores both sets with a model, for prediction drift (given by the composition root). */
export interface PredictionScorer {
  /** `reference` and `current` are data references (NAME@V or a file path). */
  score(
    modelRef: string,
    reference: string,
    current: string,
  ): Promise<{ versionId: string; ref: string; columns: DriftExtraColumn[] }>;
}

/** Options of the service. */
export interface DriftServiceOptions {
  scorer?: PredictionScorer;
}

interface ReportRow {
  report_json: string;
}

function runDriftWorker(request: DriftWorkerRequest): Promise<DriftWorkerReply> {
  return runWorkerToEnd<DriftWorkerRequest, DriftWorkerReply>('drift', request);
}

// Large comparisons split their columns over one worker per core (reading and sorting dominate, per column).
async function runDriftWorkers(request: DriftWorkerRequest): Promise<{ columns: ColumnDrift[]; extra: ColumnDrift[] }> {
  const cells = request.referenceRows * request.columns.length;
  const workers = cells < 2_000_000 ? 1 : Math.min(availableParallelism(), 2, request.columns.length);
  if (workers <= 1) return runDriftWorker(request);
  const parts = Array.from({ length: workers }, (_, part) =>
    request.columns.filter((_column, index) => index % workers === part),
  );
  const results = await Promise.all(
    parts.map((columns, part) => runDriftWorker({ ...request, columns, extra: part === 0 ? request.extra : [] })),
  );
  return { columns: results.flatMap((result) => result.columns), extra: results.flatMap((result) => result.extra) };
}

/** The drift service. */
export class DriftService {
  constructor(
    private readonly db: Db,
    private readonly datasets: DatasetService,
    private readonly events: EventBus,
    private readonly resolveData: DataResolver,
    private readonly lineage: LineageService,
    private readonly options: DriftServiceOptions = {},
  ) {
    lineage.registerKind('drift_report', {
      prefix: 'drift',
      describe: (id) => {
        const row = this.db.prepare('SELECT report_json FROM drift_reports WHERE id = ?').get(id) as
          ReportRow | undefined;
        if (!row) return undefined;
        const report = JSON.parse(row.report_json) as DriftReport;
        return { label: `drift ${report.reference.label} → ${report.current.label}` };
      },
    });
  }

  /** Resolves a reference or current set: a dataset version, else a table file. */
  private async side(ref: string): Promise<ResolvedSide> {
    const resolved = await this.resolveData(ref);
    if (resolved.datasetVersionId) {
      const dataset = this.datasets.resolve(ref);
      return {
        label: `${dataset.name}@${dataset.version}`,
        datasetVersionId: dataset.versionId,
        rows: dataset.rows,
        columns: dataset.columns.map((column) => column.name),
        table: {
          path: dataset.path,
          format: dataset.format,
          sampleSize: dataset.readOptions.sampleSize,
          rows: dataset.rows,
          types: Object.fromEntries(dataset.columns.map((column) => [column.name, column.type])),
        },
      };
    }
    const description = await describeTable(resolved.path, { format: resolved.format });
    return {
      label: resolved.label,
      datasetVersionId: null,
      rows: description.rows,
      columns: description.columns.map((column) => column.name),
      table: {
        path: resolved.path,
        format: description.format,
        rows: description.rows,
        types: Object.fromEntries(description.columns.map((column) => [column.name, column.type])),
      },
    };
  }

  /** Compares the current set with the reference, stores the report and returns it. */
  async run(raw: DriftOptions): Promise<DriftReport> {
    const options = DriftOptions.parse(raw);
    const started = performance.now();
    const reference = await this.side(options.reference);
    const current = await this.side(options.current);
    if (reference.rows === 0)
      throw new LatheError('BAD_INPUT', `The reference ${reference.label} has no rows`, { reference: reference.label });
    if (current.rows === 0)
      throw new LatheError('BAD_INPUT', `The current set ${current.label} has no rows; nothing to compare`, {
        current: current.label,
      });
    const shared = reference.columns.filter((column) => current.columns.includes(column));
    if (shared.length === 0)
      throw new LatheError(
        'BAD_INPUT',
        `${reference.label} and ${current.label} have no column in common (reference: ${reference.columns.slice(0, 10).join(', ')}; current: ${current.columns.slice(0, 10).join(', ')})`,
        { reference: reference.label, current: current.label },
      );
    for (const [field, names] of [
      ['columns', options.columns ?? []],
      ['tests', Object.keys(options.tests ?? {})],
      ['thresholds', Object.keys(options.thresholds ?? {})],
    ] as const) {
      for (const name of names) {
        if (!shared.includes(name))
          throw new LatheError(
            'BAD_INPUT',
            `${field}: "${name}" is not a column of both ${reference.label} and ${current.label}`,
            { field, column: name },
          );
      }
    }
    const selected = options.columns ?? shared;
    let prediction: Awaited<ReturnType<PredictionScorer['score']>> | null = null;
    if (options.model) {
      if (!this.options.scorer) throw new LatheError('BAD_INPUT', 'prediction drift needs the model service');
      prediction = await this.options.scorer.score(options.model, reference.label, current.label);
    }
    const request: DriftWorkerRequest = {
      reference: reference.table,
      current: current.table,
      referenceRows: reference.rows,
      columns: selected.map((name) => ({
        name,
        test: options.tests?.[name],
        threshold: options.thresholds?.[name] ?? options.threshold,
      })),
      extra: prediction?.columns,
    };
    const result = await runDriftWorkers(request);
    const columns = [...result.columns].sort(bySeverity);
    const tested = columns.filter((column) => column.verdict === 'drift' || column.verdict === 'no_drift');
    const drifted = tested.filter((column) => column.verdict === 'drift').length;
    const driftShare = tested.length ? drifted / tested.length : 0;
    const report: DriftReport = {
      id: randomUUID(),
      createdAt: Date.now(),
      reference: { label: reference.label, datasetVersionId: reference.datasetVersionId, rows: reference.rows },
      current: { label: current.label, datasetVersionId: current.datasetVersionId, rows: current.rows },
      model: prediction ? { ref: prediction.ref, versionId: prediction.versionId } : null,
      driftShareThreshold: options.driftShare,
      columnsTested: tested.length,
      columnsDrifted: drifted,
      driftShare,
      datasetDrift: tested.length > 0 && driftShare >= options.driftShare,
      columns,
      predictions: result.extra,
      seconds: (performance.now() - started) / 1000,
    };
    this.store(report, current.table.path);
    this.events.emit('drift.changed', { id: report.id, change: 'created' });
    return report;
  }

  private store(report: DriftReport, currentPath: string): void {
    const insert = this.db.transaction(() => {
      this.db
        .prepare(
          `INSERT INTO drift_reports (id, created_at, reference_label, reference_version_id, current_label,
             current_version_id, model_version_id, columns_tested, columns_drifted, drift_share, dataset_drift, report_json)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          report.id,
          report.createdAt,
          report.reference.label,
          report.reference.datasetVersionId,
          report.current.label,
          report.current.datasetVersionId,
          report.model?.versionId ?? null,
          report.columnsTested,
          report.columnsDrifted,
          report.driftShare,
          report.datasetDrift ? 1 : 0,
          JSON.stringify(report),
        );
      recordDriftLineage(this.lineage, report, currentPath);
    });
    insert.immediate();
  }

  /** Every stored report, newest first. */
  list(): DriftReportSummary[] {
    const rows = this.db.prepare('SELECT report_json FROM drift_reports ORDER BY created_at DESC').all() as ReportRow[];
    return rows.map((row) => {
      const report = JSON.parse(row.report_json) as DriftReport;
      const { id, createdAt, reference, current, model, columnsTested, columnsDrifted, driftShare, datasetDrift } =
        report;
      return { id, createdAt, reference, current, model, columnsTested, columnsDrifted, driftShare, datasetDrift };
    });
  }

  /** One stored report. */
  get(id: string): DriftReport {
    const row = this.db.prepare('SELECT report_json FROM drift_reports WHERE id = ?').get(id) as ReportRow | undefined;
    if (!row) throw new LatheError('NOT_FOUND', `No drift report "${id}"`, { id });
    return JSON.parse(row.report_json) as DriftReport;
  }
}
