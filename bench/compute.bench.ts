/**
 * `npm run bench -- compute [--json]`: training and scoring speed, each beside a baseline from the same run.
 *   epoch_s_<backend>  seconds for one epoch of an MLP 64-64 on 50,000 × 20 synthetic rows, batch 256, Adam, for
 *                      every TensorFlow.js backend available here: the median of epochs 3–8 (epochs 1–2 warm up:
 *                      V8 and the wasm heap take that long to settle; the plain-JS cpu backend, ~20× slower,
 *                      times its second epoch only)
 *   epoch_s_torch      the same epoch in PyTorch on the CPU (Debian's /usr/bin/python3 with python3-torch), when
 *                      present, timed the same way (median of epochs 3–8)
 *   train_ratio        best Lathe backend's epoch / PyTorch's epoch (goal ≤ 2): the median over `--train-rounds=N`
 *                      (default 3) alternated rounds, with train_ratio_range [min, max]
 *   predict_ratio      `lathe predict` rows/s after its warm-up (built CLI when dist/ is current: worker, Parquet read,
 *                      ONNX Runtime, CSV written by DuckDB) over a bare onnxruntime-node session.run loop on the
 *                      same model, rows and batch size (goal ≥ 0.9): the median of `--rounds=N` (default 5)
 *                      alternated rounds, with predict_ratio_range [min, max], predict_ratio_end_to_end (whole
 *                      command) and predict_ratio_parquet_out; predict_rows_per_s, bare_rows_per_s (medians)
 *   predict_ratio_heavy  the same on an MLP 256-256-256 (rows / 5), where scoring outweighs reading
 *                      (with _range, _parquet_out and bare_rows_per_s_heavy)
 *   epoch_s_webgpu     the same epoch on TensorFlow.js's WebGPU backend (Dawn). On a software adapter (Mesa llvmpipe)
 *                      it is the third epoch of one run, labelled software (webgpu_software); on a hardware adapter
 *                      the median of epochs 3–8, train_ratio_gpu (webgpu over PyTorch CUDA on the same GPU, goal
 *                      ≤ 1.5) and webgpu_batch_sweep (batch 256, 1024, 4096)
 *   --rows=N           rows scored (default 1,000,000); --predict-only skips the training figures, --train-only the
 *                      scoring ones; --train-rounds=N
 * Data is generated here, under the OS temp dir, and removed afterwards.
 */
import { spawnSync } from 'node:child_process';
import { Worker } from 'node:worker_threads';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { openCore } from '../electron/core/core.js';
import { probeTrainingBackends, type TrainingBackendProbe } from '../electron/core/compute/training-backends.js';
import { prepareDawnEnvironment, type DawnAttempt } from '../electron/core/compute/webgpu.js';
import { writeTable } from '../electron/core/data/read-table.js';
import { defaultPredictBatchRows } from '../electron/core/infer/predict-protocol.js';
import { writeOnnx } from '../electron/core/train/onnx-writer.js';
import type { Preprocessing } from '../electron/core/train/preprocess.js';
import { seededRandom } from '../electron/core/train/random.js';
import { trainWorkerLimits } from '../electron/core/train/train-protocol.js';

const say = (line: string) => process.stderr.write(line + '\n');
const width = 20;

/**
 * One backend's epochs, trained in a worker thread with the train worker's V8 limits (as `lathe train`
 * trains): the median of epochs 3–8, or the second epoch for the plain-JS cpu backend.
 */
async function epochSeconds(backend: string): Promise<number> {
  const epochs = backend === 'cpu' ? 2 : 8;
  const seconds = await epochRun(backend, { epochs });
  return median(backend === 'cpu' ? seconds.slice(1) : seconds.slice(2));
}

/** Each epoch's seconds for one backend (and, for webgpu, the Dawn backend the probe found). */
async function epochRun(
  backend: string,
  settings: { epochs: number; batchSize?: number; dawn?: DawnAttempt },
): Promise<number[]> {
  const { epochs, batchSize = 256, dawn } = settings;
  const entry = new URL('./train-epochs.worker.ts', import.meta.url).href;
  // The bench runs through tsx; a worker needs tsx registered inside it to load a .ts entry.
  const shim = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(entry)}); })`;
  const worker = new Worker(shim, {
    eval: true,
    workerData: { backend, epochs, batchSize, dawn },
    resourceLimits: trainWorkerLimits,
  });
  const seconds = await new Promise<number[]>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the ${backend} training worker stopped (exit code ${code})`)));
  });
  await worker.terminate();
  return seconds;
}

