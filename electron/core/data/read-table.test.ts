import { mkdtempSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeTable, readColumns, scanBatches, writeTable } from './read-table.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'lathe-read-table-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe('read-table', () => {
  it('describes a CSV with every column type', async () => {
    const rows = ['id,price,ok,color,when,note'];
    for (let i = 0; i < 100; i++)
      rows.push(
        `${i},${(i * 1.5).toFixed(2)},${i % 2 === 0},${['red', 'green', 'blue'][i % 3]},2024-01-${String((i % 28) + 1).padStart(2, '0')},note number ${i} is unique`,
      );
    const path = file('types.csv', rows.join('\n') + '\n');
    const description = await describeTable(path);
    expect(description.format).toBe('csv');
    expect(description.rows).toBe(100);
    expect(description.columns).toEqual([
      { name: 'id', type: 'integer' },
      { name: 'price', type: 'float' },
      { name: 'ok', type: 'boolean' },
      { name: 'color', type: 'categorical' },
      { name: 'when', type: 'datetime' },
      { name: 'note', type: 'text' },
    ]);
  });

  it('reads columns as Float64Array with NaN for missing and strings with null', async () => {
    const path = file('missing.csv', 'x,y\n1,a\n,b\n3,\n');
    const columns = await readColumns(path, ['x', 'y']);
    const x = columns.get('x') as Float64Array;
    expect(x).toBeInstanceOf(Float64Array);
    expect(Array.from(x)).toEqual([1, Number.NaN, 3]);
    expect(columns.get('y')).toEqual(['a', 'b', null]);
    const page = await readColumns(path, ['x'], { offset: 1, limit: 1 });
    expect(Array.from(page.get('x') as Float64Array)).toEqual([Number.NaN]);
  });

  it('reads the same values whether the expected row count is right, too small or too large', async () => {
    const lines = ['x'];
    for (let i = 0; i < 5000; i++) lines.push(i % 7 === 0 ? '' : String(i / 4));
    const path = file('expected.csv', lines.join('\n') + '\n');
    const plain = Array.from((await readColumns(path, ['x'])).get('x') as Float64Array);
    expect(plain).toHaveLength(5000);
    for (const expectedRows of [5000, 10, 9000]) {
      const read = (await readColumns(path, ['x'], { expectedRows })).get('x') as Float64Array;
      expect(read.length).toBe(5000);
      expect(Array.from(read)).toEqual(plain);
    }
  });

  it('takes the format explicitly for files without an extension', async () => {
    const csv = file('plain.csv', 'a\tb\n1\t2\n');
    const noExtension = join(dir, 'object');
    copyFileSync(csv, noExtension);
    await expect(describeTable(noExtension)).rejects.toThrow(/cannot tell the format/);
    const description = await describeTable(noExtension, { format: 'tsv' });
    expect(description.columns.map((c) => c.name)).toEqual(['a', 'b']);
  });

  it('names an unknown column and the file', async () => {
    const path = file('known.csv', 'a\n1\n');
    await expect(readColumns(path, ['nope'])).rejects.toThrow(/known\.csv: no column "nope"/);
  });

  it('re-sniffs types when a late value does not fit the sampled type', async () => {
    const lines = ['v'];
    for (let i = 0; i < 30000; i++) lines.push(String(i));
    lines.push('not-a-number');
    const path = file('late.csv', lines.join('\n') + '\n');
    const description = await describeTable(path);
    expect(description.columns[0]!.type).toBe('text');
    const columns = await readColumns(path, ['v'], { offset: 30000 });
    expect(columns.get('v')).toEqual(['not-a-number']);
  });

  it('streams batches covering every row once, in order', async () => {
    const lines = ['i,s'];
    for (let i = 0; i < 5000; i++) lines.push(`${i},s${i}`);
    const path = file('batches.csv', lines.join('\n') + '\n');
    const seen: number[] = [];
    const offsets: number[] = [];
    for await (const batch of scanBatches(path, ['i', 's'], 1500)) {
      offsets.push(batch.offset);
      const i = batch.columns.get('i') as Float64Array;
      const s = batch.columns.get('s') as string[];
      expect(s.length).toBe(i.length);
      expect(s[0]).toBe(`s${i[0]}`);
      seen.push(...i);
    }
    expect(offsets).toEqual([0, 1500, 3000, 4500]);
    expect(seen).toEqual(Array.from({ length: 5000 }, (_, k) => k));
  });

  it('streams numeric columns with missing values across chunk and batch boundaries, as readColumns reads them', async () => {
    const rows = 70_000;
    const x = Float64Array.from({ length: rows }, (_, k) =>
      k % 7 === 3 || k % 4099 === 0 ? Number.NaN : k * 0.25 - 100,
    );
    const path = join(dir, 'missing.parquet');
    await writeTable(path, [{ name: 'x', values: x }]);
    const whole = (await readColumns(path, ['x'])).get('x') as Float64Array;
    expect(Array.from(whole)).toEqual(Array.from(x));
    for (const batchRows of [3000, 65_536, 1_000_000]) {
      const seen: number[] = [];
      for await (const batch of scanBatches(path, ['x'], batchRows))
        seen.push(...(batch.columns.get('x') as Float64Array));
      expect(seen).toEqual(Array.from(x));
      // Reusing buffers: the same values when each batch is copied before the next, from one buffer throughout.
      const copied: number[] = [];
      const buffers = new Set<ArrayBufferLike>();
      for await (const batch of scanBatches(path, ['x'], batchRows, { reuseBuffers: true })) {
        const values = batch.columns.get('x') as Float64Array;
        copied.push(...values);
        buffers.add(values.buffer);
      }
      expect(copied).toEqual(Array.from(x));
      expect(buffers.size).toBe(1);
    }
  });

  it('writes CSV and Parquet that read back the same', async () => {
    const values = new Float64Array([1.5, Number.NaN, -2]);
    const ids = new Float64Array([1, 2, 3]);
    const labels = ['a', null, 'c,d "q"'];
    for (const name of ['out.csv', 'out.parquet']) {
      const path = join(dir, name);
      await writeTable(path, [
        { name: 'id', values: ids },
        { name: 'value', values },
        { name: 'label', values: labels },
      ]);
      const back = await readColumns(path, ['id', 'value', 'label']);
      expect(Array.from(back.get('id') as Float64Array)).toEqual([1, 2, 3]);
      expect(Array.from(back.get('value') as Float64Array)).toEqual([1.5, Number.NaN, -2]);
      expect(back.get('label')).toEqual(['a', null, 'c,d "q"']);
      const description = await describeTable(path);
      expect(description.columns[0]).toEqual({ name: 'id', type: 'integer' });
    }
  });
});

describe('missing values', () => {
  it('reads pandas-style missing markers (NA, N/A, null, NaN …) as missing, keeping the column numeric', async () => {
    const path = join(dir, 'markers.csv');
    writeFileSync(path, 'x,label\n1.5,a\nNA,b\nN/A,NA\nnull,c\nNaN,d\n4,e\n');
    const description = await describeTable(path);
    expect(description.columns).toEqual([
      { name: 'x', type: 'float' },
      { name: 'label', type: 'categorical' },
    ]);
    const columns = await readColumns(path, ['x', 'label']);
    expect(Array.from(columns.get('x') as Float64Array)).toEqual([
      1.5,
      Number.NaN,
      Number.NaN,
      Number.NaN,
      Number.NaN,
      4,
    ]);
    expect(columns.get('label')).toEqual(['a', 'b', null, 'c', 'd', 'e']);
  });
});
