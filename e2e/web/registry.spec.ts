/** The registry in the browser: aliases as badges, a confirmed move with its history, and deleting a model. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import onnxProto from 'onnx-proto';
import { test, expect } from './fixtures';

/**
 * A residual network of `count` nodes (MatMul, Add, Relu repeating, a skip Add closing every block of six)
 * as ONNX bytes: big enough that the graph page takes its fast layout path.
 */
function residualModel(count: number): Uint8Array {
  const { onnx } = onnxProto;
  const weight = (name: string) =>
    onnx.TensorProto.create({ name, dims: [8, 8], dataType: 1, rawData: new Uint8Array(new Float32Array(64).buffer) });
  const nodes: onnxProto.onnx.INodeProto[] = [];
  const initializers: onnxProto.onnx.TensorProto[] = [];
  let previous = 'x';
  let blockStart = 'x';
  for (let i = 0; i < count; i++) {
    const output = `t${i}`;
    if (i % 6 === 5) {
      nodes.push({ name: `skip_${i}`, opType: 'Add', input: [previous, blockStart], output: [output] });
      blockStart = output;
    } else if (i % 3 === 0) {
      initializers.push(weight(`w${i}`));
      nodes.push({ name: `matmul_${i}`, opType: 'MatMul', input: [previous, `w${i}`], output: [output] });
    } else if (i % 3 === 1) {
      initializers.push(weight(`b${i}`));
      nodes.push({ name: `add_${i}`, opType: 'Add', input: [previous, `b${i}`], output: [output] });
    } else nodes.push({ name: `relu_${i}`, opType: 'Relu', input: [previous], output: [output] });
    previous = output;
  }
  const value = (name: string) =>
    onnx.ValueInfoProto.create({
      name,
      type: { tensorType: { elemType: 1, shape: { dim: [{ dimParam: 'N' }, { dimValue: 8 }] } } },
    });
  return onnx.ModelProto.encode({
    irVersion: 8,
    producerName: 'lathe-e2e',
    opsetImport: [{ domain: '', version: 17 }],
    graph: { name: 'residual', node: nodes, initializer: initializers, input: [value('x')], output: [value(previous)] },
  }).finish();
}

const fixture = new URL('../../resources/fixtures/pytorch-mlp/model.onnx', import.meta.url).pathname;

test('aliases show as badges, move after a confirmation with their history, and a model is deleted after typing its name', async ({
  page,
  lathe,
}) => {
  for (let i = 0; i < 2; i++) expect((await lathe.cli(['model', 'import', fixture, '--name', 'iris'])).code).toBe(0);
  expect((await lathe.cli(['model', 'alias', 'iris@1', 'champion'])).code).toBe(0);

  await page.goto(lathe.url);
  await expect(page.getByRole('heading', { name: 'Experiments' })).toBeVisible();
  await page.goto(`${lathe.origin}/#/models`);
  const list = page.getByRole('table', { name: 'Models' });
  await expect(list.getByText('@champion → 1')).toBeVisible();
  await list.getByRole('link', { name: 'iris' }).click();

  const versions = page.getByRole('table', { name: 'Versions' });
  await expect(versions.getByRole('row', { name: /@1/ }).getByLabel('alias champion')).toBeVisible();
  const registry = page.getByRole('region', { name: 'Registry', exact: true });
  await registry.getByRole('button', { name: 'Move alias champion', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'Move @champion' });
  await expect(dialog.getByRole('textbox', { name: 'Version' })).toHaveValue(/version 2/);
  await dialog.getByRole('button', { name: 'Continue' }).click();
  await expect(dialog.getByLabel('Confirmation')).toContainText('Move iris@champion from version 1 to version 2?');
  await page.screenshot({ path: 'test-results/screenshots/registry-move-confirm.png', fullPage: true });
  await dialog.getByRole('button', { name: 'Move alias' }).click();
  await expect(dialog).toBeHidden();
  await expect(versions.getByRole('row', { name: /@2/ }).getByLabel('alias champion')).toBeVisible();
  const history = registry.getByRole('table', { name: 'Alias history' });
  await expect(history.getByText('moved from version 1 to 2')).toBeVisible();
  await expect(history.getByText('set to version 1')).toBeVisible();

  // A change from the CLI arrives through the store watcher.
  expect((await lathe.cli(['model', 'alias', 'iris@1', 'challenger'])).code).toBe(0);
  await expect(versions.getByRole('row', { name: /@1/ }).getByLabel('alias challenger')).toBeVisible({
    timeout: 15_000,
  });

  await registry.getByRole('button', { name: 'Edit description' }).click();
  await registry.getByRole('textbox', { name: 'Description' }).fill('Iris species from petal and sepal sizes');
  await registry.getByRole('button', { name: 'Save description' }).click();
  await expect(registry.getByText('Iris species from petal and sepal sizes')).toBeVisible();
  await page.screenshot({ path: 'test-results/screenshots/registry-model.png', fullPage: true });

  await registry.getByRole('button', { name: 'Delete model' }).click();
  const confirm = page.getByRole('dialog', { name: 'Delete iris?' });
  const remove = confirm.getByRole('button', { name: 'Delete model' });
  await expect(remove).toBeDisabled();
  await confirm.getByRole('textbox', { name: 'Model name to confirm' }).fill('iris');
  await remove.click();
  await expect(page.getByRole('heading', { name: 'Models', exact: true })).toBeVisible();
  await expect(page.getByText('No models yet')).toBeVisible();
  const listed = await lathe.cli(['--json', 'model', 'list']);
  expect(JSON.parse(listed.stdout)).toEqual([]);
});

