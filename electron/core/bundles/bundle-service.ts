/**
 * Bundles (`core.bundles`): exports a model version as a folder or zip that runs without Lathe — a
 * dedicated HTTP server, an AWS Lambda handler or a Google Cloud Function — with its manifest, golden rows
 * and self-test; records each export (table `bundle_exports`, lineage `model_version -bundled-> bundle`)
 * and runs a bundle's self-test on request. Output is written to a temporary sibling and renamed into
 * place, so a failed export leaves nothing behind.
 */
import { randomUUID } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve as resolvePath } from 'node:path';
import { unzipSync } from 'fflate';
import type {
  BundleExport,
  BundleManifest,
  BundleProgress,
  BundleSelftest,
  BundleTarget,
  ModelVersion,
  ValidationVerdict,
} from '../../../shared/contract/index.js';
import { LatheError } from '../../../shared/errors.js';
import { latheVersion } from '../app-root.js';
import { runIsolated } from '../compute/isolated-probe.js';
import type { EventBus } from '../events.js';
import type { LineageService } from '../lineage/lineage-service.js';
import type { DataResolver } from '../models/data-source.js';
import type { ModelService } from '../models/model-service.js';
import type { ObjectStore } from '../objects/object-store.js';
import type { Db } from '../store/database.js';
import {
  deterministicZip,
  dockerfile,
  entryOf,
  lambdaLimits,
  packageJson,
  readme,
  runtimeFiles,
  sha256,
  vendoredRuntime,
  type BundleFile,
} from './bundle-files.js';
import { inputSchema, outputSchema } from './bundle-schema.js';
import { goldenSet } from './golden.js';

/** The validation verdict of a version, or null when it has none (the validation feature answers). */
export type ValidationLookup = (modelVersionId: string) => ValidationVerdict | null;

/** What the service needs from the rest of the core. */
export interface BundleDependencies {
  db: Db;
  objects: ObjectStore;
  events: EventBus;
  lineage: LineageService;
  models: ModelService;
  resolveData: DataResolver;
  /** Dataset versions by reference, for the hashes the manifest's lineage names. */
  datasets: { resolve(ref: string): { hash: string } };
  validationOf: ValidationLookup;
}

/** What `export` is asked. */
export interface ExportRequest {
  ref: string;
  target: BundleTarget;
  out: string;
  golden?: string;
}

interface ExportRow {
  id: string;
  model_version_id: string;
  ref: string;
  target: BundleTarget;
  out_path: string;
  format: 'dir' | 'zip';
  created_at: number;
  unzipped_bytes: number;
  zipped_bytes: number | null;
  digest: string;
  manifest_json: string;
  selftest_json: string | null;
}

/** The lineage kind of an export. */
export const bundleKind = 'bundle';
/** How long a self-test may take (it loads the model and scores the golden rows). */
const selftestTimeoutMs = 120_000;

/** Checks where an export goes before any work: a new or empty folder, or a new .zip in an existing folder. */
export function checkOutput(out: string): { path: string; format: 'dir' | 'zip' } {
  const path = resolvePath(out);
  const format = /\.zip$/i.test(path) ? 'zip' : 'dir';
  if (!existsSync(dirname(path)))
    throw new LatheError('NOT_FOUND', `The folder to write into does not exist: ${dirname(path)}`, {
      field: 'out',
      file: path,
    });
  if (existsSync(path)) {
    if (format === 'zip')
      throw new LatheError('ALREADY_EXISTS', `${path} already exists; choose another file name or remove it`, {
        field: 'out',
        file: path,
      });
    if (!statSync(path).isDirectory())
      throw new LatheError('ALREADY_EXISTS', `${path} exists and is not a folder`, { field: 'out', file: path });
    if (readdirSync(path).length > 0)
      throw new LatheError('ALREADY_EXISTS', `The output folder ${path} is not empty; give a new or empty folder`, {
        field: 'out',
        file: path,
      });
  }
  return { path, format };
}

/** The bundle service. */
export class BundleService {
  constructor(private readonly deps: BundleDependencies) {
    deps.lineage.registerKind(bundleKind, {
      describe: (id) => {
        const row = this.row(id, false);
        // The model's name: the lineage page links the bundle to its model's page.
        return row
          ? {
              label: `${row.target} bundle of ${row.ref} (${basename(row.out_path)})`,
              name: row.ref.slice(0, row.ref.lastIndexOf('@')),
            }
          : undefined;
      },
    });
  }

