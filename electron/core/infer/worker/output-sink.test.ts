import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';
import { readColumns } from '../../data/read-table.js';
import { batchColumns, OutputSink } from './output-sink.js';

const dir = mkdtempSync(join(tmpdir(), 'lathe-output-sink-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Outputs shaped as a classifier's: int64 label, float32 probabilities [n, 2], a string tag. */
function results(start: number, rows: number): ort.InferenceSession.OnnxValueMapType {
  const label = BigInt64Array.from({ length: rows }, (_, i) => BigInt((start + i) % 3));
  const probabilities = Float32Array.from({ length: rows * 2 }, (_, k) =>
    k % 2 === 0 ? (start + (k >> 1)) / 7 : 1 - (start + (k >> 1)) / 7,
  );
  if (start === 0) probabilities[2] = Number.NaN;
  const tag = Array.from({ length: rows }, (_, i) => (i === 1 ? 'a, "quoted"' : `t${start + i}`));
  return {
    label: new ort.Tensor('int64', label, [rows]),
    probabilities: new ort.Tensor('float32', probabilities, [rows, 2]),
    tag: new ort.Tensor('string', tag, [rows]),
  };
}

/** Writes three batches (3000, 5000 and 7 rows) to `out`; returns the sink and the row count. */
async function writeScores(out: string): Promise<{ sink: OutputSink; start: number }> {
  const sink = new OutputSink(out);
  let start = 0;
  for (const rows of [3000, 5000, 7]) {
    await sink.write(batchColumns(results(start, rows), ['label', 'probabilities', 'tag'], rows), rows);
    start += rows;
  }
  await sink.finish();
  return { sink, start };
}

describe('OutputSink', () => {
  for (const ext of ['csv', 'parquet']) {
    it(`writes batches to ${ext} through DuckDB with the values ONNX Runtime gave`, async () => {
      const out = join(dir, `scores.${ext}`);
      const { sink, start } = await writeScores(out);
      expect(sink.names).toEqual(['label', 'probabilities_0', 'probabilities_1', 'tag']);
      const back = await readColumns(out, sink.names);
      const total = start;
      const f = new Float32Array(1);
      const float32 = (v: number) => ((f[0] = v), f[0]);
      expect(Array.from(back.get('label') as Float64Array)).toEqual(Array.from({ length: total }, (_, i) => i % 3));
      const p0 = back.get('probabilities_0') as Float64Array;
      expect(Number.isNaN(p0[1]!)).toBe(true);
      // Float32 outputs stay float32: exact in Parquet; in CSV the shortest text that reads back as the same float32.
      expect(ext === 'csv' ? float32(p0[5000]!) : p0[5000]).toBe(float32(5000 / 7));
      const last = (back.get('probabilities_1') as Float64Array)[total - 1]!;
      expect(ext === 'csv' ? float32(last) : last).toBe(float32(1 - (total - 1) / 7));
      expect((back.get('tag') as string[]).slice(0, 3)).toEqual(['t0', 'a, "quoted"', 't2']);
      expect((back.get('tag') as string[])[total - 1]).toBe(`t${total - 1}`);
      expect(readdirSync(dir).filter((name) => name.includes('.lathe-'))).toEqual([]);
    });
  }

  it('writes CSV as text: one header line, floats in their shortest float32 form', async () => {
    const out = join(dir, 'text.csv');
    await writeScores(out);
    const lines = readFileSync(out, 'utf8').split('\n');
    expect(lines[5001]).toBe('2,714.2857,-713.2857,t5000');
    expect(lines.filter((line) => line.startsWith('label,'))).toHaveLength(1);
  });

  it('leaves neither the output nor temp files behind when aborted', async () => {
    const out = join(dir, 'aborted.csv');
    const sink = new OutputSink(out);
    await sink.write(batchColumns(results(0, 100), ['label', 'probabilities', 'tag'], 100), 100);
    await sink.abort();
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(dir).filter((name) => name.startsWith('aborted'))).toEqual([]);
  });
});
