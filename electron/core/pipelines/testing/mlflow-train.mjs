// Test helper: a "training script" as a `train: command` step runs it. It logs through the MLflow REST API
// of the running `lathe serve` (MLFLOW_TRACKING_URI, MLFLOW_TRACKING_TOKEN), as MLflow's Python client would:
// a run with a metric, a logged ONNX model (MLmodel + model.onnx), and a registered version of MODEL_NAME.
// Usage: node mlflow-train.mjs MODEL_NAME ONNX_FILE
import { readFileSync } from 'node:fs';

const [modelName, onnxFile] = process.argv.slice(2);
const uri = process.env.MLFLOW_TRACKING_URI;
const token = process.env.MLFLOW_TRACKING_TOKEN;
if (!uri || !token) {
  console.error('no MLFLOW_TRACKING_URI / MLFLOW_TRACKING_TOKEN');
  process.exit(4);
}
const headers = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' };
async function call(method, path, body) {
  const response = await fetch(`${uri}${path}`, {
    method,
    headers: Buffer.isBuffer(body)
      ? { Authorization: `Bearer ${token}`, 'Content-Type': 'application/octet-stream' }
      : headers,
    body: body === undefined ? undefined : Buffer.isBuffer(body) ? body : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok && !text.includes('RESOURCE_ALREADY_EXISTS'))
    throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return text ? JSON.parse(text) : {};
}
const api = (path) => `/api/2.0/mlflow/${path}`;
const run = (await call('POST', api('runs/create'), { experiment_id: '0', run_name: 'script', start_time: Date.now() }))
  .run.info;
console.log(`run ${run.run_id}`);
await call('POST', api('runs/log-batch'), {
  run_id: run.run_id,
  metrics: [{ key: 'accuracy', value: 0.93, timestamp: Date.now(), step: 0 }],
  params: [{ key: 'alpha', value: '0.5' }],
});
const model = (
  await call('POST', api('logged-models'), { experiment_id: '0', name: 'model', source_run_id: run.run_id })
).model.info;
const mlmodel = [
  'artifact_path: model',
  'flavors:',
  '  onnx:',
  '    code: null',
  '    data: model.onnx',
  '    onnx_version: 1.17.0',
  '  python_function:',
  '    data: model.onnx',
  '    loader_module: mlflow.onnx',
  'mlflow_version: 3.1.0',
  `model_id: ${model.model_id}`,
  '',
].join('\n');
const artifacts = `/api/2.0/mlflow-artifacts/artifacts/0/models/${model.model_id}/artifacts`;
await call('PUT', `${artifacts}/MLmodel`, Buffer.from(mlmodel));
await call('PUT', `${artifacts}/model.onnx`, readFileSync(onnxFile));
await call('PATCH', api(`logged-models/${model.model_id}`), { model_id: model.model_id, status: 'LOGGED_MODEL_READY' });
await call('POST', api('registered-models/create'), { name: modelName });
const version = await call('POST', api('model-versions/create'), {
  name: modelName,
  source: `models:/${model.model_id}`,
  model_id: model.model_id,
  run_id: run.run_id,
});
await call('POST', api('runs/update'), { run_id: run.run_id, status: 'FINISHED', end_time: Date.now() });
console.log(`registered ${modelName} version ${version.model_version.version}`);
