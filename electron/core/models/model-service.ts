/**
 * The model registry: models, their immutable versions (one ONNX file each in the object store),
 * import with validation, export, benchmarks, one-row prediction and lineage.
 */
import { existsSync, readFileSync, renameSync, rmSync, statSync, copyFileSync } from 'node:fs';
import { basename, dirname, resolve as resolvePath } from 'node:path';
import type * as ort from 'onnxruntime-node';
import type {
  BenchResult,
  FeatureSpec,
  ImportResult,
  LineageLink,
  ModelSummary,
  ModelVersion,
} from '../../../shared/contract/index.js';
import { LatheError } from '../../../shared/errors.js';
import type { EventBus } from '../events.js';
import type { ObjectStore } from '../objects/object-store.js';
import type { Db } from '../store/database.js';
import { inspectOnnx, type OnnxSummary } from './onnx-inspect.js';
import { openSession, openSessionFromBytes, buildFeeds, planFeeds, type ColumnValues } from '../infer/scoring.js';
import { benchSession } from './bench.js';
import { probeInference } from '../compute/inference-providers.js';
import { createDataResolver, type DataResolver } from './data-source.js';
import { startWorker } from '../workers/worker-host.js';
import { errorFromShape } from '../infer/score-client.js';
import { defaultPredictBatchRows, type PredictReply, type PredictRequest } from '../infer/predict-protocol.js';

interface ModelRow {
  id: number;
  name: string;
  created_at: number;
  updated_at: number;
  version_count: number;
  latest_version: number | null;
  latest_source: 'trained' | 'imported' | null;
  latest_task: 'classification' | 'regression' | null;
}

interface VersionRow {
  id: number;
  model_id: number;
  model_name: string;
  version: number;
  source: 'trained' | 'imported';
  task: 'classification' | 'regression' | null;
  object_hash: string;
  size: number;
  signature_json: string;
  features_json: string;
  feature_specs_json: string | null;
  target: string | null;
  classes_json: string | null;
  preprocessing_hash: string | null;
  metrics_json: string;
  backend: string | null;
  run_id: string | null;
  dataset_version_id: string | null;
  bench_json: string | null;
  created_at: number;
}

/** What a trained model brings to the registry. */
export interface TrainedVersionInput {
  name: string;
  onnx: Uint8Array;
  preprocessing: Uint8Array;
  task: 'classification' | 'regression';
  features: string[];
  featureSpecs: FeatureSpec[];
  target: string;
  classes: string[] | null;
  metrics: Record<string, number>;
  backend: string;
  runId: string | null;
  datasetVersionId: string | null;
}

/** Lineage entity kinds used by models. */
export const lineageKinds = { modelVersion: 'model_version', run: 'run', datasetVersion: 'dataset_version' } as const;

/** Parses `NAME`, `NAME@latest`, `NAME@3`. */
export function parseModelRef(ref: string): { name: string; version: number | 'latest' } {
  const match = /^([A-Za-z0-9][A-Za-z0-9._-]*)(?:@(latest|\d+))?$/.exec(ref.trim());
  if (!match)
    throw new LatheError('BAD_INPUT', `"${ref}" is not a model reference: use NAME, NAME@latest or NAME@N`, { ref });
  return { name: match[1]!, version: match[2] === undefined || match[2] === 'latest' ? 'latest' : Number(match[2]) };
}

/** Downloads through the page (base64 in one RPC answer) stop here; `lathe model export` has no limit. */
const maxDownloadBytes = 256 * 1024 * 1024;

/** Registers, lists and serves model versions. */
export class ModelService {
  private readonly sessions = new Map<string, Promise<ort.InferenceSession>>();

  constructor(
    private readonly db: Db,
    private readonly objects: ObjectStore,
    private readonly events: EventBus,
    private readonly resolveData: DataResolver = createDataResolver(),
  ) {}

  /** Every model, most recently changed first. */
  list(): ModelSummary[] {
    return this.db.prepare<[], ModelRow>(`${modelSelect} ORDER BY m.updated_at DESC, m.id DESC`).all().map(toSummary);
  }

  /** One model with all its versions, newest first. */
  get(name: string): { model: ModelSummary; versions: ModelVersion[] } {
    const row = this.db.prepare<[string], ModelRow>(`${modelSelect} WHERE m.name = ?`).get(name);
    if (!row) throw new LatheError('NOT_FOUND', `No model named "${name}" (see: lathe model list)`, { model: name });
    const versions = this.db
      .prepare<[number], VersionRow>(`${versionSelect} WHERE v.model_id = ? ORDER BY v.version DESC`)
      .all(row.id)
      .map(toVersion);
    return { model: toSummary(row), versions };
  }