const torchScript = `
import sys, time, torch
torch.manual_seed(1)
device = torch.device(sys.argv[1])
rows, width, batch = 50000, 20, int(sys.argv[2])
x = torch.rand(rows, width) * 2 - 1
w = torch.tensor([1.0 if j % 3 == 0 else -0.5 for j in range(width)])
y = ((x @ w) > 0).long()
x, y = x.to(device), y.to(device)
model = torch.nn.Sequential(torch.nn.Linear(width, 64), torch.nn.ReLU(), torch.nn.Linear(64, 64), torch.nn.ReLU(), torch.nn.Linear(64, 2)).to(device)
opt = torch.optim.Adam(model.parameters(), lr=0.001)
loss_fn = torch.nn.CrossEntropyLoss()
def epoch():
    perm = torch.randperm(rows, device=device)
    for i in range(0, rows, batch):
        idx = perm[i:i + batch]
        opt.zero_grad()
        loss = loss_fn(model(x[idx]), y[idx])
        loss.backward()
        opt.step()
def timed():
    t = time.perf_counter(); epoch()
    if device.type == 'cuda': torch.cuda.synchronize()
    return time.perf_counter() - t
epoch(); epoch()
print(sorted(timed() for _ in range(6))[2:4])
`;

/** PyTorch's epoch on the CPU (1 thread's worth, as installed) or on CUDA; null when that PyTorch is absent. */
function torchEpochSeconds(device: 'cpu' | 'cuda' = 'cpu', batchSize = 256): number | null {
  const python = '/usr/bin/python3';
  const check =
    device === 'cuda' ? 'import torch, sys; sys.exit(0 if torch.cuda.is_available() else 1)' : 'import torch';
  const probe = spawnSync(python, ['-c', check], { encoding: 'utf8' });
  if (probe.status !== 0) return null;
  const run = spawnSync(python, ['-c', torchScript, device, String(batchSize)], { encoding: 'utf8' });
  if (run.status !== 0) {
    say(`PyTorch run failed: ${run.stderr.split('\n').slice(-3).join(' ')}`);
    return null;
  }
  // The median of six epochs: the mean of the middle two, as the median helper does for an even count.
  const [low, high] = JSON.parse(run.stdout.trim()) as [number, number];
  return (low + high) / 2;
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
        entry.isDirectory()
          ? newest(join(dir, entry.name))
          : entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')
            ? statSync(join(dir, entry.name)).mtimeMs
            : 0,
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
async function predictRounds(
  folder: string,
  predictRows: number,
  rounds: number,
  hidden: number[],
): Promise<{ rounds: PredictRound[]; via: string; batchRows: number }> {
  // A Lathe-written graph with 20 named numeric inputs (weights from a seeded initialisation: speed does not depend on them).
  const preprocessing: Preprocessing = {
    format: 'lathe-preprocessing/1',
    steps: Array.from({ length: width }, (_, j) => ({
      name: `f${j}`,
      kind: 'numeric' as const,
      median: 0,
      mean: 0,
      std: 1,
    })),
    target: { name: 'y', task: 'classification', classes: ['0', '1'], labelType: 'int64' },
    width,
  };
  const { initialLayers } = await import('../electron/core/train/worker/mlp.js');
  mkdirSync(folder, { recursive: true });
  const onnx = writeOnnx({ preprocessing, layers: initialLayers(width, hidden, 2, 3), producerVersion: 'bench' });
  const modelPath = join(folder, 'model.onnx');
  writeFileSync(modelPath, onnx);
  const random = seededRandom(5);
  const columns = Array.from({ length: width }, (_, j) => ({
    name: `f${j}`,
    values: Float64Array.from({ length: predictRows }, () => random() * 2 - 1),
  }));
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
      Object.fromEntries(
        columns.map((c) => [
          c.name,
          new ort.Tensor('float32', new Float32Array(c.values.subarray(start, end)), [end - start, 1]),
        ]),
      );
    await session.run(feedsFor(0, Math.min(predictRows, batchRows)));
    const bareRate = async () => {
      const t0 = performance.now();
      for (let start = 0; start < predictRows; start += batchRows)
        await session.run(feedsFor(start, Math.min(predictRows, start + batchRows)));
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
        const cli = spawnSync(
          process.execPath,
          [
            new URL('../bin/lathe.js', import.meta.url).pathname,
            '--home',
            home,
            '--json',
            'predict',
            '--model',
            'bench@1',
            '--data',
            dataPath,
            '--out',
            out,
          ],
          {
            encoding: 'utf8',
          },
        );
        if (cli.status !== 0) throw new Error(`lathe predict failed: ${cli.stderr}`);
        const result = JSON.parse(cli.stdout) as { rowsPerSecond: number; steadyRowsPerSecond: number | null };
        return { endToEnd: result.rowsPerSecond, steady: result.steadyRowsPerSecond ?? result.rowsPerSecond };
      }
      const result = await core.models.predict({ ref: 'bench@1', data: dataPath, out });
      const steady =
        result.warmup && result.rows > result.warmup.rows
          ? (result.rows - result.warmup.rows) / (result.seconds - result.warmup.seconds)
          : result.rows / result.seconds;
      return { endToEnd: result.rows / result.seconds, steady };
    };
    const measured: PredictRound[] = [];
    for (let round = 0; round < rounds; round++) {
      const bare = await bareRate();
      const csv = await lathe(join(folder, 'scores.csv'));
      const parquet = await lathe(join(folder, 'scores.parquet'));
      measured.push({ bare, csv, parquet });
      say(
        `  round ${round + 1}: bare ${thousands(bare)}, lathe → csv ${thousands(csv.steady)} (end to end ${thousands(csv.endToEnd)}), → parquet ${thousands(parquet.steady)} (end to end ${thousands(parquet.endToEnd)}) rows/s`,
      );
    }
    await session.release();
    return {
      rounds: measured,
      via: viaCli
        ? 'the built CLI (dist/)'
        : 'core.models.predict in-process (dist/ missing or older than electron/; its worker runs through tsx)',
      batchRows,
    };
  } finally {
    if (!disposed) core.dispose();
  }
}

