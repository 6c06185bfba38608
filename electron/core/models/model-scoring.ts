/**
 * Scoring with a model version: cached ONNX Runtime sessions, one typed row (the predict panel), whole
 * tables in the predict worker with their preview and metrics, benchmarks, and handing scored files to
 * the page. The catalog (model-service.ts) says which version and where its bytes are; this file runs it.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, resolve as resolvePath } from 'node:path';
import type * as ort from 'onnxruntime-node';
import type { BenchResult, ModelVersion } from '../../../shared/contract/index.js';
import { LatheError } from '../../../shared/errors.js';
import { chooseInferenceProviders, type InferenceProviderName } from '../compute/inference-providers.js';
import { queryTable } from '../data/read-table.js';
import type { EventBus } from '../events.js';
import { buildFeeds, openSession, planFeeds, type ColumnValues } from '../infer/scoring.js';
import {
  defaultPredictBatchRows,
  type PredictDone,
  type PredictProgress,
  type PredictRequest,
} from '../infer/predict-protocol.js';
import type { Db } from '../store/database.js';
import { runWorkerToEnd } from '../workers/run-worker.js';
import { benchSession } from './bench.js';
import type { DataResolver } from './data-source.js';

/** What scoring needs from the catalog: the version a reference names, and its ONNX file. */
export interface ScorableCatalog {
  resolveScorable(ref: string): ModelVersion;
  pathOf(version: ModelVersion): string;
}

/** Downloads through the page (base64 in one RPC answer) stop here; `lathe model export` has no limit. */
export const maxDownloadBytes = 256 * 1024 * 1024;
/** Rows of a batch prediction's output shown on the page. */
const previewRowCount = 20;

/** The first `limit` rows of a written output file (numbers as numbers, 64-bit integers as numbers). */
async function previewRows(
  path: string,
  limit: number,
): Promise<{ columns: string[]; rows: (string | number | boolean | null)[][] }> {
  return queryTable(path, /\.parquet$/i.test(path) ? 'parquet' : 'csv', async (connection, source) => {
    const reader = await connection.runAndReadAll(`SELECT * FROM ${source} LIMIT ${limit}`);
    const rows = reader
      .getRows()
      .map((row) =>
        row.map((value) =>
          value === null || typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean'
            ? value
            : typeof value === 'bigint'
              ? Number(value)
              : String(value),
        ),
      );
    return { columns: reader.columnNames(), rows };
  });
}

/** Scores with model versions (`core.models` delegates here). */
export class ModelScoring {
  private readonly sessions = new Map<string, Promise<ort.InferenceSession>>();
  /** Output files `predict` wrote, the only ones `downloadScores` hands out. */
  private readonly scoredFiles = new Set<string>();

  constructor(
    private readonly db: Db,
    private readonly events: EventBus,
    private readonly catalog: ScorableCatalog,
    private readonly resolveData: DataResolver,
  ) {}

  /** An output file `predict` wrote in this process, as base64 for a download from the page; other paths are refused. */
  downloadScores(out: string): { fileName: string; base64: string; size: number } {
    const path = resolvePath(out);
    if (!this.scoredFiles.has(path) || !existsSync(path))
      throw new LatheError('NOT_FOUND', `${path} is not an output this Lathe wrote; score again to download it`, {
        file: path,
      });
    const size = statSync(path).size;
    if (size > maxDownloadBytes)
      throw new LatheError(
        'BAD_INPUT',
        `${path} is ${size.toLocaleString()} bytes; downloads from the page stop at ${maxDownloadBytes.toLocaleString()}`,
        { file: path },
      );
    return { fileName: basename(path), base64: readFileSync(path).toString('base64'), size };
  }

  /** A cached ONNX Runtime session for a version. */
  async session(version: ModelVersion): Promise<ort.InferenceSession> {
    let session = this.sessions.get(version.hash);
    if (!session) {
      session = chooseInferenceProviders().then((providers) => openSession(this.catalog.pathOf(version), providers));
      this.sessions.set(version.hash, session);
      session.catch(() => this.sessions.delete(version.hash));
    }
    return session;
  }

  /** Benchmarks a version and records the result on it. */
  async bench(
    ref: string,
    options: { budgetMs?: number; latencyRuns?: number; provider?: InferenceProviderName } = {},
  ): Promise<BenchResult> {
    const version = this.catalog.resolveScorable(ref);
    const providers = await chooseInferenceProviders(options.provider);
    const session = await openSession(this.catalog.pathOf(version), providers);
    try {
      const result = await benchSession(session, version.inputs, version.featureSpecs, {
        budgetMs: options.budgetMs,
        latencyRuns: options.latencyRuns,
        provider: providers[0],
      });
      this.db
        .prepare('UPDATE model_versions SET bench_json = ? WHERE id = ?')
        .run(JSON.stringify(result), Number(version.id));
      this.events.emit('models.changed', { model: version.model, version: version.version, change: 'benchmarked' });
      return result;
    } finally {
      await session.release();
    }
  }