test('a model registered through MLflow shows its files, MLmodel and requirements, and says it cannot be scored', async ({
  page,
  lathe,
}) => {
  // The requests MLflow's Python client makes for mlflow.sklearn.log_model(..., registered_model_name="forest").
  const mlflow = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${lathe.origin}${path}`, {
      method,
      headers: { Authorization: `Bearer ${lathe.token}`, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    expect(response.status, `${method} ${path}: ${await response.clone().text()}`).toBe(200);
    return (await response.json()) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  };
  const run = (await mlflow('POST', '/api/2.0/mlflow/runs/create', { experiment_id: '0', start_time: Date.now() })).run
    .info;
  const model = (
    await mlflow('POST', '/api/2.0/mlflow/logged-models', {
      experiment_id: '0',
      name: 'model',
      source_run_id: run.run_id,
    })
  ).model.info;
  const root = `/api/2.0/mlflow-artifacts/artifacts/0/models/${model.model_id}/artifacts`;
  await mlflow(
    'PUT',
    `${root}/MLmodel`,
    'flavors:\n  python_function:\n    loader_module: mlflow.sklearn\n  sklearn:\n    pickled_model: model.pkl\n    sklearn_version: 1.5.2\nmlflow_version: 3.1.0\n',
  );
  await mlflow('PUT', `${root}/model.pkl`, 'pickle bytes');
  await mlflow('PUT', `${root}/requirements.txt`, 'scikit-learn==1.5.2\n');
  await mlflow('PATCH', `/api/2.0/mlflow/logged-models/${model.model_id}`, {
    model_id: model.model_id,
    status: 'LOGGED_MODEL_READY',
  });
  await mlflow('POST', '/api/2.0/mlflow/registered-models/create', { name: 'forest' });
  await mlflow('POST', '/api/2.0/mlflow/model-versions/create', {
    name: 'forest',
    source: `models:/${model.model_id}`,
    model_id: model.model_id,
  });

  await page.goto(lathe.url);
  await expect(page.getByRole('heading', { name: 'Experiments' })).toBeVisible();
  await page.goto(`${lathe.origin}/#/models/forest`);
  await expect(page.getByText('Cannot be scored here')).toBeVisible();
  await expect(page.getByText(/MLflow model of flavor sklearn/)).toBeVisible();
  const files = page.getByRole('table', { name: 'MLflow files' });
  await expect(files.getByText('model.pkl')).toBeVisible();
  await expect(page.getByLabel('Requirements')).toContainText('scikit-learn==1.5.2');
  await page.screenshot({ path: 'test-results/screenshots/registry-mlflow-sklearn.png', fullPage: true });
});