  /** The version a reference names; NOT_FOUND names what exists. */
  resolve(ref: string): ModelVersion {
    return toVersion(this.resolveRow(ref));
  }

  /** A version with its lineage neighbours. */
  versionWithLineage(ref: string): { version: ModelVersion; lineage: LineageLink[] } {
    const version = this.resolve(ref);
    const edges = this.db
      .prepare<
        [string, string, string, string],
        { from_kind: string; from_id: string; to_kind: string; to_id: string; relation: string }
      >(
        `SELECT from_kind, from_id, to_kind, to_id, relation FROM lineage_edges
         WHERE (to_kind = ? AND to_id = ?) OR (from_kind = ? AND from_id = ?) ORDER BY id`,
      )
      .all(lineageKinds.modelVersion, version.id, lineageKinds.modelVersion, version.id);
    const lineage = edges.map((edge): LineageLink => {
      const upstream = edge.to_kind === lineageKinds.modelVersion && edge.to_id === version.id;
      const kind = upstream ? edge.from_kind : edge.to_kind;
      const id = upstream ? edge.from_id : edge.to_id;
      return {
        direction: upstream ? 'upstream' : 'downstream',
        kind,
        id,
        relation: edge.relation,
        ...this.lineageTarget(kind, id),
      };
    });
    return { version, lineage };
  }

  /** The stored ONNX file of a version (what Lathe scores with). */
  pathOf(version: ModelVersion): string {
    return this.objects.pathOf(version.hash);
  }

  /**
   * Imports an ONNX file as a new version of `name`: decoded, loaded in ONNX Runtime, then stored.
   * Nothing is registered when any check fails.
   */
  async importFile(path: string, name: string, features?: string[]): Promise<ImportResult> {
    const absolute = resolvePath(path);
    if (!existsSync(absolute) || !statSync(absolute).isFile())
      throw new LatheError('NOT_FOUND', `No such file: ${absolute}`, { file: absolute });
    const bytes = readFileSync(absolute);
    const summary = inspectOnnx(bytes, absolute);
    const session = await openSessionFromBytes(bytes, absolute);
    try {
      const missing = summary.inputs.filter((i) => !session.inputNames.includes(i.name)).map((i) => i.name);
      if (missing.length > 0)
        throw new LatheError(
          'BAD_INPUT',
          `${absolute}: graph inputs ${missing.join(', ')} are not inputs ONNX Runtime sees`,
          { file: absolute },
        );
    } finally {
      await session.release();
    }
    if (features && features.length > 0) {
      const [only] = summary.inputs;
      const usable =
        summary.inputs.length === 1 &&
        only &&
        only.shape.length === 2 &&
        (only.type === 'float32' || only.type === 'float64');
      if (!usable) {
        throw new LatheError(
          'BAD_INPUT',
          `--features applies to a model with one 2-D float input; ${basename(absolute)} has inputs ${summary.inputs.map((i) => `${i.name} ${i.type}[${i.shape.join(', ')}]`).join(', ')}`,
          { file: absolute },
        );
      }
      const width = only.shape[1];
      if (typeof width === 'number' && width !== features.length) {
        throw new LatheError(
          'BAD_INPUT',
          `Input "${only.name}" takes ${width} columns but --features lists ${features.length}`,
          { file: absolute },
        );
      }
    }
    const version = await this.register({
      name,
      bytes,
      summary,
      source: 'imported',
      task: null,
      features: features ?? [],
      featureSpecs: null,
      target: null,
      classes: null,
      metrics: {},
      backend: null,
      runId: null,
      datasetVersionId: null,
      preprocessing: null,
    });
    return {
      model: version.model,
      version: version.version,
      inputs: summary.inputs,
      outputs: summary.outputs,
      opset: summary.opset,
      producer: summary.producer,
      nodes: summary.nodes,
      parameters: summary.parameters,
    };
  }

  /** Registers a model version that training produced, with its lineage edges. */
  async registerTrained(input: TrainedVersionInput): Promise<ModelVersion> {
    const summary = inspectOnnx(input.onnx, `${input.name} (trained)`);
    return this.register({ ...input, bytes: input.onnx, summary, source: 'trained' });
  }

