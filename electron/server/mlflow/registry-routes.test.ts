/* eslint-disable @typescript-eslint/no-explicit-any -- MLflow responses are checked field by field with expect() */
/**
 * MLflow's model APIs driven with the requests MLflow's Python client (3.x) sends for a typical session:
 * log_model (logged model, uploads, finalize, runs/outputs), register_model, aliases, get-download-uri and
 * the downloads load_model makes. Bodies follow mlflow/protos/{service,model_registry}.proto as the client
 * writes them (message_to_json drops unset fields; GET sends the fields as query parameters).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { startServing, type Serving } from '../serve.js';
import { createDispatch } from '../../core/rpc/dispatch.js';
import { createHandlers } from '../../core/rpc/handlers.js';

const onnxBytes = readFileSync(new URL('../../../resources/fixtures/pytorch-mlp/model.onnx', import.meta.url));
let home: string;
let serving: Serving;
const token = 'mlflow-registry-token-0123456789';

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'lathe-mlflow-registry-'));
  serving = await startServing({ home, port: 0, token, rendererDir: join(home, 'renderer') });
});
afterAll(async () => {
  await serving.stop();
  rmSync(home, { recursive: true, force: true });
});

interface Reply {
  status: number;
  body: Buffer;
  json: any;
  headers: Record<string, string | string[] | undefined>;
}

function call(method: string, path: string, body?: unknown): Promise<Reply> {
  const data =
    body === undefined ? undefined : Buffer.isBuffer(body) ? body : Buffer.from(JSON.stringify(body), 'utf8');
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port: serving.server.port,
        path,
        method,
        headers: {
          Host: `127.0.0.1:${serving.server.port}`,
          Authorization: `Bearer ${token}`,
          'User-Agent': 'mlflow-python-client/3.1.0',
          ...(data ? { 'Content-Type': 'application/json', 'Content-Length': String(data.length) } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const buffer = Buffer.concat(chunks);
          let json: any = {};
          try {
            json = JSON.parse(buffer.toString('utf8'));
          } catch {
            // a download or plain text
          }
          resolve({ status: res.statusCode ?? 0, body: buffer, json, headers: res.headers });
        });
      },
    );
    req.on('error', reject);
    if (data) req.write(data);
    req.end();
  });
}

const api = (path: string) => `/api/2.0/mlflow/${path}`;
const post = (path: string, body: unknown) => call('POST', api(path), body);
const get = (path: string, query: Record<string, string>) =>
  call('GET', `${api(path)}?${new URLSearchParams(query).toString()}`);
const artifacts = '/api/2.0/mlflow-artifacts/artifacts';

/** The MLmodel file mlflow.onnx.log_model writes (MLflow 3.1). */
function onnxMlmodel(modelId: string): string {
  return [
    'artifact_path: model',
    'flavors:',
    '  onnx:',
    '    code: null',
    '    data: model.onnx',
    '    onnx_version: 1.17.0',
    '    providers:',
    '    - CUDAExecutionProvider',
    '    - CPUExecutionProvider',
    '  python_function:',
    '    data: model.onnx',
    '    env:',
    '      conda: conda.yaml',
    '      virtualenv: python_env.yaml',
    '    loader_module: mlflow.onnx',
    '    python_version: 3.11.9',
    'mlflow_version: 3.1.0',
    `model_id: ${modelId}`,
    'model_size_bytes: 796',
    `model_uuid: ${modelId}`,
    'signature:',
    `  inputs: '[{"type": "tensor", "tensor-spec": {"dtype": "float32", "shape": [-1, 4]}}]'`,
    `  outputs: '[{"type": "tensor", "tensor-spec": {"dtype": "float32", "shape": [-1, 3]}}]'`,
    "utc_time_created: '2026-11-30 10:00:00.000000'",
    '',
  ].join('\n');
}