/** epoch_s_<backend>, epoch_s_torch and train_ratio. */
async function trainingFigures(out: Record<string, unknown>, rounds: number): Promise<void> {
  const probes = await probeTrainingBackends();
  // WebGPU is timed apart (below): on a software adapter it is a figure of the CPU rasteriser, not a rival.
  const available = probes.filter((probe) => probe.available && probe.name !== 'webgpu').map((probe) => probe.name);
  for (const probe of probes) if (!probe.available) say(`${probe.name.padEnd(15)} not available: ${probe.detail}`);
  // The plain-JS cpu backend is timed once (it is ~20× slower and never the best); the others, and PyTorch,
  // once per round, alternated so that both sides of the ratio see the same machine load.
  const perRound = available.filter((name) => name !== 'cpu');
  const samples: Record<string, number[]> = Object.fromEntries(available.map((name) => [name, []]));
  const torch: number[] = [];
  const ratios: number[] = [];
  for (let round = 0; round < rounds; round++) {
    for (const name of round === 0 ? available : perRound) samples[name]!.push(await epochSeconds(name));
    const torchSeconds = torchEpochSeconds();
    if (torchSeconds === null) break;
    torch.push(torchSeconds);
    const best = Math.min(...available.map((name) => samples[name]!.at(-1)!));
    ratios.push(best / torchSeconds);
    say(
      `  round ${round + 1}: ${perRound.map((name) => `${name} ${samples[name]!.at(-1)!.toFixed(3)} s`).join(', ')}, pytorch ${torchSeconds.toFixed(3)} s, ratio ${(best / torchSeconds).toFixed(2)}`,
    );
  }
  for (const name of available) {
    const seconds = median(samples[name]!);
    out[`epoch_s_${name}`] = seconds;
    say(
      `${name.padEnd(15)} ${seconds.toFixed(2)} s per epoch (50,000 × 20, MLP 64-64, batch 256, Adam)${name === 'cpu' ? '' : ', median of rounds'}`,
    );
  }
  if (torch.length > 0) {
    out.epoch_s_torch = median(torch);
    out.train_ratio = median(ratios);
    out.train_ratio_range = [Math.min(...ratios), Math.max(...ratios)];
    say(`${'pytorch cpu'.padEnd(15)} ${median(torch).toFixed(2)} s per epoch (baseline, same run), median of rounds`);
    say(
      `train_ratio     ${median(ratios).toFixed(2)} (rounds ${ratios.map((r) => r.toFixed(2)).join(', ')}; best Lathe backend / PyTorch; goal ≤ 2)`,
    );
  } else {
    say('PyTorch is not importable by /usr/bin/python3: no train_ratio (apt-get install python3-torch)');
  }
  await webGpuFigures(
    out,
    probes.find((probe) => probe.name === 'webgpu'),
  );
}

/**
 * epoch_s_webgpu. On a software adapter (Mesa llvmpipe): one short run, its third epoch (the first
 * compiles the shaders), labelled software. On a hardware adapter: the median of epochs 3–8 as for the
 * other backends, train_ratio_gpu against PyTorch on the same GPU (CUDA, when that PyTorch is present;
 * goal ≤ 1.5) and a batch-size sweep.
 */