  /** Exports a version as a bundle; `onProgress` (and `bundles.progress` events) say what it is doing. */
  async export(request: ExportRequest, onProgress?: (progress: BundleProgress) => void): Promise<BundleExport> {
    const { models, objects } = this.deps;
    const version = models.resolveScorable(request.ref);
    const ref = `${version.model}@${version.version}`;
    const output = checkOutput(request.out);
    const progress = (phase: BundleProgress['phase'], detail: string) => {
      const message = { ref, target: request.target, phase, detail };
      onProgress?.(message);
      this.deps.events.emit('bundles.progress', message);
    };
    const schema = { input: inputSchema(version), output: outputSchema(version) };
    const goldenSource = request.golden ?? this.trainingData(version);
    if (!goldenSource)
      throw new LatheError(
        'BAD_INPUT',
        `${ref} has no training dataset to take golden rows from; give one with --golden DATA (a dataset NAME@V or a file with its fields)`,
        { field: 'golden', ref },
      );
    progress('golden', `scoring golden rows of ${goldenSource} with Lathe's predict`);
    const golden = await goldenSet(ref, goldenSource, schema, models, this.deps.resolveData);

    progress('files', 'collecting the runtime and the model');
    const vendored = vendoredRuntime();
    const modelBytes = await objects.read(version.hash);
    const head: Omit<BundleManifest, 'files'> = {
      format: 'lathe-bundle/1',
      lathe: latheVersion(),
      target: request.target,
      entry: entryOf[request.target],
      model: {
        name: version.model,
        version: version.version,
        versionId: version.id,
        source: version.source,
        task: version.task,
        target: version.target,
        classes: version.classes,
        sha256: version.hash,
        opset: version.opset,
        producer: version.producer,
      },
      schema,
      metrics: version.metrics,
      lineage: this.lineageOf(version),
      validation: this.deps.validationOf(version.id),
      golden: { file: 'golden.json', rows: golden.rows.length, source: golden.source },
      runtime: { node: '>=20', onnxruntime: vendored.onnxruntime, platform: 'linux-x64' },
    };
    const text = (path: string, content: string): BundleFile => ({ path, bytes: Buffer.from(content, 'utf8') });
    const files: BundleFile[] = [
      { path: 'model.onnx', bytes: modelBytes },
      text('golden.json', JSON.stringify(golden, null, 1) + '\n'),
      text('package.json', packageJson(request.target, version.model, version.version, vendored.onnxruntime)),
      text('README.md', readme(head)),
      ...runtimeFiles(request.target),
      ...vendored.files,
    ];
    // No .dockerignore: the image's `RUN node selftest.js` checks every file the manifest lists, Dockerfile included.
    if (request.target === 'server') files.push(text('Dockerfile', dockerfile()));
    files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    const manifest: BundleManifest = {
      ...head,
      files: files.map((file) => ({ path: file.path, size: file.bytes.length, sha256: sha256(file.bytes) })),
    };
    const manifestText = JSON.stringify(manifest, null, 2) + '\n';
    files.push(
      text('manifest.json', manifestText),
      text('manifest.sha256', `${sha256(Buffer.from(manifestText))}  manifest.json\n`),
    );
    const unzippedBytes = files.reduce((sum, file) => sum + file.bytes.length, 0);

    let zipBytes: Uint8Array | null = null;
    if (output.format === 'zip' || request.target === 'lambda') {
      progress('zip', `compressing ${files.length} files (${(unzippedBytes / 1e6).toFixed(1)} MB)`);
      zipBytes = await deterministicZip(files);
    }
    if (request.target === 'lambda') assertLambdaLimits(unzippedBytes, zipBytes!.length);

    progress('writing', `writing ${output.path}`);
    const temporary = join(
      dirname(output.path),
      `.${basename(output.path)}.lathe-${process.pid}-${randomUUID().slice(0, 8)}`,
    );
    try {
      if (output.format === 'zip') writeFileSync(temporary, zipBytes!);
      else {
        for (const file of files) {
          const full = join(temporary, ...file.path.split('/'));
          mkdirSync(dirname(full), { recursive: true });
          writeFileSync(full, file.bytes);
        }
      }
      // An empty folder the user made is replaced (rmdir refuses a non-empty one, so a race is caught too).
      if (output.format === 'dir' && existsSync(output.path)) rmdirSync(output.path);
      renameSync(temporary, output.path);
    } catch (error) {
      rmSync(temporary, { recursive: true, force: true });
      throw error;
    }

    const record: ExportRow = {
      id: randomUUID(),
      model_version_id: version.id,
      ref,
      target: request.target,
      out_path: output.path,
      format: output.format,
      created_at: Date.now(),
      unzipped_bytes: unzippedBytes,
      zipped_bytes: zipBytes ? zipBytes.length : null,
      digest: zipBytes && output.format === 'zip' ? sha256(zipBytes) : sha256(Buffer.from(manifestText)),
      manifest_json: manifestText,
      selftest_json: null,
    };
    try {
      this.deps.db.transaction(() => {
        this.deps.db
          .prepare(
            `INSERT INTO bundle_exports (id, model_version_id, ref, target, out_path, format, created_at, unzipped_bytes,
             zipped_bytes, digest, manifest_json, selftest_json)
             VALUES (@id, @model_version_id, @ref, @target, @out_path, @format, @created_at, @unzipped_bytes,
             @zipped_bytes, @digest, @manifest_json, @selftest_json)`,
          )
          .run(record);
        this.deps.lineage.add(
          { kind: 'model_version', id: version.id },
          { kind: bundleKind, id: record.id },
          'bundled',
          record.created_at,
        );
      })();
    } catch (error) {
      // The store refused the record: take the output back so no export exists that the app does not know.
      rmSync(output.path, { recursive: true, force: true });
      throw error;
    }
    progress('done', `${output.path} written`);
    this.deps.events.emit('bundles.changed', { id: record.id, modelVersionId: version.id });
    return toExport(record);
  }

