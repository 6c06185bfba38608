/**
 * Turns MLflow's `model-versions/create` into a registry version. The `source` a client sends is only
 * ever resolved to files already in Lathe's store (a logged model's or a run's artifacts); a local path,
 * `file:`, `http(s):`, a cloud bucket or a path that climbs out is refused, because an MLflow server that
 * trusted `source` let anyone read the server's files (CVE-2023-1177, CVE-2025-11201).
 *
 * The folder's MLmodel file says which flavors the model has: with the ONNX flavor its graph becomes a
 * scorable Lathe version; any other flavor is registered for browsing (MLmodel, signature, files,
 * requirements) and Lathe says it cannot score it.
 */
import { parse as parseYaml } from 'yaml';
import type { ModelVersion, TensorSpec } from '../../../shared/contract/index.js';
import { LatheError } from '../../../shared/errors.js';
import type { ModelService } from '../models/model-service.js';
import { inspectOnnx, type OnnxSummary } from '../models/onnx-inspect.js';
import type { ObjectStore } from '../objects/object-store.js';
import type { Db } from '../store/database.js';
import { checkArtifactPath } from '../tracking/artifact-path.js';
import type { TrackingService } from '../tracking/tracking-service.js';
import { loggedModelArtifactUri, loggedModelIdPattern, type LoggedModelService } from './logged-model-service.js';

/** Where a version's files are: a logged model's or a run's artifacts, under a folder. */
export type ModelFiles =
  | { kind: 'logged-model'; modelId: string; experimentId: string; folder: string }
  | { kind: 'run'; runId: string; experimentId: string; folder: string };

/** What MLflow remembers about a version registered through its API (model_versions.mlflow_json). */
export interface MlflowVersionFacts {
  source: string;
  storage_location: string;
  run_id: string | null;
  model_id: string | null;
  user_id: string;
  run_link: string | null;
  flavors: string[];
}

const refused =
  'Lathe registers only models whose files are in its own store: use models:/<model_id>, runs:/<run_id>/<path> or an mlflow-artifacts:/ URI from this server; local paths and other addresses are refused';

