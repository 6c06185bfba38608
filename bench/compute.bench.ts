/**
 * `npm run bench -- compute [--json]`: training and scoring speed, each beside a baseline from the same run.
 *   epoch_s_<backend>  seconds for one epoch (the second, after a warm-up epoch) of an MLP 64-64 on 50,000 × 20
 *                      synthetic rows, batch 256, Adam, for every TensorFlow.js backend available here
 *   epoch_s_torch      the same epoch in PyTorch on the CPU (Debian's /usr/bin/python3 with python3-torch), when present
 *   train_ratio        best Lathe backend's epoch / PyTorch's epoch (goal ≤ 2)
 *   predict_ratio      `lathe predict` rows/s (core.models.predict: worker, Parquet read, ONNX Runtime, CSV write)
 *                      over a bare onnxruntime-node session.run loop on the same model and rows (goal ≥ 0.9)
 *   predict_score_ratio  (in-process runs only) the same, counting only the time inside session.run
 * Data is generated here, under the OS temp dir, and removed afterwards.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { openCore } from '../electron/core/core.js';
import { probeTrainingBackends } from '../electron/core/compute/training-backends.js';
import { writeTable } from '../electron/core/data/read-table.js';
import { trainMlp, useBackend } from '../electron/core/train/mlp.js';
import { writeOnnx } from '../electron/core/train/onnx-writer.js';
import type { Preprocessing } from '../electron/core/train/preprocess.js';
import { seededRandom } from '../electron/core/train/random.js';

const say = (line: string) => process.stderr.write(line + '\n');
const rows = 50_000;
const width = 20;
const batchSize = 256;
const predictRows = 1_000_000;

function syntheticMatrix(n: number, seed: number): { x: Float32Array; y: Int32Array } {
  const random = seededRandom(seed);
  const x = new Float32Array(n * width);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let score = 0;
    for (let j = 0; j < width; j++) {
      const v = random() * 2 - 1;
      x[i * width + j] = v;
      score += v * (j % 3 === 0 ? 1 : -0.5);
    }
    y[i] = score > 0 ? 1 : 0;
  }
  return { x, y };
}

async function epochSeconds(backend: string, data: { x: Float32Array; y: Int32Array }): Promise<number> {
  await useBackend(backend);
  const split = Math.floor(rows * 0.9);
  const result = await trainMlp(
    {
      task: 'classification',
      classes: 2,
      width,
      trainX: data.x.subarray(0, split * width),
      trainY: data.y.subarray(0, split),
      validationX: data.x.subarray(split * width),
      validationY: data.y.subarray(split),
    },
    { hidden: [64, 64], epochs: backend === 'cpu' ? 1 : 2, batchSize, learningRate: 0.001, seed: 1, patience: 10 },
  );
  // Scale to the full 50,000 rows: the loop above trains on 90% (the rest validates, as in Lathe).
  return (result.history.at(-1)!.seconds * rows) / split;
}

const torchScript = `
import sys, time, torch
torch.manual_seed(1)
rows, width, batch = 50000, 20, 256
x = torch.rand(rows, width) * 2 - 1
w = torch.tensor([1.0 if j % 3 == 0 else -0.5 for j in range(width)])
y = ((x @ w) > 0).long()
model = torch.nn.Sequential(torch.nn.Linear(width, 64), torch.nn.ReLU(), torch.nn.Linear(64, 64), torch.nn.ReLU(), torch.nn.Linear(64, 2))
opt = torch.optim.Adam(model.parameters(), lr=0.001)
loss_fn = torch.nn.CrossEntropyLoss()
def epoch():
    perm = torch.randperm(rows)
    for i in range(0, rows, batch):
        idx = perm[i:i + batch]
        opt.zero_grad()
        loss = loss_fn(model(x[idx]), y[idx])
        loss.backward()
        opt.step()
epoch()
t = time.perf_counter(); epoch(); print(time.perf_counter() - t)
`;

function torchEpochSeconds(): number | null {
  const python = '/usr/bin/python3';
  const probe = spawnSync(python, ['-c', 'import torch'], { encoding: 'utf8' });
  if (probe.status !== 0) return null;
  const run = spawnSync(python, ['-c', torchScript], { encoding: 'utf8' });
  if (run.status !== 0) {
    say(`PyTorch run failed: ${run.stderr.split('\n').slice(-3).join(' ')}`);
    return null;
  }
  return Number(run.stdout.trim());
}

async function predictRatios(folder: string): Promise<{ lathe: number; bare: number; score: number }> {
  // A Lathe-written graph with 20 named numeric inputs (weights from a seeded initialisation: speed does not depend on them).
  const preprocessing: Preprocessing = {
    format: 'lathe-preprocessing/1',
    steps: Array.from({ length: width }, (_, j) => ({ name: `f${j}`, kind: 'numeric' as const, median: 0, mean: 0, std: 1 })),
    target: { name: 'y', task: 'classification', classes: ['0', '1'], labelType: 'int64' },
    width,
  };
  const { initialLayers } = await import('../electron/core/train/mlp.js');
  const onnx = writeOnnx({ preprocessing, layers: initialLayers(width, [64, 64], 2, 3), producerVersion: 'bench' });
  const modelPath = join(folder, 'model.onnx');
  writeFileSync(modelPath, onnx);
  const random = seededRandom(5);
  const columns = Array.from({ length: width }, (_, j) => ({ name: `f${j}`, values: Float64Array.from({ length: predictRows }, () => random() * 2 - 1) }));
  const dataPath = join(folder, 'rows.parquet');
  await writeTable(dataPath, columns);

  const home = join(folder, 'home');
  const core = openCore({ home, shell: 'cli' });
  try {
    await core.models.importFile(modelPath, 'bench');
    const batchRows = 16_384;
    // Bare loop: the same rows already in memory, the same batch size, one session.run per batch.
    const session = await ort.InferenceSession.create(modelPath);
    const feedsFor = (start: number, end: number) =>
      Object.fromEntries(columns.map((c) => [c.name, new ort.Tensor('float32', Float32Array.from(c.values.subarray(start, end)), [end - start, 1])]));
    await session.run(feedsFor(0, batchRows));
    const t0 = performance.now();
    for (let start = 0; start < predictRows; start += batchRows) await session.run(feedsFor(start, Math.min(predictRows, start + batchRows)));
    const bare = predictRows / ((performance.now() - t0) / 1000);
    await session.release();
    const outPath = join(folder, 'scores.csv');
    const built = new URL('../dist/electron/cli/lathe.js', import.meta.url);
    if (existsSync(built)) {
      // The built CLI, as a user runs it; its own figure excludes process start and opening the store.
      core.dispose();
      const cli = spawnSync(process.execPath, [new URL('../bin/lathe.js', import.meta.url).pathname, '--home', home, '--json', 'predict', '--model', 'bench@1', '--data', dataPath, '--out', outPath], { encoding: 'utf8' });
      if (cli.status !== 0) throw new Error(`lathe predict failed: ${cli.stderr}`);
      const result = JSON.parse(cli.stdout) as { rowsPerSecond: number };
      say('lathe predict measured through the built CLI (dist/)');
      return { lathe: result.rowsPerSecond, bare, score: NaN };
    }
    say('dist/ is not built: lathe predict measured in-process (its worker runs through tsx)');
    const result = await core.models.predict({ ref: 'bench@1', data: dataPath, out: outPath, batchRows });
    return { lathe: result.rows / result.seconds, bare, score: result.rows / result.scoreSeconds };
  } finally {
    core.dispose();
  }
}

/** Runs the benchmark. */
export async function run(_options: { json: boolean; args: string[] }): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  const data = syntheticMatrix(rows, 7);
  const probes = await probeTrainingBackends();
  const epochs: Record<string, number> = {};
  for (const probe of probes) {
    if (!probe.available) {
      say(`${probe.name.padEnd(15)} not available: ${probe.detail}`);
      continue;
    }
    const seconds = await epochSeconds(probe.name, data);
    epochs[probe.name] = seconds;
    out[`epoch_s_${probe.name}`] = seconds;
    say(`${probe.name.padEnd(15)} ${seconds.toFixed(2)} s per epoch (50,000 × 20, MLP 64-64, batch 256, Adam)`);
  }
  const torch = torchEpochSeconds();
  const best = Math.min(...Object.values(epochs));
  if (torch !== null) {
    out.epoch_s_torch = torch;
    out.train_ratio = best / torch;
    say(`${'pytorch cpu'.padEnd(15)} ${torch.toFixed(2)} s per epoch (baseline, same run)`);
    say(`train_ratio     ${(best / torch).toFixed(2)} (best Lathe backend / PyTorch; goal ≤ 2)`);
  } else {
    say('PyTorch is not importable by /usr/bin/python3: no train_ratio (apt-get install python3-torch)');
  }

  const folder = mkdtempSync(join(tmpdir(), 'lathe-bench-compute-'));
  try {
    const predict = await predictRatios(folder);
    out.predict_rows_per_s = predict.lathe;
    out.bare_rows_per_s = predict.bare;
    out.predict_ratio = predict.lathe / predict.bare;
    if (Number.isFinite(predict.score)) out.predict_score_ratio = predict.score / predict.bare;
    say(`lathe predict   ${Math.round(predict.lathe).toLocaleString('en-US')} rows/s end to end (1,000,000 rows, Parquet in, CSV out)`);
    say(`bare session    ${Math.round(predict.bare).toLocaleString('en-US')} rows/s (baseline: session.run loop on the same rows in memory)`);
    say(`predict_ratio   ${(predict.lathe / predict.bare).toFixed(2)} (goal ≥ 0.9)`);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
  return out;
}
