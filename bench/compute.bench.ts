/**
 * `npm run bench -- compute [--json]`: training and scoring speed, each beside a baseline from the same run.
 *   epoch_s_<backend>  seconds for one epoch (the second, after a warm-up epoch) of an MLP 64-64 on 50,000 × 20
 *                      synthetic rows, batch 256, Adam, for every TensorFlow.js backend available here
 *   epoch_s_torch      the same epoch in PyTorch on the CPU (Debian's /usr/bin/python3 with python3-torch), when present
 *   train_ratio        best Lathe backend's epoch / PyTorch's epoch (goal ≤ 2)
 *   predict_ratio      `lathe predict` rows/s after its warm-up (built CLI when dist/ is current: worker, Parquet read,
 *                      ONNX Runtime, CSV written by DuckDB) over a bare onnxruntime-node session.run loop on the
 *                      same model, rows and batch size (goal ≥ 0.9): the median of `--rounds=N` (default 5)
 *                      alternated rounds, with predict_ratio_range [min, max], predict_ratio_end_to_end (whole
 *                      command) and predict_ratio_parquet_out; predict_rows_per_s, bare_rows_per_s (medians)
 *   --rows=N           rows scored (default 1,000,000); --predict-only skips the training figures
 * Data is generated here, under the OS temp dir, and removed afterwards.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { openCore } from '../electron/core/core.js';
import { probeTrainingBackends } from '../electron/core/compute/training-backends.js';
import { writeTable } from '../electron/core/data/read-table.js';
import { defaultPredictBatchRows } from '../electron/core/infer/predict-protocol.js';
import { trainMlp, useBackend } from '../electron/core/train/mlp.js';
import { writeOnnx } from '../electron/core/train/onnx-writer.js';
import type { Preprocessing } from '../electron/core/train/preprocess.js';
import { seededRandom } from '../electron/core/train/random.js';

const say = (line: string) => process.stderr.write(line + '\n');
const rows = 50_000;
const width = 20;
const batchSize = 256;

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

interface PredictRound {
  bare: number;
  csv: { endToEnd: number; steady: number };
  parquet: { endToEnd: number; steady: number };
}

/** True when dist/ holds a predict worker at least as new as every TypeScript file under electron/. */
function builtIsCurrent(): boolean {
  const built = new URL('../dist/electron/workers/predict.worker.js', import.meta.url).pathname;
  if (!existsSync(built)) return false;
  const builtAt = statSync(built).mtimeMs;
  const newest = (dir: string): number =>
    Math.max(
      0,
      ...readdirSync(dir, { withFileTypes: true }).map((entry) =>
        entry.isDirectory() ? newest(join(dir, entry.name)) : entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? statSync(join(dir, entry.name)).mtimeMs : 0,
      ),
    );
  return newest(new URL('../electron', import.meta.url).pathname) <= builtAt;
}

/**
 * `lathe predict` (Parquet in; CSV out, then Parquet out) against a bare session.run loop, alternated over
 * `rounds` rounds so both see the same machine load. The bare loop has the rows in memory as float64
 * columns (as a batch arrives from the reader) and converts each batch to the float32 feeds, as Lathe does;
 * same model file, same rows, same batch size, warm-up run excluded. Lathe's steady rate excludes its
 * warm-up too (process and worker start, table description, session load and the first batch).
 */