  /** Scores one row typed by a person (the predict panel). */
  async predictRow(
    ref: string,
    row: Record<string, number | string | boolean | null>,
  ): Promise<Record<string, number | string | (number | string)[]>> {
    const version = this.catalog.resolveScorable(ref);
    const columns = new Map<string, ColumnValues>();
    const kinds = new Map<string, 'numeric' | 'text'>();
    const stringInputs = new Set(version.inputs.filter((i) => i.type === 'string').map((i) => i.name));
    for (const [key, value] of Object.entries(row)) {
      if (stringInputs.has(key)) {
        columns.set(key, [value === null || value === '' ? null : String(value)]);
        kinds.set(key, 'text');
        continue;
      }
      const number = value === null || value === '' ? NaN : typeof value === 'boolean' ? Number(value) : Number(value);
      if (typeof value === 'string' && value.trim() !== '' && Number.isNaN(number)) {
        throw new LatheError('BAD_INPUT', `${key}: "${value}" is not a number`, { field: key });
      }
      columns.set(key, Float64Array.of(number));
      kinds.set(key, 'numeric');
    }
    const plan = planFeeds(version, kinds);
    const session = await this.session(version);
    const results = await session.run(buildFeeds(plan, columns, 1));
    const outputs: Record<string, number | string | (number | string)[]> = {};
    for (const name of session.outputNames) {
      const tensor = results[name] as ort.Tensor;
      const values = Array.from(tensor.data as ArrayLike<number | bigint | string>, (v) =>
        typeof v === 'bigint' ? Number(v) : v,
      );
      outputs[name] = values.length === 1 ? values[0]! : values;
    }
    return outputs;
  }

  /**
   * Scores a table (file or dataset) with a version in the predict worker and writes `out` (.csv or
   * .parquet). Progress arrives through `onProgress` and as `models.predictProgress` events.
   */
  async predict(
    input: {
      ref: string;
      data: string;
      out: string;
      features?: string[];
      batchRows?: number;
      provider?: InferenceProviderName;
      /** Input columns copied through to the output (an id, say). */
      keep?: string[];
      /** The label column for metrics; the model's target by default (used when the table has it). */
      label?: string;
      /** Categorical columns to compute metrics per value of (see PredictRequest.sliceBy). */
      sliceBy?: string[];
    },
    onProgress?: (rows: number, totalRows: number | null) => void,
    /** Aborting it stops the scoring (the worker ends; a partial output is removed) with a cancelled error. */
    signal?: AbortSignal,
  ): Promise<{
    rows: number;
    out: string;
    columns: string[];
    seconds: number;
    scoreSeconds: number;
    warmup: { rows: number; seconds: number } | null;
    /** The ONNX Runtime execution provider the rows were scored on. */
    provider: string;
    /** The output's first rows, as the page shows them. */
    preview: { columns: string[]; rows: (string | number | boolean | null)[][] };
    /** Metrics against the label column, when the table had it. */
    evaluation: { label: string; labeledRows: number; metrics: Record<string, number> } | null;
    /** Per-slice metrics of each `sliceBy` column. */
    slices?: NonNullable<PredictDone['slices']>;
  }> {
    const version = this.catalog.resolveScorable(input.ref);
    const data = await this.resolveData(input.data);
    const out = resolvePath(input.out);
    if (!existsSync(dirname(out)))
      throw new LatheError('NOT_FOUND', `Folder does not exist: ${dirname(out)}`, { file: out });
    const started = performance.now();
    const providers = await chooseInferenceProviders(input.provider);
    const request: PredictRequest = {
      modelPath: this.catalog.pathOf(version),
      inputs: version.inputs,
      outputs: version.outputs,
      features: version.features,
      featuresOverride: input.features,
      dataPath: data.path,
      dataLabel: input.data,
      format: data.format,
      out,
      batchRows: input.batchRows ?? defaultPredictBatchRows,
      providers,
      classes: version.classes,
      keep: input.keep,
      label: labelFor(version, input.label),
      sliceBy: input.sliceBy,
    };
    let totalRows: number | null = null;
    // Start-up (worker, table description, session) plus the first batch: reported apart so a steady rate can be told.
    let warmup: { rows: number; seconds: number } | null = null;
    const ref = `${version.model}@${version.version}`;
    const done = await runWorkerToEnd<PredictRequest, PredictDone, PredictProgress>('predict', request, {
      signal,
      what: `scoring ${input.data} with ${ref}`,
      onProgress: (message) => {
        if (message.type === 'started') totalRows = message.totalRows;
        else {
          warmup ??= { rows: message.rows, seconds: (performance.now() - started) / 1000 };
          onProgress?.(message.rows, totalRows);
          this.events.emit('models.predictProgress', { ref, rows: message.rows, totalRows });
        }
      },
    });
    this.scoredFiles.add(out);
    return {
      rows: done.rows,
      out,
      columns: done.columns,
      preview: await previewRows(out, previewRowCount),
      seconds: (performance.now() - started) / 1000,
      scoreSeconds: done.scoreSeconds,
      warmup,
      provider: providers[0]!,
      evaluation: done.evaluation && request.label ? { label: request.label.column, ...done.evaluation } : null,
      ...(done.slices ? { slices: done.slices } : {}),
    };
  }

  /** Closes cached sessions. */
  async dispose(): Promise<void> {
    const sessions = [...this.sessions.values()];
    this.sessions.clear();
    await Promise.allSettled(sessions.map(async (s) => (await s).release()));
  }
}

/** The label column metrics are computed against: the one asked for, else the model's target; null without a task. */
function labelFor(
  version: { task: 'classification' | 'regression' | null; target: string | null },
  asked: string | undefined,
): { column: string; task: 'classification' | 'regression' } | null {
  const column = asked ?? version.target;
  if (!column || !version.task) return null;
  return { column, task: version.task };
}
