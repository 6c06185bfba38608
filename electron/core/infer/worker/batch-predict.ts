/**
 * Scores a whole table with one model: streams the needed columns in batches, runs ONNX Runtime on
 * each and writes the output columns to CSV or Parquet (DuckDB's writer, see output-sink.ts). Runs in the predict worker.
 */
import { availableParallelism } from 'node:os';
import { describeTable, scanBatches } from '../../data/read-table.js';
import { LatheError } from '../../../../shared/errors.js';
import { buildFeeds, planFeeds } from '../scoring.js';
import { RemoteSession } from './score-session.js';
import { batchColumns, OutputSink, passThroughColumns } from './output-sink.js';
import { MetricsAccumulator } from './scoring-metrics.js';
import { SlicedMetrics } from './sliced-metrics.js';
import type { PredictDone, PredictRequest } from '../predict-protocol.js';

/** Runs one batch prediction. */
export async function runBatchPredict(
  request: PredictRequest,
  hooks: {
    onStart?: (totalRows: number) => void;
    onProgress?: (rows: number) => void;
    /** Awaited before each batch; throws once the job was cancelled. */
    checkCancel?: () => Promise<void>;
  } = {},
): Promise<PredictDone> {
  if (!/\.(csv|parquet)$/i.test(request.out))
    throw new LatheError('BAD_INPUT', `--out must end in .csv or .parquet: ${request.out}`, { file: request.out });
  // ONNX Runtime runs in the score worker, so this thread keeps reading and writing while a batch is scored.
  // The model loads there while the table is described here. ONNX Runtime gets every core, with its pool
  // threads sleeping rather than spinning between operators so that reading and writing get the CPU when
  // they need it. Measured on 2 cores (Parquet in and out): an MLP 256-256-256 went from 0.43 of a bare
  // session.run loop (1 thread, spinning) to 0.70; the small 64-64 MLP, bound by reading, is unchanged.
  const opening = RemoteSession.open(request.modelPath, request.providers, {
    intraOpThreads: availableParallelism(),
    spinning: false,
  });
  let plan: ReturnType<typeof planFeeds>;
  let totalRows: number;
  let labelColumn: string | null = null;
  const keep = request.keep ?? [];
  try {
    const description = await describeTable(request.dataPath, { format: request.format });
    totalRows = description.rows;
    const kinds = new Map(
      description.columns.map((c) => [
        c.name,
        c.type === 'integer' || c.type === 'float' || c.type === 'boolean' ? ('numeric' as const) : ('text' as const),
      ]),
    );
    plan = planFeeds(
      { inputs: request.inputs, outputs: request.outputs, features: request.features },
      kinds,
      request.featuresOverride,
    );
    const missing = keep.filter((name) => !kinds.has(name));
    if (missing.length > 0)
      throw new LatheError(
        'BAD_INPUT',
        `Cannot keep ${missing.join(', ')}: not a column of ${request.dataLabel ?? request.dataPath}`,
        {
          file: request.dataPath,
          column: missing[0],
        },
      );
    if (request.label && kinds.has(request.label.column)) labelColumn = request.label.column;
    const unknownSlices = (request.sliceBy ?? []).filter((name) => !kinds.has(name));
    if (unknownSlices.length > 0)
      throw new LatheError(
        'BAD_INPUT',
        `Cannot slice by ${unknownSlices.join(', ')}: not a column of ${request.dataLabel ?? request.dataPath}`,
        {
          file: request.dataPath,
          column: unknownSlices[0],
        },
      );
  } catch (error) {
    void opening.then((session) => session.release()).catch(() => undefined);
    throw error;
  }
  const needed = plan.mode === 'tensor' ? plan.columns : plan.bindings.map((b) => b.column);
  // Kept and label columns are extra projected columns, read as whole vectors with the features.
  const sliceBy = labelColumn ? (request.sliceBy ?? []) : [];
  const projected = [...new Set([...needed, ...keep, ...sliceBy, ...(labelColumn ? [labelColumn] : [])])];
  const metrics =
    labelColumn && request.label
      ? new MetricsAccumulator({ task: request.label.task, classes: request.classes ?? null })
      : null;
  const sliced = sliceBy.map(
    (column) => new SlicedMetrics(column, { task: request.label!.task, classes: request.classes ?? null }),
  );
  hooks.onStart?.(totalRows);
  const session = await opening;
  // Outputs go into DuckDB as whole buffers (CSV written batch by batch in the background, Parquet at the end).
  const sink = new OutputSink(request.out);
  let rows = 0;
  let scoreSeconds = 0;
  try {
    // One batch is scored (in the score worker) while the next is read here.
    let pending: Promise<void> = Promise.resolve();
    // Buffers are reused batch to batch: buildFeeds copies each batch before the next is read.
    for await (const batch of scanBatches(request.dataPath, projected, request.batchRows, {
      format: request.format,
      reuseBuffers: true,
    })) {
      // A cancelled job stops here, between batches; the sink then removes what was written.
      await hooks.checkCancel?.();
      const n = batch.columns.values().next().value?.length ?? 0;
      if (n === 0) continue;
      const feeds = buildFeeds(plan, batch.columns, n);
      // Copied now: the scan refills its buffers for the next batch while this one is scored.
      const kept = passThroughColumns(batch.columns, keep, n);
      const truth = labelColumn ? copyOf(batch.columns.get(labelColumn)!, n) : null;
      const sliceValues = sliced.map((slice) => copyOf(batch.columns.get(slice.column)!, n));
      await pending;
      const t0 = performance.now();
      pending = session.run(feeds).then(async (results) => {
        scoreSeconds += (performance.now() - t0) / 1000;
        if (metrics && truth) metrics.add(truth, results, n);
        if (truth) sliced.forEach((slice, index) => slice.add(sliceValues[index]!, truth, results, n));
        await sink.write([...kept, ...batchColumns(results, session.outputNames, n, request.classes)], n);
        rows += n;
        hooks.onProgress?.(rows);
      });
      // Marked handled now; the rejection still surfaces at the next `await pending`.
      pending.catch(() => undefined);
    }
    await pending;
    if (rows === 0)
      throw new LatheError('BAD_INPUT', `${request.dataPath} has no rows to score`, { file: request.dataPath });
    await sink.finish();
  } catch (error) {
    await sink.abort();
    throw error;
  } finally {
    await session.release();
  }
  return {
    rows,
    columns: sink.names,
    scoreSeconds,
    evaluation: metrics?.result() ?? null,
    ...(sliced.length ? { slices: sliced.map((slice) => ({ column: slice.column, ...slice.result() })) } : {}),
  };
}

function copyOf(values: Float64Array | (string | null)[], rows: number): Float64Array | (string | null)[] {
  return values.slice(0, rows);
}
