/**
 * `lathe model bench`: latency percentiles at batch 1 and throughput at batch 1, 64 and 1024 for one
 * ONNX Runtime session, on synthetic rows shaped like the model's inputs.
 */
import * as ort from 'onnxruntime-node';
import type { BenchResult, FeatureSpec, TensorSpec } from '../../../shared/contract/index.js';

/** Makes a feed of `rows` rows for every input: values drawn from a fixed-seed generator, categories from training. */
export function syntheticFeeds(
  inputs: TensorSpec[],
  rows: number,
  featureSpecs: FeatureSpec[] | null,
  seed = 1,
): Record<string, ort.Tensor> {
  let state = seed >>> 0;
  const random = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const feeds: Record<string, ort.Tensor> = {};
  for (const input of inputs) {
    const dims = input.shape.map((d, i) => (i === 0 ? rows : typeof d === 'number' ? d : 1));
    if (dims.length === 0) dims.push(rows);
    const size = dims.reduce((p, d) => p * d, 1);
    const categories = featureSpecs?.find((f) => f.name === input.name)?.categories ?? ['a', 'b', 'c'];
    switch (input.type) {
      case 'string':
        feeds[input.name] = new ort.Tensor(
          'string',
          Array.from({ length: size }, () => categories[Math.floor(random() * categories.length)] ?? ''),
          dims,
        );
        break;
      case 'int64':
        feeds[input.name] = new ort.Tensor(
          'int64',
          BigInt64Array.from({ length: size }, () => BigInt(Math.floor(random() * 10))),
          dims,
        );
        break;
      case 'int32':
        feeds[input.name] = new ort.Tensor(
          'int32',
          Int32Array.from({ length: size }, () => Math.floor(random() * 10)),
          dims,
        );
        break;
      case 'float64':
        feeds[input.name] = new ort.Tensor(
          'float64',
          Float64Array.from({ length: size }, () => random() * 2 - 1),
          dims,
        );
        break;
      case 'bool':
        feeds[input.name] = new ort.Tensor(
          'bool',
          Uint8Array.from({ length: size }, () => (random() < 0.5 ? 1 : 0)),
          dims,
        );
        break;
      default:
        feeds[input.name] = new ort.Tensor(
          'float32',
          Float32Array.from({ length: size }, () => random() * 2 - 1),
          dims,
        );
    }
  }
  return feeds;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}

/** Latency percentiles at batch 1 (after a warm-up), within about twice `budgetMs`. */
export async function measureLatency(
  session: ort.InferenceSession,
  inputs: TensorSpec[],
  featureSpecs: FeatureSpec[] | null,
  options: { latencyRuns?: number; budgetMs?: number } = {},
): Promise<{ p50: number; p95: number; p99: number }> {
  const latencyRuns = options.latencyRuns ?? 500;
  const budgetMs = options.budgetMs ?? 1500;
  const one = syntheticFeeds(inputs, 1, featureSpecs);
  for (let i = 0; i < 20; i++) await session.run(one);
  const latencies: number[] = [];
  const latencyStart = performance.now();
  for (let i = 0; i < latencyRuns && performance.now() - latencyStart < budgetMs * 2; i++) {
    const t0 = performance.now();
    await session.run(one);
    latencies.push(performance.now() - t0);
  }
  latencies.sort((a, b) => a - b);
  return { p50: percentile(latencies, 50), p95: percentile(latencies, 95), p99: percentile(latencies, 99) };
}

/** Runs the benchmark. `budgetMs` bounds each throughput measurement (a slow model still finishes). */
export async function benchSession(
  session: ort.InferenceSession,
  inputs: TensorSpec[],
  featureSpecs: FeatureSpec[] | null,
  options: { provider?: string; latencyRuns?: number; budgetMs?: number } = {},
): Promise<BenchResult> {
  const budgetMs = options.budgetMs ?? 1500;
  const latencyMs = await measureLatency(session, inputs, featureSpecs, options);
  const throughput = async (batch: number): Promise<number> => {
    const feeds = syntheticFeeds(inputs, batch, featureSpecs, batch);
    await session.run(feeds);
    let rows = 0;
    const t0 = performance.now();
    let elapsed = 0;
    do {
      await session.run(feeds);
      rows += batch;
      elapsed = performance.now() - t0;
    } while (elapsed < budgetMs && rows < batch * 100_000);
    return rows / (elapsed / 1000);
  };
  return {
    provider: options.provider ?? 'cpu',
    latencyMs,
    throughputRowsPerSecond: {
      batch1: await throughput(1),
      batch64: await throughput(64),
      batch1024: await throughput(1024),
    },
    measuredAt: Date.now(),
  };
}