  /** Copies a version's ONNX file to `out`, byte for byte. */
  exportTo(ref: string, out: string): { path: string; hash: string; size: number } {
    const version = this.resolve(ref);
    const target = resolvePath(out);
    if (!existsSync(dirname(target)))
      throw new LatheError('NOT_FOUND', `Folder does not exist: ${dirname(target)}`, { file: target });
    const temp = `${target}.lathe-${process.pid}.tmp`;
    try {
      copyFileSync(this.pathOf(version), temp);
      renameSync(temp, target);
    } catch (error) {
      rmSync(temp, { force: true });
      throw new LatheError('BAD_INPUT', `Cannot write ${target}: ${(error as Error).message}`, { file: target });
    }
    return { path: target, hash: version.hash, size: version.size };
  }

  /** A version's ONNX file as base64 with a file name (`NAME-vN.onnx`), for a download from the page. */
  download(ref: string): { fileName: string; base64: string; size: number; hash: string } {
    const version = this.resolve(ref);
    if (version.size > maxDownloadBytes)
      throw new LatheError(
        'BAD_INPUT',
        `${version.model}@${version.version} is ${version.size.toLocaleString()} bytes; downloads from the page stop at ${maxDownloadBytes.toLocaleString()} (use lathe model export)`,
        { ref },
      );
    return {
      fileName: `${version.model}-v${version.version}.onnx`,
      base64: readFileSync(this.pathOf(version)).toString('base64'),
      size: version.size,
      hash: version.hash,
    };
  }

  /** A cached ONNX Runtime session for a version. */
  async session(version: ModelVersion): Promise<ort.InferenceSession> {
    let session = this.sessions.get(version.hash);
    if (!session) {
      session = this.providers().then((providers) => openSession(this.pathOf(version), providers));
      this.sessions.set(version.hash, session);
      session.catch(() => this.sessions.delete(version.hash));
    }
    return session;
  }