  /** Past exports of a version, newest first. */
  list(ref: string): BundleExport[] {
    const version = this.deps.models.resolve(ref);
    return this.deps.db
      .prepare<[string], ExportRow>(
        'SELECT * FROM bundle_exports WHERE model_version_id = ? ORDER BY created_at DESC, id',
      )
      .all(version.id)
      .map(toExport);
  }

  /** The full id of the export that `prefix` starts (a whole id, or a unique prefix of at least 4 characters). */
  findId(prefix: string): string {
    const rows = this.deps.db
      .prepare<[string], { id: string }>("SELECT id FROM bundle_exports WHERE id LIKE ? || '%' LIMIT 2")
      .all(prefix.replace(/[%_]/g, ''));
    if (rows.length === 0 || prefix.length < 4)
      throw new LatheError('NOT_FOUND', `No bundle export ${prefix}`, { id: prefix });
    if (rows.length > 1)
      throw new LatheError('BAD_INPUT', `${prefix} starts more than one export; give more of the id`, { id: prefix });
    return rows[0]!.id;
  }

  /** One export. */
  get(id: string): BundleExport {
    return toExport(this.row(id, true)!);
  }

  /**
   * Runs the bundle's own selftest.js (a zip is unpacked to a temporary folder first) and
   * records the result on the export.
   */
  async selftest(id: string): Promise<BundleSelftest> {
    const row = this.row(id, true)!;
    if (!existsSync(row.out_path))
      throw new LatheError('NOT_FOUND', `${row.out_path} is gone (moved or removed since it was exported)`, {
        file: row.out_path,
      });
    const result = await runSelftest(row.out_path);
    this.deps.db.prepare('UPDATE bundle_exports SET selftest_json = ? WHERE id = ?').run(JSON.stringify(result), id);
    this.deps.events.emit('bundles.changed', { id, modelVersionId: row.model_version_id });
    return result;
  }

  private row(id: string, required: boolean): ExportRow | undefined {
    const row = this.deps.db.prepare<[string], ExportRow>('SELECT * FROM bundle_exports WHERE id = ?').get(id);
    if (!row && required) throw new LatheError('NOT_FOUND', `No bundle export ${id}`, { id });
    return row;
  }

