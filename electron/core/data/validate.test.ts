import { describe, expect, it } from 'vitest';
import { ValidationError, createValidator, type ValidationProblem } from './validate.js';
import type { TableFormat } from './engine.js';

/** Feeds `bytes` in chunks of `size` (1 byte stresses every boundary). */
function check(format: TableFormat, bytes: Buffer | string, size = 1) {
  const data = typeof bytes === 'string' ? Buffer.from(bytes) : bytes;
  const validator = createValidator(format);
  for (let i = 0; i < data.length; i += size) validator.feed(data.subarray(i, i + size));
  return validator.finish();
}

function problem(format: TableFormat, bytes: Buffer | string, size = 1): ValidationProblem {
  try {
    check(format, bytes, size);
  } catch (error) {
    if (error instanceof ValidationError) return error.problem;
    throw error;
  }
  throw new Error('no problem found');
}

describe('CSV/TSV validation, fed at every chunk size', () => {
  for (const size of [1, 2, 3, 7, 1 << 20]) {
    it(`accepts quoted fields, doubled quotes, newlines in quotes, CRLF, a BOM and multi-byte text (chunks of ${size})`, () => {
      const text = '\ufeffname,"no""te",city\r\n"Zoë, Jr.","multi\nline ""quoted""",Zürich\r\n日本,x,\r\n';
      expect(check('csv', text, size)).toEqual({ records: 2, header: ['name', 'no"te', 'city'] });
    });
    it(`finds a split UTF-8 error at its line and column (chunks of ${size})`, () => {
      const bytes = Buffer.concat([Buffer.from('a,b\nzoë,'), Buffer.from([0xc3, 0x28]), Buffer.from('\n')]);
      expect(problem('csv', bytes, size)).toMatchObject({ line: 2, column: 5 });
    });
  }

  it('accepts a last line without a newline and skips blank lines', () => {
    expect(check('csv', 'a,b\n\n1,2\n\n3,4')).toEqual({ records: 2, header: ['a', 'b'] });
  });
  it('checks TSV with tabs (commas are data)', () => {
    expect(check('tsv', 'a\tb\n1,5\t2\n')).toEqual({ records: 1, header: ['a', 'b'] });
    expect(problem('tsv', 'a\tb\n1\t2\t3\n')).toMatchObject({ line: 2, column: 5 });
  });
  it('reports a stray quote inside an unquoted field', () => {
    expect(problem('csv', 'size,label\n5,27" screen\n')).toMatchObject({ line: 2, column: 5, field: 'label' });
  });
  it('reports text after a closing quote', () => {
    expect(problem('csv', 'a,b\n"x"y,1\n')).toMatchObject({ line: 2, column: 4, field: 'a' });
  });
  it('reports a header field with no name', () => {
    expect(problem('csv', 'a,,c\n1,2,3\n')).toMatchObject({ line: 1, column: 2 });
  });
  it('reports a NUL byte after the first 8,000 bytes at its line', () => {
    const text = 'a,b\n' + '1,2\n'.repeat(3000);
    expect(problem('csv', Buffer.concat([Buffer.from(text), Buffer.from([0]), Buffer.from('\n')]), 4096)).toMatchObject(
      { line: 3002, column: 1 },
    );
  });
  it('reports a header only and an empty file', () => {
    expect(problem('csv', 'a,b\n').message).toContain('but no rows');
    expect(problem('csv', '').message).toBe('the file is empty');
    expect(problem('csv', '\n\n').message).toContain('no header');
  });
});

describe('JSON Lines and Parquet validation', () => {
  it('accepts objects split across chunks and reports the line and column of bad JSON', () => {
    expect(check('jsonl', '{"a": 1, "b": "ü"}\n\n{"a": 2}\n', 3)).toEqual({ records: 2, header: ['a', 'b'] });
    expect(problem('jsonl', '{"a": 1}\n[1, 2]\n')).toMatchObject({ line: 2, column: 1 });
    // V8 gives a position for some syntax errors, and then Lathe names the column.
    expect(problem('jsonl', '{"a": 1}\n{"a": 2,,}\n')).toMatchObject({ line: 2, column: 9 });
    expect(problem('jsonl', '{"a": 1}\n{"a": }\n')).toMatchObject({
      line: 2,
      message: expect.stringContaining('line 2') as unknown,
    });
  });
  it('checks the Parquet magic bytes and footer length', () => {
    const footer = Buffer.alloc(4);
    footer.writeUInt32LE(4);
    const good = Buffer.concat([Buffer.from('PAR1'), Buffer.alloc(20), footer, Buffer.from('PAR1')]);
    expect(check('parquet', good, 5).records).toBe(-1);
    expect(problem('parquet', good.subarray(0, 20)).message).toContain('truncated Parquet file');
    expect(problem('parquet', 'a,b\n1,2\n').message).toContain('not a Parquet file');
    footer.writeUInt32LE(1000);
    expect(
      problem('parquet', Buffer.concat([Buffer.from('PAR1'), Buffer.alloc(20), footer, Buffer.from('PAR1')])).message,
    ).toContain('footer claims 1000 bytes');
  });
});

describe('ragged CSV messages name the line and both field counts', () => {
  it('too many fields: counts them all, points at the first extra one', () => {
    expect(problem('csv', 'a,b\n1,2\n3,4,5,6\n')).toEqual({
      message: 'line 3 has 4 fields, the header has 2: an extra field starts at column 5',
      line: 3,
      column: 5,
    });
  });
  it('too few fields: names the missing one', () => {
    expect(problem('csv', 'a,b,c\n1,2\n').message).toBe(
      'line 2 has 2 fields, the header has 3: field "c" is missing at column 4',
    );
  });
});
