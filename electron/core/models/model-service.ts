/**
 * The model catalog: models, their immutable versions (one ONNX file each in the object store), import
 * with validation, registration, export and lineage. Scoring (sessions, predict, bench) is model-scoring.ts
 * and row mapping is model-rows.ts; this class stays the one `core.models` callers use.
 */
import { existsSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
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
import type { ObjectStore, StoredObject } from '../objects/object-store.js';
import type { Db } from '../store/database.js';
import type { EntityDescription, LineageService } from '../lineage/lineage-service.js';
import { inspectOnnx, type OnnxSummary } from './onnx-inspect.js';
import { parseModelReference } from '../registry/model-ref.js';
import { openSessionFromBytes } from '../infer/scoring.js';
import { createDataResolver, type DataResolver } from './data-source.js';
import { ModelScoring, maxDownloadBytes } from './model-scoring.js';
import { CancelRegistry } from '../workers/cancel-registry.js';
import { modelSelect, toSummary, toVersion, versionSelect, type ModelRow, type VersionRow } from './model-rows.js';

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

/** Registers, lists and serves model versions. */
export class ModelService {
  private readonly scoring: ModelScoring;
  /** The app's scorings running now, by version ref (see predictForApp). */
  private readonly appPredictions = new CancelRegistry();

  constructor(
    private readonly db: Db,
    private readonly objects: ObjectStore,
    private readonly events: EventBus,
    private readonly lineage: LineageService,
    private readonly resolveData: DataResolver = createDataResolver(),
  ) {
    this.scoring = new ModelScoring(db, events, this, resolveData);
    lineage.registerKind(lineageKinds.modelVersion, {
      prefix: 'model',
      resolve: (reference) => this.resolve(reference).id,
      describe: (id) => this.describeVersion(id),
    });
  }

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

  /** The version a reference names, refused when Lathe cannot score it (an MLflow model of another flavor). */
  resolveScorable(ref: string): ModelVersion {
    const version = this.resolve(ref);
    if (!version.scorable)
      throw new LatheError(
        'BAD_INPUT',
        `${version.model}@${version.version} is not an ONNX model, so Lathe cannot score it (it is registered for browsing only)`,
        { model: version.model, version: version.version },
      );
    return version;
  }

  /** A version with its lineage neighbours. */
  versionWithLineage(ref: string): { version: ModelVersion; lineage: LineageLink[] } {
    const version = this.resolve(ref);
    return { version, lineage: this.lineage.neighbours({ kind: lineageKinds.modelVersion, id: version.id }) };
  }

  /** The stored ONNX file of a version (what Lathe scores with). */
  pathOf(version: ModelVersion): string {
    return this.objects.checkedPath(version.hash);
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

  /** Copies a version's ONNX file to `out`, byte for byte, checking on the way that the bytes still match the hash. */
  async exportTo(ref: string, out: string): Promise<{ path: string; hash: string; size: number }> {
    const version = this.resolve(ref);
    const target = resolvePath(out);
    if (!existsSync(dirname(target)))
      throw new LatheError('NOT_FOUND', `Folder does not exist: ${dirname(target)}`, { file: target });
    const temp = `${target}.lathe-${process.pid}.tmp`;
    try {
      rmSync(temp, { force: true });
      await this.objects.copyTo(version.hash, temp);
      renameSync(temp, target);
    } catch (error) {
      rmSync(temp, { force: true });
      if (error instanceof LatheError) throw error;
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

  /** An output file `predict` wrote in this process, for a download from the page (see ModelScoring). */
  downloadScores(out: string): ReturnType<ModelScoring['downloadScores']> {
    return this.scoring.downloadScores(out);
  }

  /** A cached ONNX Runtime session for a version. */
  session(version: ModelVersion): Promise<ort.InferenceSession> {
    return this.scoring.session(version);
  }

  /** Benchmarks a version and records the result on it. */
  bench(ref: string, options?: Parameters<ModelScoring['bench']>[1]): Promise<BenchResult> {
    return this.scoring.bench(ref, options);
  }

  /** Scores one row typed by a person (the predict panel). */
  predictRow(...args: Parameters<ModelScoring['predictRow']>): ReturnType<ModelScoring['predictRow']> {
    return this.scoring.predictRow(...args);
  }

  /** Scores a table in the predict worker and writes its output (see ModelScoring.predict). */
  predict(...args: Parameters<ModelScoring['predict']>): ReturnType<ModelScoring['predict']> {
    return this.scoring.predict(...args);
  }

  /**
   * A scoring the app asked for (the Score panel, `models.predict`): as {@link predict}, under the version's
   * ref so {@link cancelAppPredict} can stop it. Scorings inside validation or pipelines are not reached.
   */
  predictForApp(input: Parameters<ModelScoring['predict']>[0]): ReturnType<ModelScoring['predict']> {
    const version = this.resolve(input.ref);
    return this.appPredictions.track(`${version.model}@${version.version}`, (signal) =>
      this.scoring.predict(input, undefined, signal),
    );
  }

  /** Stops the app's scorings of a version; returns how many there were. */
  cancelAppPredict(ref: string): { cancelled: number } {
    const version = this.resolve(ref);
    return { cancelled: this.appPredictions.cancel(`${version.model}@${version.version}`) };
  }

  /** Closes cached sessions. */
  dispose(): Promise<void> {
    return this.scoring.dispose();
  }

  /**
   * Registers a version that arrived through MLflow's API (mlflow-registration.ts): ONNX bytes are scorable,
   * another flavor's MLmodel file is kept for browsing only. The model must exist (MLflow creates it first).
   */
  async registerMlflow(input: {
    name: string;
    bytes: Uint8Array;
    summary: OnnxSummary;
    scorable: boolean;
    description: string;
    mlflow: Record<string, unknown>;
    runId: string | null;
  }): Promise<ModelVersion> {
    if (!this.db.prepare('SELECT 1 FROM models WHERE name = ?').get(input.name))
      throw new LatheError('NOT_FOUND', `No model named "${input.name}"`, { model: input.name });
    return this.register({
      ...input,
      source: 'mlflow',
      task: null,
      features: [],
      featureSpecs: null,
      target: null,
      classes: null,
      metrics: {},
      backend: null,
      datasetVersionId: null,
      preprocessing: null,
      extra: { scorable: input.scorable, description: input.description, mlflowJson: JSON.stringify(input.mlflow) },
    });
  }

  private async register(input: {
    name: string;
    bytes: Uint8Array;
    summary: OnnxSummary;
    source: 'trained' | 'imported' | 'mlflow';
    extra?: { scorable: boolean; description: string; mlflowJson: string };
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
    // The lease keeps a collector in another process off these bytes until their row commits.
    const lease = this.objects.lease();
    let stored: StoredObject;
    let preprocessing: StoredObject | null;
    try {
      stored = await this.objects.putBytes(input.bytes, lease);
      preprocessing = input.preprocessing ? await this.objects.putBytes(input.preprocessing, lease) : null;
    } catch (error) {
      lease.release();
      throw error;
    }
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
               target, classes_json, preprocessing_hash, metrics_json, backend, run_id, dataset_version_id, created_at,
               updated_at, scorable, description, mlflow_json)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
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
            now,
            input.extra ? Number(input.extra.scorable) : 1,
            input.extra?.description ?? '',
            input.extra?.mlflowJson ?? null,
          );
        const versionId = String(info.lastInsertRowid);
        const produced = { kind: lineageKinds.modelVersion, id: versionId };
        const run = input.runId ? { kind: lineageKinds.run, id: input.runId } : undefined;
        const dataset = input.datasetVersionId
          ? { kind: lineageKinds.datasetVersion, id: input.datasetVersionId }
          : undefined;
        if (run) this.lineage.add(run, produced, 'produced', now);
        if (dataset) this.lineage.add(dataset, produced, 'trained_on', now);
        if (run && dataset) this.lineage.add(dataset, run, 'input', now);
        return Number(info.lastInsertRowid);
      })();
    } catch (error) {
      for (const object of [stored, preprocessing]) {
        if (object?.created && !this.isReferenced(object.hash)) this.objects.remove(object.hash);
      }
      throw error;
    } finally {
      lease.release();
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
    const { name, selector } = parseModelReference(ref);
    const model = this.db.prepare<[string], { id: number }>('SELECT id FROM models WHERE name = ?').get(name);
    if (!model) throw new LatheError('NOT_FOUND', `No model named "${name}" (see: lathe model list)`, { model: name });
    if (selector.kind === 'alias') {
      const aliased = this.db
        .prepare<[number, string], VersionRow>(
          `${versionSelect} JOIN model_aliases a ON a.version_id = v.id WHERE a.model_id = ? AND a.alias = ?`,
        )
        .get(model.id, selector.alias);
      if (aliased) return aliased;
      const aliases = this.db
        .prepare<[number], { alias: string }>('SELECT alias FROM model_aliases WHERE model_id = ? ORDER BY alias')
        .all(model.id)
        .map((a) => a.alias);
      throw new LatheError(
        'NOT_FOUND',
        `Model "${name}" has no alias "${selector.alias}" (${aliases.length ? `aliases: ${aliases.join(', ')}` : 'it has no aliases'})`,
        { model: name, alias: selector.alias },
      );
    }
    const version = selector.kind === 'number' ? selector.version : 'latest';
    const row =
      selector.kind === 'latest'
        ? this.db
            .prepare<[number], VersionRow>(`${versionSelect} WHERE v.model_id = ? ORDER BY v.version DESC LIMIT 1`)
            .get(model.id)
        : this.db
            .prepare<[number, number], VersionRow>(`${versionSelect} WHERE v.model_id = ? AND v.version = ?`)
            .get(model.id, selector.version);
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

  /** Names a model version for the lineage graph (undefined when it is gone). */
  private describeVersion(id: string): EntityDescription | undefined {
    const row = this.db
      .prepare<[number], { name: string; version: number; aliases: string }>(
        `SELECT m.name, v.version,
           (SELECT json_group_array(alias) FROM (SELECT alias FROM model_aliases a WHERE a.version_id = v.id ORDER BY alias)) AS aliases
         FROM model_versions v JOIN models m ON m.id = v.model_id WHERE v.id = ?`,
      )
      .get(Number(id));
    if (!row) return undefined;
    const aliases = JSON.parse(row.aliases) as string[];
    return { label: `${row.name}@${row.version}`, name: row.name, version: row.version, aliases };
  }
}