/** Resolves a client-supplied `source` (and `model_id`) to files in the store, refusing anything else. */
export function resolveSource(
  source: string,
  modelId: string | undefined,
  deps: { loggedModels: LoggedModelService; tracking: TrackingService },
): ModelFiles {
  const text = source.trim();
  const folder = (rest: string) => checkArtifactPath(rest.replace(/^\/+|\/+$/g, ''), { allowEmpty: true });
  const logged = (id: string, rest: string): ModelFiles => {
    if (!loggedModelIdPattern.test(id))
      throw new LatheError('BAD_INPUT', `"${id}" is not a logged model id`, { source });
    const model = deps.loggedModels.get(id);
    if (modelId && modelId !== id)
      throw new LatheError('BAD_INPUT', `source names logged model ${id} but model_id is ${modelId}`, { source });
    return { kind: 'logged-model', modelId: id, experimentId: model.experimentId, folder: folder(rest) };
  };
  const run = (runId: string, rest: string): ModelFiles => {
    const found = deps.tracking.getRun(runId);
    return { kind: 'run', runId, experimentId: found.experimentId, folder: folder(rest) };
  };
  let match = /^models:\/(m-[0-9a-f]{32})\/?$/.exec(text);
  if (match) return logged(match[1]!, '');
  match = /^mlflow-artifacts:\/(\d+)\/models\/(m-[0-9a-f]{32})\/artifacts(\/.*)?$/.exec(text);
  if (match) {
    const files = logged(match[2]!, match[3] ?? '');
    if (files.experimentId !== match[1])
      throw new LatheError('BAD_INPUT', `Logged model ${match[2]} is not in experiment ${match[1]}`, { source });
    return files;
  }
  match = /^runs:\/([0-9a-f]{32})(\/.*)?$/.exec(text);
  if (match) return run(match[1]!, match[2] ?? '');
  match = /^mlflow-artifacts:\/(\d+)\/([0-9a-f]{32})\/artifacts(\/.*)?$/.exec(text);
  if (match) {
    const files = run(match[2]!, match[3] ?? '');
    if (files.experimentId !== match[1])
      throw new LatheError('BAD_INPUT', `Run ${match[2]} is not in experiment ${match[1]}`, { source });
    return files;
  }
  if (modelId && /^models:\//.test(text)) return logged(modelId, '');
  throw new LatheError('BAD_INPUT', `Invalid model version source "${text.slice(0, 200)}". ${refused}`, {
    field: 'source',
  });
}

/** The mlflow-artifacts URI of a folder of files: what get-download-uri answers. */
export function storageLocation(files: ModelFiles): string {
  const root =
    files.kind === 'logged-model'
      ? loggedModelArtifactUri(files.experimentId, files.modelId)
      : `mlflow-artifacts:/${files.experimentId}/${files.runId}/artifacts`;
  return files.folder ? `${root}/${files.folder}` : root;
}

/** Reads one file of a folder into memory (MLmodel, an ONNX graph). */
async function readFile(
  files: ModelFiles,
  name: string,
  deps: { loggedModels: LoggedModelService; tracking: TrackingService; objects: ObjectStore },
): Promise<Buffer | null> {
  const path = files.folder ? `${files.folder}/${name}` : name;
  try {
    const found =
      files.kind === 'logged-model'
        ? deps.loggedModels.artifact(files.modelId, path)
        : deps.tracking.artifact(files.runId, path);
    return await deps.objects.read(found.hash);
  } catch (error) {
    if (error instanceof LatheError && error.code === 'NOT_FOUND') return null;
    throw error;
  }
}

/** MLflow's column or tensor signature (JSON strings inside MLmodel) as tensor specs. */
export function signatureSpecs(text: unknown): TensorSpec[] {
  if (typeof text !== 'string' || text.trim() === '') return [];
  try {
    const parsed = JSON.parse(text) as {
      name?: string;
      type?: string;
      'tensor-spec'?: { dtype?: string; shape?: number[] };
    }[];
    return parsed.map((entry, index) => ({
      name: entry.name ?? `input_${index}`,
      type: entry['tensor-spec']?.dtype ?? entry.type ?? 'unknown',
      shape: (entry['tensor-spec']?.shape ?? []).map((d) => (d < 0 ? null : d)),
    }));
  } catch {
    return [];
  }
}

/** Registers the model at `source` as a new version of `name`; ONNX becomes scorable, other flavors browsable. */
export async function registerFromMlflow(
  input: {
    name: string;
    source: string;
    runId?: string;
    modelId?: string;
    description?: string;
    actor: string;
    runLink?: string;
  },
  deps: {
    db: Db;
    objects: ObjectStore;
    models: ModelService;
    loggedModels: LoggedModelService;
    tracking: TrackingService;
  },
): Promise<ModelVersion> {
  const files = resolveSource(input.source, input.modelId, deps);
  const where = storageLocation(files);
  const mlmodelBytes = await readFile(files, 'MLmodel', deps);
  if (!mlmodelBytes)
    throw new LatheError(
      'BAD_INPUT',
      `No MLmodel file at ${where}: log the model with mlflow.<flavor>.log_model first`,
      {
        field: 'source',
      },
    );
  let mlmodel: Record<string, unknown>;
  try {
    mlmodel = (parseYaml(mlmodelBytes.toString('utf8')) ?? {}) as Record<string, unknown>;
  } catch (error) {
    throw new LatheError('BAD_INPUT', `${where}/MLmodel is not valid YAML: ${(error as Error).message}`, {
      field: 'source',
    });
  }
  const flavors = (mlmodel.flavors ?? {}) as Record<string, Record<string, unknown>>;
  const flavorNames = Object.keys(flavors);
  const runId =
    input.runId ??
    (files.kind === 'run' ? files.runId : (deps.loggedModels.get(files.modelId).sourceRunId ?? undefined)) ??
    null;
  const facts: MlflowVersionFacts = {
    source: input.source,
    storage_location: where,
    run_id: runId,
    model_id: files.kind === 'logged-model' ? files.modelId : null,
    user_id: input.actor,
    run_link: input.runLink ?? null,
    flavors: flavorNames,
  };
  const onnxFlavor = flavors.onnx;
  let bytes: Uint8Array = mlmodelBytes;
  let summary: OnnxSummary;
  let scorable = false;
  if (onnxFlavor) {
    const dataPath = typeof onnxFlavor.data === 'string' ? onnxFlavor.data : 'model.onnx';
    const graph = await readFile(files, dataPath, deps);
    if (!graph)
      throw new LatheError('BAD_INPUT', `The ONNX flavor names ${dataPath}, which is not at ${where}`, {
        field: 'source',
      });
    summary = inspectOnnx(graph, `${where}/${dataPath}`);
    bytes = graph;
    scorable = true;
  } else {
    const signature = (mlmodel.signature ?? {}) as Record<string, unknown>;
    summary = {
      inputs: signatureSpecs(signature.inputs),
      outputs: signatureSpecs(signature.outputs),
      opset: 0,
      producer: `mlflow ${String(mlmodel.mlflow_version ?? '')} (${flavorNames.join(', ') || 'no flavor'})`.replace(
        '  ',
        ' ',
      ),
      nodes: 0,
      parameters: 0,
      irVersion: 0,
    };
  }
  return deps.models.registerMlflow({
    name: input.name,
    bytes,
    summary,
    scorable,
    description: input.description ?? '',
    mlflow: facts as unknown as Record<string, unknown>,
    runId,
  });
}

/** The MLflow facts of a version registered through MLflow, or null for one Lathe trained or imported. */
export function mlflowFacts(db: Db, versionId: string): MlflowVersionFacts | null {
  const row = db
    .prepare<[number], { mlflow_json: string | null }>('SELECT mlflow_json FROM model_versions WHERE id = ?')
    .get(Number(versionId));
  return row?.mlflow_json ? (JSON.parse(row.mlflow_json) as MlflowVersionFacts) : null;
}

/** What the app shows for a version registered through MLflow: where its files are, MLmodel and requirements. */
export interface MlflowVersionFiles {
  source: string;
  storageLocation: string;
  modelId: string | null;
  runId: string | null;
  flavors: string[];
  files: { path: string; size: number }[];
  mlmodel: string | null;
  requirements: string | null;
}

/** The files of an MLflow-registered version (null for one Lathe trained or imported). */
export async function mlflowVersionFiles(
  versionId: string,
  deps: { db: Db; objects: ObjectStore; loggedModels: LoggedModelService; tracking: TrackingService },
): Promise<MlflowVersionFiles | null> {
  const facts = mlflowFacts(deps.db, versionId);
  if (!facts) return null;
  const files = resolveSource(facts.storage_location, facts.model_id ?? undefined, deps);
  const list = (dir: string) =>
    files.kind === 'logged-model'
      ? deps.loggedModels.listArtifacts(files.modelId, dir)
      : deps.tracking.listArtifacts(files.runId, dir);
  const found: { path: string; size: number }[] = [];
  const walk = (dir: string) => {
    for (const entry of list(dir)) {
      if (entry.isDir) walk(entry.path);
      else found.push({ path: entry.path, size: entry.size ?? 0 });
    }
  };
  walk(files.folder);
  const prefix = files.folder ? files.folder + '/' : '';
  const text = async (name: string) => (await readFile(files, name, deps))?.toString('utf8') ?? null;
  return {
    source: facts.source,
    storageLocation: facts.storage_location,
    modelId: facts.model_id,
    runId: facts.run_id,
    flavors: facts.flavors,
    files: found
      .map((f) => ({ path: f.path.slice(prefix.length), size: f.size }))
      .sort((a, b) => a.path.localeCompare(b.path)),
    mlmodel: await text('MLmodel'),
    requirements: await text('requirements.txt'),
  };
}