/** The MLmodel file mlflow.sklearn.log_model writes. */
function sklearnMlmodel(modelId: string): string {
  return [
    'artifact_path: model',
    'flavors:',
    '  python_function:',
    '    env:',
    '      conda: conda.yaml',
    '      virtualenv: python_env.yaml',
    '    loader_module: mlflow.sklearn',
    '    model_path: model.pkl',
    '    predict_fn: predict',
    '    python_version: 3.11.9',
    '  sklearn:',
    '    code: null',
    '    pickled_model: model.pkl',
    '    serialization_format: cloudpickle',
    '    sklearn_version: 1.5.2',
    'mlflow_version: 3.1.0',
    `model_id: ${modelId}`,
    'signature:',
    `  inputs: '[{"type": "double", "name": "x", "required": true}, {"type": "double", "name": "y", "required": true}]'`,
    `  outputs: '[{"type": "tensor", "tensor-spec": {"dtype": "float64", "shape": [-1]}}]'`,
    '',
  ].join('\n');
}

/** What log_model does: create the logged model, upload its files, finalize it, record it as the run's output. */
async function logModel(runId: string, files: (modelId: string) => Record<string, Buffer | string>): Promise<any> {
  const created = await post('logged-models', {
    experiment_id: '0',
    name: 'model',
    source_run_id: runId,
    params: [{ key: 'alpha', value: '0.5' }],
    tags: [
      { key: 'mlflow.user', value: 'ana' },
      { key: 'mlflow.source.name', value: 'train.py' },
    ],
  });
  expect(created.status, created.body.toString()).toBe(200);
  const info = created.json.model.info;
  expect(info).toMatchObject({
    experiment_id: '0',
    name: 'model',
    source_run_id: runId,
    status: 'LOGGED_MODEL_PENDING',
  });
  expect(info.artifact_uri).toBe(`mlflow-artifacts:/0/models/${info.model_id}/artifacts`);
  for (const [path, content] of Object.entries(files(info.model_id))) {
    const put = await call('PUT', `${artifacts}/0/models/${info.model_id}/artifacts/${path}`, Buffer.from(content));
    expect(put.status, put.body.toString()).toBe(200);
  }
  const finalized = await call('PATCH', api(`logged-models/${info.model_id}`), {
    model_id: info.model_id,
    status: 'LOGGED_MODEL_READY',
  });
  expect(finalized.json.model.info.status).toBe('LOGGED_MODEL_READY');
  expect((await post('runs/outputs', { run_id: runId, models: [{ model_id: info.model_id, step: 0 }] })).status).toBe(
    200,
  );
  return info;
}