  /** Benchmarks a version and records the result on it. */
  async bench(ref: string, options: { budgetMs?: number; latencyRuns?: number } = {}): Promise<BenchResult> {
    const version = this.resolve(ref);
    const providers = await this.providers();
    const session = await openSession(this.pathOf(version), providers);
    try {
      const result = await benchSession(session, version.inputs, version.featureSpecs, {
        ...options,
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
    const version = this.resolve(ref);
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
    input: { ref: string; data: string; out: string; features?: string[]; batchRows?: number },
    onProgress?: (rows: number, totalRows: number | null) => void,
  ): Promise<{
    rows: number;
    out: string;
    columns: string[];
    seconds: number;
    scoreSeconds: number;
    warmup: { rows: number; seconds: number } | null;
  }> {
    const version = this.resolve(input.ref);
    const data = await this.resolveData(input.data);
    const out = resolvePath(input.out);
    if (!existsSync(dirname(out)))
      throw new LatheError('NOT_FOUND', `Folder does not exist: ${dirname(out)}`, { file: out });
    const started = performance.now();
    const request: PredictRequest = {
      modelPath: this.pathOf(version),
      inputs: version.inputs,
      outputs: version.outputs,
      features: version.features,
      featuresOverride: input.features,
      dataPath: data.path,
      format: data.format,
      out,
      batchRows: input.batchRows ?? defaultPredictBatchRows,
      providers: await this.providers(),
    };
    const worker = startWorker('predict');
    let totalRows: number | null = null;
    // Start-up (worker, table description, session) plus the first batch: reported apart so a steady rate can be told.
    let warmup: { rows: number; seconds: number } | null = null;
    const ref = `${version.model}@${version.version}`;
    try {
      const done = await new Promise<Extract<PredictReply, { type: 'done' }>>((resolve, reject) => {
        worker.on('message', (reply: PredictReply) => {
          if (reply.type === 'started') totalRows = reply.totalRows;
          else if (reply.type === 'progress') {
            warmup ??= { rows: reply.rows, seconds: (performance.now() - started) / 1000 };
            onProgress?.(reply.rows, totalRows);
            this.events.emit('models.predictProgress', { ref, rows: reply.rows, totalRows });
          } else if (reply.type === 'done') resolve(reply);
          else reject(errorFromShape(reply.error));
        });
        worker.on('error', reject);
        worker.on('exit', (code) => reject(new Error(`The predict worker stopped unexpectedly (exit code ${code})`)));
        worker.postMessage(request);
      });
      return {
        rows: done.rows,
        out,
        columns: done.columns,
        seconds: (performance.now() - started) / 1000,
        scoreSeconds: done.scoreSeconds,
        warmup,
      };
    } finally {
      await worker.terminate();
    }
  }

  /** ONNX Runtime execution providers for a model loaded now: CUDA first when usable here, else CPU. */
  private async providers(): Promise<string[]> {
    const probe = await probeInference();
    return probe.chosen === 'cuda' ? ['cuda', 'cpu'] : ['cpu'];
  }

  /** Closes cached sessions. */
  async dispose(): Promise<void> {
    const sessions = [...this.sessions.values()];
    this.sessions.clear();
    await Promise.allSettled(sessions.map(async (s) => (await s).release()));
  }

  private async register(input: {
    name: string;
    bytes: Uint8Array;
    summary: OnnxSummary;
    source: 'trained' | 'imported';
    task: 'classification' | 'regression' | null;
    features: string[];
    featureSpecs: FeatureSpec[] | null;
    target: string | null;
    classes: string[] | null;
    metrics: Record<string, number>;
    backend: string | null;
    runId: string | null;
    datasetVersionId: string | null;
    preprocessing: Uint8Array | null;
  }): Promise<ModelVersion> {
    // Objects first, then one transaction; on failure, remove objects that nothing references.
    const stored = await this.objects.putBytes(input.bytes);
    const preprocessing = input.preprocessing ? await this.objects.putBytes(input.preprocessing) : null;
    let id: number;
    try {
      id = this.db.transaction(() => {
        const now = Date.now();
        this.db
          .prepare(
            'INSERT INTO models (name, created_at, updated_at) VALUES (?, ?, ?) ON CONFLICT (name) DO UPDATE SET updated_at = excluded.updated_at',
          )
          .run(input.name, now, now);
        const model = this.db
          .prepare<[string], { id: number }>('SELECT id FROM models WHERE name = ?')
          .get(input.name)!;
        const next = this.db
          .prepare<[number], { next: number }>(
            'SELECT COALESCE(MAX(version), 0) + 1 AS next FROM model_versions WHERE model_id = ?',
          )
          .get(model.id)!.next;
        const { inputs, outputs, opset, producer, nodes, parameters } = input.summary;
        const info = this.db
          .prepare(
            `INSERT INTO model_versions (model_id, version, source, task, object_hash, size, signature_json, features_json, feature_specs_json,
               target, classes_json, preprocessing_hash, metrics_json, backend, run_id, dataset_version_id, created_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          )
          .run(
            model.id,
            next,
            input.source,
            input.task,
            stored.hash,
            stored.size,
            JSON.stringify({ inputs, outputs, opset, producer, nodes, parameters }),
            JSON.stringify(input.features),
            input.featureSpecs ? JSON.stringify(input.featureSpecs) : null,
            input.target,
            input.classes ? JSON.stringify(input.classes) : null,
            preprocessing?.hash ?? null,
            JSON.stringify(input.metrics),
            input.backend,
            input.runId,
            input.datasetVersionId,
            now,
          );
        const versionId = String(info.lastInsertRowid);
        const edge = this.db.prepare(
          'INSERT OR IGNORE INTO lineage_edges (from_kind, from_id, to_kind, to_id, relation, created_at) VALUES (?, ?, ?, ?, ?, ?)',
        );
        if (input.runId) edge.run(lineageKinds.run, input.runId, lineageKinds.modelVersion, versionId, 'produced', now);
        if (input.datasetVersionId)
          edge.run(
            lineageKinds.datasetVersion,
            input.datasetVersionId,
            lineageKinds.modelVersion,
            versionId,
            'trained_on',
            now,
          );
        if (input.runId && input.datasetVersionId)
          edge.run(lineageKinds.datasetVersion, input.datasetVersionId, lineageKinds.run, input.runId, 'input', now);
        return Number(info.lastInsertRowid);
      })();
    } catch (error) {
      for (const object of [stored, preprocessing]) {
        if (object?.created && !this.isReferenced(object.hash)) this.objects.remove(object.hash);
      }
      throw error;
    }
    const version = toVersion(this.db.prepare<[number], VersionRow>(`${versionSelect} WHERE v.id = ?`).get(id)!);
    this.events.emit('models.changed', { model: version.model, version: version.version, change: 'created' });
    return version;
  }

  private isReferenced(hash: string): boolean {
    return !!this.db
      .prepare('SELECT 1 FROM model_versions WHERE object_hash = ? OR preprocessing_hash = ? LIMIT 1')
      .get(hash, hash);
  }

  private resolveRow(ref: string): VersionRow {
    const { name, version } = parseModelRef(ref);
    const model = this.db.prepare<[string], { id: number }>('SELECT id FROM models WHERE name = ?').get(name);
    if (!model) throw new LatheError('NOT_FOUND', `No model named "${name}" (see: lathe model list)`, { model: name });
    const row =
      version === 'latest'
        ? this.db
            .prepare<[number], VersionRow>(`${versionSelect} WHERE v.model_id = ? ORDER BY v.version DESC LIMIT 1`)
            .get(model.id)
        : this.db
            .prepare<[number, number], VersionRow>(`${versionSelect} WHERE v.model_id = ? AND v.version = ?`)
            .get(model.id, version);
    if (!row) {
      const versions = this.db
        .prepare<[number], { version: number }>(
          'SELECT version FROM model_versions WHERE model_id = ? ORDER BY version',
        )
        .all(model.id)
        .map((r) => r.version);
      throw new LatheError(
        'NOT_FOUND',
        `Model "${name}" has no version ${version}${versions.length ? ` (versions: ${versions.join(', ')})` : ''}`,
        { model: name, version },
      );
    }
    return row;
  }

  /** A person's name for a lineage neighbour, and its page in the app when it has one. */
  private lineageTarget(kind: string, id: string): { label: string; route: string | null } {
    try {
      if (kind === lineageKinds.modelVersion) {
        const row = this.db
          .prepare<[number], { name: string; version: number }>(
            'SELECT m.name, v.version FROM model_versions v JOIN models m ON m.id = v.model_id WHERE v.id = ?',
          )
          .get(Number(id));
        if (row) return { label: `${row.name}@${row.version}`, route: `/models/${encodeURIComponent(row.name)}` };
      }
      if (kind === lineageKinds.datasetVersion) {
        const row = this.db
          .prepare<[string], { name: string; version: number }>(
            'SELECT d.name, v.version FROM dataset_versions v JOIN datasets d ON d.id = v.dataset_id WHERE v.id = ?',
          )
          .get(id);
        if (row) return { label: `${row.name}@${row.version}`, route: `/datasets/${encodeURIComponent(row.name)}` };
      }
      if (kind === lineageKinds.run) {
        const row = this.db
          .prepare<[string], { name: string; experiment_id: number }>(
            'SELECT name, experiment_id FROM runs WHERE id = ?',
          )
          .get(id);
        if (row)
          return {
            label: `run ${row.name} (${id.slice(0, 8)})`,
            route: `/experiments/${row.experiment_id}/runs/${id}`,
          };
      }
    } catch {
      // Tables of another feature may be missing in an older store; the id alone is shown.
    }
    return { label: `${kind.replace('_', ' ')} ${id}`, route: null };
  }
}

const modelSelect = `
  SELECT m.*, (SELECT COUNT(*) FROM model_versions v WHERE v.model_id = m.id) AS version_count,
    (SELECT MAX(version) FROM model_versions v WHERE v.model_id = m.id) AS latest_version,
    (SELECT source FROM model_versions v WHERE v.model_id = m.id ORDER BY version DESC LIMIT 1) AS latest_source,
    (SELECT task FROM model_versions v WHERE v.model_id = m.id ORDER BY version DESC LIMIT 1) AS latest_task
  FROM models m`;

const versionSelect = `SELECT v.*, m.name AS model_name FROM model_versions v JOIN models m ON m.id = v.model_id`;

function toSummary(row: ModelRow): ModelSummary {
  return {
    id: String(row.id),
    name: row.name,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    versionCount: row.version_count,
    latestVersion: row.latest_version,
    latestSource: row.latest_source,
    latestTask: row.latest_task,
  };
}

function toVersion(row: VersionRow): ModelVersion {
  const signature = JSON.parse(row.signature_json) as Pick<
    ModelVersion,
    'inputs' | 'outputs' | 'opset' | 'producer' | 'nodes' | 'parameters'
  >;
  return {
    id: String(row.id),
    model: row.model_name,
    version: row.version,
    source: row.source,
    task: row.task,
    hash: row.object_hash,
    size: row.size,
    ...signature,
    features: JSON.parse(row.features_json) as string[],
    featureSpecs: row.feature_specs_json ? (JSON.parse(row.feature_specs_json) as FeatureSpec[]) : null,
    target: row.target,
    classes: row.classes_json ? (JSON.parse(row.classes_json) as string[]) : null,
    metrics: JSON.parse(row.metrics_json) as Record<string, number>,
    backend: row.backend,
    runId: row.run_id,
    datasetVersionId: row.dataset_version_id,
    bench: row.bench_json ? (JSON.parse(row.bench_json) as BenchResult) : null,
    createdAt: row.created_at,
  };
}