test('compare two versions side by side: schema, operators, nodes and weights', async ({ page, lathe }) => {
  const classifier = new URL('../../resources/fixtures/lathe-export/classifier.onnx', import.meta.url).pathname;
  expect((await lathe.cli(['model', 'import', fixture, '--name', 'iris'])).code).toBe(0);
  expect((await lathe.cli(['model', 'import', classifier, '--name', 'iris'])).code).toBe(0);
  expect((await lathe.cli(['model', 'alias', 'iris@2', 'challenger'])).code).toBe(0);

  await page.goto(lathe.url);
  await expect(page.getByRole('heading', { name: 'Experiments' })).toBeVisible();
  await page.goto(`${lathe.origin}/#/models/iris`);
  await page.getByRole('link', { name: 'Compare versions' }).click();
  await expect(page.getByRole('heading', { name: 'Compare versions' })).toBeVisible();
  await expect(page.getByLabel('Graph summary')).toContainText('4 → 15 nodes');
  const schema = page.getByRole('table', { name: 'Schema changes' });
  await expect(schema.getByRole('row', { name: /input input removed/ })).toBeVisible();
  await expect(
    page.getByRole('table', { name: 'Operators' }).getByRole('row', { name: /LabelEncoder 0 2/ }),
  ).toBeVisible();
  await page.screenshot({ path: 'test-results/screenshots/registry-diff.png', fullPage: true });

  // An alias works wherever a version number does, and an unknown one is named.
  await page.getByRole('textbox', { name: 'B' }).fill('iris@champion');
  await page.getByRole('button', { name: 'Compare' }).click();
  await expect(page.getByText('Model "iris" has no alias "champion" (aliases: challenger)')).toBeVisible();

  // Predictions of two versions on one dataset version.
  const csv = join(lathe.home, 'customers.csv');
  const lines = ['age,plan,spend'];
  for (let i = 0; i < 50; i++) lines.push(`${20 + (i % 40)},${['basic', 'pro', 'team'][i % 3]},${(i * 7) % 100}`);
  writeFileSync(csv, lines.join('\n') + '\n');
  expect((await lathe.cli(['data', 'add', csv, '--name', 'customers'])).code).toBe(0);
  await page.getByRole('textbox', { name: 'A' }).fill('iris@challenger');
  await page.getByRole('textbox', { name: 'B' }).fill('iris@2');
  await page.getByRole('button', { name: 'Compare' }).click();
  const predictions = page.getByRole('region', { name: 'Predictions' });
  await predictions.getByRole('textbox', { name: 'Dataset' }).fill('customers@1');
  await predictions.getByRole('button', { name: 'Score with both' }).click();
  await expect(predictions.getByLabel('Agreement')).toHaveText('50 rows · agreement 100.00%', { timeout: 60_000 });
  await expect(predictions.getByRole('table', { name: 'Cross-confusion' })).toBeVisible();
  await page.screenshot({ path: 'test-results/screenshots/registry-diff-predictions.png', fullPage: true });
});

test('the model graph is laid out off the UI thread, searchable, with attributes on click', async ({ page, lathe }) => {
  const classifier = new URL('../../resources/fixtures/lathe-export/classifier.onnx', import.meta.url).pathname;
  expect((await lathe.cli(['model', 'import', classifier, '--name', 'churn'])).code).toBe(0);
  await page.goto(lathe.url);
  await expect(page.getByRole('heading', { name: 'Experiments' })).toBeVisible();
  await page.goto(`${lathe.origin}/#/models/churn`);
  await page.getByRole('link', { name: 'Graph of @1' }).click();
  const graph = page.getByRole('img', { name: 'Model graph' });
  await expect(graph).toBeVisible({ timeout: 30_000 });
  await expect(page.getByLabel('Graph size')).toContainText('15 nodes');
  await page.getByRole('textbox', { name: 'Search nodes' }).fill('gemm');
  await expect(page.getByLabel('Graph size')).toContainText('2 matches');
  await graph.locator('[data-node="Gemm_9"]').click();
  const details = page.getByLabel('Node details');
  await expect(details).toContainText('Gemm');
  await expect(details).toContainText('weight [5, 4]');
  await graph.locator('[data-node="Softmax_12"]').click();
  await expect(details.getByRole('table', { name: 'Attributes' })).toContainText('axis');
  await page.screenshot({ path: 'test-results/screenshots/registry-graph.png', fullPage: true });
});

test('a 2,000-node graph is laid out in seconds, drawn only where it is in view, and searchable', async ({
  page,
  lathe,
}) => {
  const file = join(lathe.home, 'residual.onnx');
  writeFileSync(file, residualModel(2000));
  const imported = await lathe.cli(['model', 'import', file, '--name', 'resnet']);
  expect(imported.code, imported.stderr).toBe(0);
  await page.goto(lathe.url);
  await expect(page.getByRole('heading', { name: 'Experiments' })).toBeVisible();
  const started = Date.now();
  await page.goto(`${lathe.origin}/#/models/-/graph?ref=resnet@1`);
  const graph = page.getByRole('img', { name: 'Model graph' });
  await expect(graph).toBeVisible({ timeout: 60_000 });
  const laidOutMs = Date.now() - started;
  await expect(page.getByLabel('Graph size')).toContainText('2,000 nodes');
  // Only the part in view is drawn: far fewer boxes than nodes.
  await expect(page.getByLabel('Nodes in view')).toContainText('in view');
  const drawn = await graph.locator('[data-node]').count();
  expect(drawn).toBeGreaterThan(5);
  expect(drawn).toBeLessThan(400);
  // Search jumps to a node far down the graph; it is drawn there and opens on click.
  await page.getByRole('textbox', { name: 'Search nodes' }).fill('relu_1994');
  await expect(page.getByLabel('Graph size')).toContainText('1 match');
  await graph.locator('[data-node="relu_1994"]').click();
  await expect(page.getByLabel('Node details')).toContainText('Relu');
  await expect(page.getByLabel('Node details')).toContainText('t1993');
  await page.screenshot({ path: 'test-results/screenshots/registry-graph-2000.png', fullPage: true });
  test.info().annotations.push({ type: 'graph page ready (ms)', description: String(laidOutMs) });
});