async function predictRounds(folder: string, predictRows: number, rounds: number): Promise<{ rounds: PredictRound[]; via: string; batchRows: number }> {
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
  const batchRows = defaultPredictBatchRows;

  const home = join(folder, 'home');
  const core = openCore({ home, shell: 'cli' });
  let disposed = false;
  try {
    await core.models.importFile(modelPath, 'bench');
    const session = await ort.InferenceSession.create(modelPath);
    const feedsFor = (start: number, end: number) =>
      Object.fromEntries(columns.map((c) => [c.name, new ort.Tensor('float32', new Float32Array(c.values.subarray(start, end)), [end - start, 1])]));
    await session.run(feedsFor(0, Math.min(predictRows, batchRows)));
    const bareRate = async () => {
      const t0 = performance.now();
      for (let start = 0; start < predictRows; start += batchRows) await session.run(feedsFor(start, Math.min(predictRows, start + batchRows)));
      return predictRows / ((performance.now() - t0) / 1000);
    };
    const viaCli = builtIsCurrent();
    if (viaCli) {
      core.dispose();
      disposed = true;
    }
    const lathe = async (out: string): Promise<{ endToEnd: number; steady: number }> => {
      if (viaCli) {
        // The built CLI, as a user runs it; its figures exclude process start and opening the store.
        const cli = spawnSync(process.execPath, [new URL('../bin/lathe.js', import.meta.url).pathname, '--home', home, '--json', 'predict', '--model', 'bench@1', '--data', dataPath, '--out', out], {
          encoding: 'utf8',
        });
        if (cli.status !== 0) throw new Error(`lathe predict failed: ${cli.stderr}`);
        const result = JSON.parse(cli.stdout) as { rowsPerSecond: number; steadyRowsPerSecond: number | null };
        return { endToEnd: result.rowsPerSecond, steady: result.steadyRowsPerSecond ?? result.rowsPerSecond };
      }
      const result = await core.models.predict({ ref: 'bench@1', data: dataPath, out });
      const steady = result.warmup && result.rows > result.warmup.rows ? (result.rows - result.warmup.rows) / (result.seconds - result.warmup.seconds) : result.rows / result.seconds;
      return { endToEnd: result.rows / result.seconds, steady };
    };
    const measured: PredictRound[] = [];
    for (let round = 0; round < rounds; round++) {
      const bare = await bareRate();
      const csv = await lathe(join(folder, 'scores.csv'));
      const parquet = await lathe(join(folder, 'scores.parquet'));
      measured.push({ bare, csv, parquet });
      say(`  round ${round + 1}: bare ${thousands(bare)}, lathe → csv ${thousands(csv.steady)} (end to end ${thousands(csv.endToEnd)}), → parquet ${thousands(parquet.steady)} (end to end ${thousands(parquet.endToEnd)}) rows/s`);
    }
    await session.release();
    return { rounds: measured, via: viaCli ? 'the built CLI (dist/)' : 'core.models.predict in-process (dist/ missing or older than electron/; its worker runs through tsx)', batchRows };
  } finally {
    if (!disposed) core.dispose();
  }
}

/** epoch_s_<backend>, epoch_s_torch and train_ratio. */
async function trainingFigures(out: Record<string, unknown>): Promise<void> {
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
}

const thousands = (value: number) => Math.round(value).toLocaleString('en-US');
const median = (values: number[]) => {
  const sorted = [...values].sort((x, y) => x - y);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

/** Runs the benchmark. */
export async function run(options: { json: boolean; args: string[] }): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  const option = (name: string, fallback: number) => {
    const given = options.args.find((a) => a.startsWith(`--${name}=`));
    const value = given ? Number(given.split('=')[1]) : fallback;
    if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a positive integer`);
    return value;
  };
  const predictRows = option('rows', 1_000_000);
  const predictRoundsCount = option('rounds', 5);
  if (!options.args.includes('--predict-only')) await trainingFigures(out);

  const folder = mkdtempSync(join(tmpdir(), 'lathe-bench-compute-'));
  try {
    say(`predict: ${thousands(predictRows)} rows × ${width} float columns, Parquet in; CSV out (predict_ratio) and Parquet out; ${predictRoundsCount} rounds`);
    const predict = await predictRounds(folder, predictRows, predictRoundsCount);
    const ratios = (pick: (r: PredictRound) => number) => predict.rounds.map((r) => pick(r) / r.bare);
    const spread = (values: number[]) => [Math.min(...values), Math.max(...values)];
    const csvRatios = ratios((r) => r.csv.steady);
    out.predict_input = 'parquet';
    out.predict_output = 'csv';
    out.predict_rows = predictRows;
    out.predict_batch_rows = predict.batchRows;
    out.bare_rows_per_s = median(predict.rounds.map((r) => r.bare));
    out.predict_rows_per_s = median(predict.rounds.map((r) => r.csv.steady));
    out.predict_ratio = median(csvRatios);
    out.predict_ratio_range = spread(csvRatios);
    out.predict_ratio_end_to_end = median(ratios((r) => r.csv.endToEnd));
    out.predict_ratio_parquet_out = median(ratios((r) => r.parquet.steady));
    out.predict_ratio_parquet_out_range = spread(ratios((r) => r.parquet.steady));
    say(`lathe predict measured through ${predict.via}; batches of ${thousands(predict.batchRows)} rows for both`);
    say(`lathe predict   ${thousands(out.predict_rows_per_s as number)} rows/s after warm-up, median (Parquet in, CSV out)`);
    say(`bare session    ${thousands(out.bare_rows_per_s as number)} rows/s, median (baseline: session.run loop on the same rows in memory)`);
    say(`predict_ratio   ${(out.predict_ratio as number).toFixed(2)} (rounds ${csvRatios.map((r) => r.toFixed(2)).join(', ')}; goal ≥ 0.9); end to end ${(out.predict_ratio_end_to_end as number).toFixed(2)}; Parquet out ${(out.predict_ratio_parquet_out as number).toFixed(2)}`);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
  return out;
}