  /** The dataset version the model was trained on, as `NAME@V`. */
  private trainingData(version: ModelVersion): string | null {
    const dataset = this.deps.lineage
      .neighbours({ kind: 'model_version', id: version.id })
      .find((n) => n.direction === 'upstream' && n.kind === 'dataset_version' && n.exists && n.name);
    return dataset ? `${dataset.name}@${dataset.version}` : null;
  }

  private lineageOf(version: ModelVersion): BundleManifest['lineage'] {
    const neighbours = this.deps.lineage.neighbours({ kind: 'model_version', id: version.id });
    const run = neighbours.find((n) => n.direction === 'upstream' && n.kind === 'run');
    const datasets = neighbours
      .filter((n) => n.direction === 'upstream' && n.kind === 'dataset_version')
      .map((n) => {
        let hash: string | null = null;
        try {
          if (n.exists && n.name) hash = this.deps.datasets.resolve(`${n.name}@${n.version}`).hash;
        } catch {
          hash = null;
        }
        return { id: n.id, label: n.label, relation: n.relation, sha256: hash };
      });
    return {
      run: run ? { id: run.id, name: run.exists ? run.label : null, experimentId: run.experimentId } : null,
      datasets,
    };
  }
}

/** Throws BAD_INPUT when a Lambda bundle is over AWS's limits for a direct zip upload. */
export function assertLambdaLimits(unzippedBytes: number, zippedBytes: number): void {
  if (zippedBytes > lambdaLimits.zippedBytes)
    throw new LatheError(
      'BAD_INPUT',
      `The Lambda zip is ${(zippedBytes / 1048576).toFixed(1)} MB, over Lambda's 50 MB for a direct upload`,
      { zippedBytes },
    );
  if (unzippedBytes > lambdaLimits.unzippedBytes)
    throw new LatheError(
      'BAD_INPUT',
      `The Lambda bundle is ${(unzippedBytes / 1048576).toFixed(1)} MB unzipped, over Lambda's 250 MB`,
      { unzippedBytes },
    );
}

function toExport(row: ExportRow): BundleExport {
  return {
    id: row.id,
    ref: row.ref,
    modelVersionId: row.model_version_id,
    target: row.target,
    out: row.out_path,
    format: row.format,
    createdAt: row.created_at,
    unzippedBytes: row.unzipped_bytes,
    zippedBytes: row.zipped_bytes,
    sha256: row.digest,
    present: existsSync(row.out_path),
    manifest: JSON.parse(row.manifest_json) as BundleManifest,
    selftest: row.selftest_json ? (JSON.parse(row.selftest_json) as BundleSelftest) : null,
  };
}

/**
 * Runs a bundle's `selftest.js` in its folder, or in a zip unpacked to a temporary folder. `where` is
 * chosen by the shell (see runIsolated); tests pass 'worker' to check the Electron path here.
 */
export async function runSelftest(path: string, where?: 'child' | 'worker'): Promise<BundleSelftest> {
  const started = performance.now();
  let folder = path;
  let scratch: string | null = null;
  if (/\.zip$/i.test(path)) {
    scratch = mkdtempSync(join(tmpdir(), 'lathe-selftest-'));
    const entries = unzipSync(readFileSync(path));
    for (const [name, bytes] of Object.entries(entries)) {
      const full = resolvePath(scratch, name);
      if (!full.startsWith(scratch + '/'))
        throw new LatheError('BAD_INPUT', `${path}: entry ${name} leaves the folder`);
      mkdirSync(dirname(full), { recursive: true });
      writeFileSync(full, bytes);
    }
    folder = scratch;
  }
  try {
    // The bundle's own selftest.js, away from Lathe's thread: a child `node` where there is one, a worker
    // thread under Electron (the packaged app turns the runAsNode fuse off, so its binary is no `node`).
    const body = `const { createRequire } = await import('node:module');
const load = createRequire(args[0] + '/selftest.js');
return await load('./selftest.js').selftest(args[0]);`;
    const answer = await runIsolated<{ passed: boolean; checks: BundleSelftest['checks'] }>(
      body,
      [folder],
      selftestTimeoutMs,
      where,
    );
    if ('failed' in answer)
      throw new LatheError('INTERNAL', `selftest.js in ${path} gave no result: ${answer.failed}`, { file: path });
    return { ...answer, at: Date.now(), seconds: (performance.now() - started) / 1000 };
  } finally {
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  }
}