async function webGpuFigures(out: Record<string, unknown>, probe: TrainingBackendProbe | undefined): Promise<void> {
  if (!probe?.available || !probe.adapter) {
    say(`webgpu          not available: ${probe?.detail ?? 'not probed'}`);
    return;
  }
  const adapter = probe.adapter;
  const dawn: DawnAttempt = { backend: adapter.backend, featureLevel: adapter.featureLevel };
  prepareDawnEnvironment(dawn.backend);
  out.webgpu_adapter = probe.detail;
  out.webgpu_software = adapter.software;
  if (adapter.software) {
    const seconds = await epochRun('webgpu', { epochs: 3, dawn });
    out.epoch_s_webgpu = seconds[2];
    say(
      `webgpu          ${seconds[2]!.toFixed(2)} s per epoch on a SOFTWARE adapter (${probe.detail.split(':')[0]}): the CPU rasteriser, not a GPU; third epoch of 3 (the first compiles shaders)`,
    );
    say('train_ratio_gpu and the batch sweep need a hardware adapter: not measured');
    return;
  }
  const seconds = await epochRun('webgpu', { epochs: 8, dawn });
  out.epoch_s_webgpu = median(seconds.slice(2));
  say(
    `webgpu          ${(out.epoch_s_webgpu as number).toFixed(2)} s per epoch on ${probe.detail}, median of epochs 3–8`,
  );
  const torchGpu = torchEpochSeconds('cuda');
  if (torchGpu !== null) {
    out.epoch_s_torch_cuda = torchGpu;
    out.train_ratio_gpu = (out.epoch_s_webgpu as number) / torchGpu;
    say(
      `train_ratio_gpu ${(out.train_ratio_gpu as number).toFixed(2)} (webgpu / PyTorch CUDA ${torchGpu.toFixed(3)} s; goal ≤ 1.5)`,
    );
  } else say('PyTorch with CUDA is not available to /usr/bin/python3: no train_ratio_gpu');
  const sweep: Record<string, number> = {};
  for (const batchSize of [256, 1024, 4096]) {
    const run = await epochRun('webgpu', { epochs: 4, batchSize, dawn });
    sweep[batchSize] = median(run.slice(2));
    say(`  webgpu batch ${String(batchSize).padEnd(5)} ${sweep[batchSize]!.toFixed(3)} s per epoch`);
  }
  out.webgpu_batch_sweep = sweep;
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
  if (!options.args.includes('--predict-only')) await trainingFigures(out, option('train-rounds', 3));
  if (options.args.includes('--train-only')) return out;

  const folder = mkdtempSync(join(tmpdir(), 'lathe-bench-compute-'));
  try {
    say(
      `predict: ${thousands(predictRows)} rows × ${width} float columns, MLP 64-64, Parquet in; CSV out (predict_ratio) and Parquet out; ${predictRoundsCount} rounds`,
    );
    const predict = await predictRounds(join(folder, 'small'), predictRows, predictRoundsCount, [64, 64]);
    const ratios = (pick: (r: PredictRound) => number, from = predict) => from.rounds.map((r) => pick(r) / r.bare);
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
    say(
      `lathe predict   ${thousands(out.predict_rows_per_s as number)} rows/s after warm-up, median (Parquet in, CSV out)`,
    );
    say(
      `bare session    ${thousands(out.bare_rows_per_s as number)} rows/s, median (baseline: session.run loop on the same rows in memory)`,
    );
    say(
      `predict_ratio   ${(out.predict_ratio as number).toFixed(2)} (rounds ${csvRatios.map((r) => r.toFixed(2)).join(', ')}; goal ≥ 0.9); end to end ${(out.predict_ratio_end_to_end as number).toFixed(2)}; Parquet out ${(out.predict_ratio_parquet_out as number).toFixed(2)}`,
    );

    // The same measurement on a model whose scoring costs more than reading its rows (~140k multiply-adds a
    // row instead of ~5.5k): how close Lathe comes to ONNX Runtime when inference, not I/O, is the work.
    const heavyRows = Math.max(1, Math.round(predictRows / 5));
    say(
      `predict (heavy): ${thousands(heavyRows)} rows, MLP 256-256-256, same columns and formats; ${predictRoundsCount} rounds`,
    );
    const heavy = await predictRounds(join(folder, 'heavy'), heavyRows, predictRoundsCount, [256, 256, 256]);
    const heavyRatios = ratios((r) => r.csv.steady, heavy);
    out.predict_ratio_heavy = median(heavyRatios);
    out.predict_ratio_heavy_range = spread(heavyRatios);
    out.predict_ratio_heavy_parquet_out = median(ratios((r) => r.parquet.steady, heavy));
    out.bare_rows_per_s_heavy = median(heavy.rounds.map((r) => r.bare));
    say(
      `predict_ratio_heavy ${(out.predict_ratio_heavy as number).toFixed(2)} (rounds ${heavyRatios.map((r) => r.toFixed(2)).join(', ')}; bare ${thousands(out.bare_rows_per_s_heavy as number)} rows/s); Parquet out ${(out.predict_ratio_heavy_parquet_out as number).toFixed(2)}`,
    );
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
  return out;
}
