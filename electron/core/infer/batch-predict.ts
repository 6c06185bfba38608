/**
 * Scores a whole table with one model: streams the needed columns in batches, runs ONNX Runtime on
 * each and writes the output columns to CSV or Parquet. Runs in the predict worker.
 */
import { createWriteStream, renameSync, rmSync, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { describeTable, scanBatches, writeTable } from '../data/read-table.js';
import { LatheError } from '../../../shared/errors.js';
import { buildFeeds, openSession, outputColumns, planFeeds } from './scoring.js';
import type { PredictRequest } from './predict-protocol.js';

/** Runs one batch prediction. */
export async function runBatchPredict(
  request: PredictRequest,
  hooks: { onStart?: (totalRows: number) => void; onProgress?: (rows: number) => void } = {},
): Promise<{ rows: number; columns: string[]; scoreSeconds: number }> {
  if (!/\.(csv|parquet)$/i.test(request.out)) throw new LatheError('BAD_INPUT', `--out must end in .csv or .parquet: ${request.out}`, { file: request.out });
  const description = await describeTable(request.dataPath, { format: request.format });
  const kinds = new Map(description.columns.map((c) => [c.name, c.type === 'integer' || c.type === 'float' || c.type === 'boolean' ? ('numeric' as const) : ('text' as const)]));
  const plan = planFeeds({ inputs: request.inputs, outputs: request.outputs, features: request.features }, kinds, request.featuresOverride);
  const needed = plan.mode === 'tensor' ? plan.columns : plan.bindings.map((b) => b.column);
  hooks.onStart?.(description.rows);
  const session = await openSession(request.modelPath, request.providers);
  // CSV is streamed batch by batch while the next batch is read and scored; Parquet is written at the end.
  const csv = /\.csv$/i.test(request.out) ? new CsvStream(request.out) : null;
  const parts: { name: string; values: Float64Array | string[] }[][] = [];
  let columnNames: string[] = [];
  let rows = 0;
  let scoreSeconds = 0;
  try {
    // One batch is scored while the next is read: ONNX Runtime and DuckDB both work off the JS thread.
    let pending: Promise<void> = Promise.resolve();
    for await (const batch of scanBatches(request.dataPath, [...new Set(needed)], request.batchRows, { format: request.format })) {
      const n = batch.columns.values().next().value?.length ?? 0;
      if (n === 0) continue;
      const feeds = buildFeeds(plan, batch.columns, n);
      await pending;
      const t0 = performance.now();
      pending = session.run(feeds).then(async (results) => {
        scoreSeconds += (performance.now() - t0) / 1000;
        const part = outputColumns(results, session.outputNames, n);
        columnNames = part.map((c) => c.name);
        if (csv) await csv.write(part, n);
        else parts.push(part);
        rows += n;
        hooks.onProgress?.(rows);
      });
      // Marked handled now; the rejection still surfaces at the next `await pending`.
      pending.catch(() => undefined);
    }
    await pending;
    if (rows === 0) throw new LatheError('BAD_INPUT', `${request.dataPath} has no rows to score`, { file: request.dataPath });
    if (csv) await csv.finish();
    else await writeTable(request.out, concatParts(parts, rows));
  } catch (error) {
    csv?.abort();
    throw error;
  } finally {
    await session.release();
  }
  return { rows, columns: columnNames, scoreSeconds };
}

/** Writes CSV to a temp file beside the target and renames it into place when complete. */
class CsvStream {
  private readonly temp: string;
  private readonly stream: WriteStream;
  private headerWritten = false;

  constructor(private readonly target: string) {
    this.temp = `${target}.lathe-${process.pid}-${Date.now()}.tmp`;
    this.stream = createWriteStream(this.temp);
  }

  async write(columns: { name: string; values: Float64Array | string[] }[], rows: number): Promise<void> {
    let text = '';
    if (!this.headerWritten) {
      text += columns.map((c) => csvCell(c.name)).join(',') + '\n';
      this.headerWritten = true;
    }
    const lines = new Array<string>(rows);
    for (let i = 0; i < rows; i++) {
      let line = '';
      for (let c = 0; c < columns.length; c++) {
        const v = columns[c]!.values[i]!;
        if (c > 0) line += ',';
        line += typeof v === 'number' ? (Number.isNaN(v) ? '' : String(v)) : csvCell(v);
      }
      lines[i] = line;
    }
    text += lines.join('\n') + '\n';
    if (!this.stream.write(text)) await once(this.stream, 'drain');
  }

  async finish(): Promise<void> {
    this.stream.end();
    await once(this.stream, 'finish');
    renameSync(this.temp, this.target);
  }

  abort(): void {
    this.stream.destroy();
    rmSync(this.temp, { force: true });
  }
}

function csvCell(value: string): string {
  return /[",\n\r]|^\s|\s$/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

function concatParts(parts: { name: string; values: Float64Array | string[] }[][], rows: number): { name: string; values: Float64Array | (string | null)[] }[] {
  const first = parts[0];
  if (!first) return [];
  return first.map((column, k) => {
    if (column.values instanceof Float64Array) {
      const values = new Float64Array(rows);
      let at = 0;
      for (const part of parts) {
        values.set(part[k]!.values as Float64Array, at);
        at += part[k]!.values.length;
      }
      return { name: column.name, values };
    }
    return { name: column.name, values: parts.flatMap((part) => part[k]!.values as string[]) };
  });
}