describe('MLflow model APIs, as the Python client drives them', () => {
  it('log_model, register_model, aliases, search and load_model of an ONNX and an sklearn model', async () => {
    const run = (
      await post('runs/create', {
        experiment_id: '0',
        user_id: 'ana',
        start_time: 1_700_000_000_000,
        tags: [{ key: 'mlflow.user', value: 'ana' }],
        run_name: 'train',
      })
    ).json.run.info;

    const onnx = await logModel(run.run_id, (id) => ({
      MLmodel: onnxMlmodel(id),
      'model.onnx': onnxBytes,
      'requirements.txt': 'mlflow==3.1.0\nonnx==1.17.0\nonnxruntime==1.20.1\n',
      'conda.yaml': 'name: mlflow-env\n',
      'python_env.yaml': 'python: 3.11.9\n',
    }));
    // list_artifacts(run_id, "model") asks which logged model of the run is called "model".
    const search = await post('logged-models/search', {
      experiment_ids: ['0'],
      filter: "name = 'model'",
      order_by: [{ field_name: 'creation_timestamp', ascending: false }],
    });
    expect(search.json.models.map((m: any) => m.info.model_id)).toEqual([onnx.model_id]);
    expect(search.json.models[0].data.params).toEqual([{ key: 'alpha', value: '0.5' }]);

    // register_model("models:/m-…", "iris-onnx"): create (twice: the second is RESOURCE_ALREADY_EXISTS), then a version.
    const first = await post('registered-models/create', { name: 'iris-onnx' });
    expect(first.json.registered_model).toMatchObject({ name: 'iris-onnx', description: '' });
    const again = await post('registered-models/create', { name: 'iris-onnx' });
    expect(again.status).toBe(400);
    expect(again.json.error_code).toBe('RESOURCE_ALREADY_EXISTS');
    const version = await post('model-versions/create', {
      name: 'iris-onnx',
      source: `models:/${onnx.model_id}`,
      model_id: onnx.model_id,
    });
    expect(version.status, version.body.toString()).toBe(200);
    expect(version.json.model_version).toMatchObject({
      name: 'iris-onnx',
      version: '1',
      current_stage: 'None',
      source: `models:/${onnx.model_id}`,
      run_id: run.run_id,
      status: 'READY',
      model_id: onnx.model_id,
    });

    // set_registered_model_alias / get_model_version_by_alias
    expect(
      (await post('registered-models/alias', { name: 'iris-onnx', alias: 'champion', version: '1' })).json,
    ).toEqual({});
    const byAlias = await get('registered-models/alias', { name: 'iris-onnx', alias: 'champion' });
    expect(byAlias.json.model_version).toMatchObject({ version: '1', aliases: ['champion'] });

    // load_model("models:/iris-onnx@champion"): download URI, listing, then each file byte for byte.
    const uri = await get('model-versions/get-download-uri', { name: 'iris-onnx', version: '1' });
    expect(uri.json).toEqual({ artifact_uri: `mlflow-artifacts:/0/models/${onnx.model_id}/artifacts` });
    const listing = await call('GET', `${artifacts}?path=0/models/${onnx.model_id}/artifacts`);
    expect(listing.json.files.map((f: any) => f.path).sort()).toEqual([
      'MLmodel',
      'conda.yaml',
      'model.onnx',
      'python_env.yaml',
      'requirements.txt',
    ]);
    const downloaded = await call('GET', `${artifacts}/0/models/${onnx.model_id}/artifacts/model.onnx`);
    expect(downloaded.body.equals(onnxBytes)).toBe(true);

    // The ONNX flavor is a scorable Lathe version, reachable as NAME@ALIAS.
    const lathe = serving.core;
    const scorable = lathe.models.resolve('iris-onnx@champion');
    expect(scorable).toMatchObject({ source: 'mlflow', scorable: true, opset: 13, nodes: 4 });
    const session = await lathe.models.session(lathe.models.resolveScorable('iris-onnx@champion'));
    const scored = await session.run({ input: new ort.Tensor('float32', Float32Array.of(5.1, 3.5, 1.4, 0.2), [1, 4]) });
    expect((scored.probabilities!.data as Float32Array).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);

    // An sklearn model is registered and browsable, but not scored.
    const sklearn = await logModel(run.run_id, (id) => ({
      MLmodel: sklearnMlmodel(id),
      'model.pkl': Buffer.from([0x80, 0x04, 0x95]),
      'requirements.txt': 'scikit-learn==1.5.2\n',
    }));
    const second = await post('model-versions/create', {
      name: 'iris-onnx',
      source: `models:/${sklearn.model_id}`,
      model_id: sklearn.model_id,
      tags: [{ key: 'flavor', value: 'sklearn' }],
      description: 'random forest',
    });
    expect(second.json.model_version).toMatchObject({
      version: '2',
      description: 'random forest',
      tags: [{ key: 'flavor', value: 'sklearn' }],
    });
    const browsable = lathe.models.resolve('iris-onnx@2');
    expect(browsable).toMatchObject({ scorable: false, producer: 'mlflow 3.1.0 (python_function, sklearn)' });
    expect(browsable.inputs.map((i) => i.name)).toEqual(['x', 'y']);
    await expect(lathe.models.predictRow('iris-onnx@2', { x: 1, y: 2 })).rejects.toThrow(/cannot score it/);
    const dispatch = createDispatch(createHandlers(lathe, '0.0.0-test'));
    const browsed = (await dispatch('registry.mlflowFiles', { ref: 'iris-onnx@2' })) as any;
    expect(browsed.value).toMatchObject({
      source: `models:/${sklearn.model_id}`,
      flavors: ['python_function', 'sklearn'],
      files: [
        { path: 'MLmodel', size: Buffer.byteLength(sklearnMlmodel(sklearn.model_id)) },
        { path: 'model.pkl', size: 3 },
        { path: 'requirements.txt', size: Buffer.byteLength('scikit-learn==1.5.2\n') },
      ],
      requirements: 'scikit-learn==1.5.2\n',
    });
    expect(browsed.value.mlmodel).toContain('pickled_model: model.pkl');

    // search_registered_models / get_latest_versions / search_model_versions
    const models = await get('registered-models/search', { filter: "name LIKE 'iris%'", max_results: '100' });
    expect(models.json.registered_models).toHaveLength(1);
    expect(models.json.registered_models[0]).toMatchObject({
      name: 'iris-onnx',
      aliases: [{ alias: 'champion', version: '1' }],
      latest_versions: [{ version: '2' }],
    });
    expect((await get('registered-models/search', { filter: "name LIKE 'IRIS%'" })).json.registered_models).toEqual([]);
    const latest = await post('registered-models/get-latest-versions', { name: 'iris-onnx' });
    expect(latest.json.model_versions.map((v: any) => v.version)).toEqual(['2']);
    const versions = await get('model-versions/search', { filter: "name='iris-onnx'" });
    expect(versions.json.model_versions.map((v: any) => v.version)).toEqual(['2', '1']);
    const byRun = await get('model-versions/search', { filter: `run_id='${run.run_id}' AND tags.flavor='sklearn'` });
    expect(byRun.json.model_versions.map((v: any) => v.version)).toEqual(['2']);

    // The logged model knows where it was registered.
    const loggedModel = await call('GET', api(`logged-models/${onnx.model_id}`));
    expect(loggedModel.json.model.info.registrations).toEqual([{ name: 'iris-onnx', version: '1' }]);

    // update, tags, delete alias
    expect(
      (await call('PATCH', api('registered-models/update'), { name: 'iris-onnx', description: 'Iris' })).json
        .registered_model.description,
    ).toBe('Iris');
    expect((await post('registered-models/set-tag', { name: 'iris-onnx', key: 'team', value: 'ml' })).status).toBe(200);
    expect(
      (await call('DELETE', api('registered-models/alias'), { name: 'iris-onnx', alias: 'champion' })).status,
    ).toBe(200);
    const gone = await get('registered-models/alias', { name: 'iris-onnx', alias: 'champion' });
    expect(gone.status).toBe(404);
    expect(gone.json).toEqual({
      error_code: 'RESOURCE_DOES_NOT_EXIST',
      message: 'Model "iris-onnx" has no alias "champion" (it has no aliases)',
    });
    const history = lathe.registry.aliasHistory('iris-onnx');
    expect(history.map((e) => [e.fromVersion, e.toVersion])).toEqual([
      [1, null],
      [null, 1],
    ]);
    expect(history[0]!.actor).toMatch(/\(MLflow API\)$/);
  }, 60_000);

  it('list_artifacts(run_id, "model"), on a sub-folder, and load_model("models:/m-…") replay RunsArtifactRepository and ModelsArtifactRepository', async () => {
    const run = (await post('runs/create', { experiment_id: '0', user_id: 'ana', start_time: 1_700_000_000_000 })).json
      .run.info;
    // log_model in MLflow 3 also writes a metadata/ copy of MLmodel and the environment files.
    const files = (id: string): Record<string, string | Buffer> => ({
      MLmodel: onnxMlmodel(id),
      'model.onnx': onnxBytes,
      'requirements.txt': 'onnx==1.17.0\n',
      'metadata/MLmodel': onnxMlmodel(id),
      'metadata/requirements.txt': 'onnx==1.17.0\n',
    });
    const logged = await logModel(run.run_id, files);
    const expected = files(logged.model_id);
    /** HttpArtifactRepository.list_artifacts: GET ?path=<root>/<path>; entries are names under it, with is_dir. */
    const listing = async (root: string, path: string) => {
      const query = new URLSearchParams({ path: path ? `${root}/${path}` : root });
      const reply = await call('GET', `${artifacts}?${query.toString()}`);
      expect(reply.status, reply.body.toString()).toBe(200);
      return ((reply.json.files ?? []) as any[]).map((f) => {
        expect(typeof f.is_dir, JSON.stringify(f)).toBe('boolean');
        return { path: path ? `${path}/${f.path}` : f.path, isDir: f.is_dir, size: f.file_size };
      });
    };
    const rootOf = (uri: string) => {
      expect(uri).toMatch(/^mlflow-artifacts:\//);
      return uri.replace(/^mlflow-artifacts:\/+/, '');
    };

    // list_artifacts(run_id, "model"): runs/get for the run's artifact_uri, its own "model" folder (empty here),
    // runs/get again for the experiment, logged-models/search by name, then the model's own listing.
    const listModel = async (path: string) => {
      const runInfo = (await get('runs/get', { run_id: run.run_id })).json.run.info;
      const runFiles = await listing(rootOf(runInfo.artifact_uri), path);
      const experiment = (await get('runs/get', { run_id: run.run_id })).json.run.info.experiment_id;
      const found = await post('logged-models/search', { experiment_ids: [experiment], filter: "name = 'model'" });
      expect(found.status, found.body.toString()).toBe(200);
      const match = (found.json.models as any[]).find((m) => m.info.source_run_id === run.run_id);
      expect(match.info.model_id).toBe(logged.model_id);
      const [, ...rest] = path.split('/');
      const modelFiles = await listing(rootOf(match.info.artifact_uri), rest.join('/'));
      return [...runFiles, ...modelFiles.map((f) => ({ ...f, path: `model/${f.path}` }))];
    };
    expect(await listModel('model')).toEqual([
      { path: 'model/MLmodel', isDir: false, size: Buffer.byteLength(expected.MLmodel!) },
      { path: 'model/metadata', isDir: true, size: undefined },
      { path: 'model/model.onnx', isDir: false, size: onnxBytes.length },
      { path: 'model/requirements.txt', isDir: false, size: Buffer.byteLength(expected['requirements.txt']!) },
    ]);
    expect((await listModel('model/metadata')).map((f) => f.path)).toEqual([
      'model/metadata/MLmodel',
      'model/metadata/requirements.txt',
    ]);

    // load_model("models:/<model_id>"): get_logged_model for artifact_location, then download_artifacts(""):
    // list, recurse into folders, GET each file.
    const info = (await call('GET', api(`logged-models/${logged.model_id}`))).json.model.info;
    const root = rootOf(info.artifact_uri);
    const downloaded: Record<string, Buffer> = {};
    const walk = async (path: string): Promise<void> => {
      for (const entry of await listing(root, path)) {
        if (entry.isDir) await walk(entry.path);
        else {
          const file = await call('GET', `${artifacts}/${root}/${entry.path}`);
          expect(file.status, entry.path).toBe(200);
          downloaded[entry.path] = file.body;
        }
      }
    };
    await walk('');
    expect(Object.keys(downloaded).sort()).toEqual(Object.keys(expected).sort());
    for (const [path, content] of Object.entries(expected))
      expect(downloaded[path]!.equals(Buffer.from(content))).toBe(true);
  });

  it('refuses a source that is a local path or an address outside the store (CVE-2023-1177, CVE-2025-11201)', async () => {
    await post('registered-models/create', { name: 'evil' });
    for (const source of [
      '/etc/passwd',
      'file:///etc/passwd',
      'http://169.254.169.254/latest/meta-data',
      's3://bucket/model',
      `mlflow-artifacts:/0/models/m-${'0'.repeat(32)}/artifacts/../../../../etc`,
      'mlflow-artifacts:/0/../../etc',
      'models:/evil/1',
      '../..',
    ]) {
      const reply = await post('model-versions/create', { name: 'evil', source });
      expect(reply.json.error_code, source).toMatch(/INVALID_PARAMETER_VALUE|RESOURCE_DOES_NOT_EXIST/);
      expect(reply.status, source).toBeGreaterThanOrEqual(400);
    }
    expect(serving.core.models.get('evil').versions).toEqual([]);
  });

  it('answers /health and /version as MLflow does, and unknown /api/3.0 routes in MLflow error format', async () => {
    const health = await call('GET', '/health');
    expect([health.status, health.body.toString()]).toEqual([200, 'OK']);
    expect((await call('GET', '/version')).body.toString()).toMatch(/^3\.\d+\.\d+$/);
    const v3 = await call('GET', '/api/3.0/mlflow/traces/tr-1');
    expect(v3.status).toBe(404);
    expect(v3.json.error_code).toBe('ENDPOINT_NOT_FOUND');
    const badAlias = await post('registered-models/alias', { name: 'evil', alias: 'latest', version: '1' });
    expect(badAlias.json.error_code).toBe('INVALID_PARAMETER_VALUE');
    const badName = await post('registered-models/create', { name: 'my model' });
    expect(badName.json).toMatchObject({ error_code: 'INVALID_PARAMETER_VALUE' });
    expect((await call('GET', api('logged-models/m-nope'))).json.error_code).toBe('RESOURCE_DOES_NOT_EXIST');
  });
});
