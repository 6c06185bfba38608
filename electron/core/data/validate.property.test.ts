/**
 * Property-based tests of the CSV/TSV/JSON Lines validator (the hardening probe's ~1,400 fuzzed inputs,
 * kept as a bounded suite). Three properties:
 * - chunking never changes the verdict: any bytes, cut anywhere, give the same summary or the same problem
 *   (for binary input: both refuse);
 * - files written by the rules (RFC 4180 quoting, JSON objects per line) are accepted with their true row
 *   count and header, and breaking one quote is refused at the right line;
 * - differential: every generated file the validator accepts reads in DuckDB (the reader ingest uses) with
 *   the same number of rows and the same values, so "passed validation" means "DuckDB reads it as written".
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { ValidationError, createValidator, type ValidationProblem, type ValidationSummary } from './validate.js';
import type { TableFormat } from './engine.js';

type Verdict = { ok: ValidationSummary } | { problem: ValidationProblem };

/** Feeds `bytes` cut at `cuts` (sorted offsets) and returns the summary or the problem. */
function verdict(format: TableFormat, bytes: Buffer, cuts: number[] = []): Verdict {
  const validator = createValidator(format);
  try {
    let start = 0;
    for (const cut of [...cuts, bytes.length]) {
      if (cut > start) validator.feed(bytes.subarray(start, cut));
      start = Math.max(start, cut);
    }
    return { ok: validator.finish() };
  } catch (error) {
    if (error instanceof ValidationError) return { problem: error.problem };
    throw error;
  }
}

/** Bytes that look like delimited text: mostly the characters that matter to the state machine. */
const textish = fc
  .array(
    fc.oneof(
      fc.constantFrom(',', '\t', '"', '\n', '\r\n', '\r', ' ', 'a', 'b', '1', 'é', '日', '😀', '\ufeff'),
      fc.string({ maxLength: 4 }),
    ),
    { maxLength: 60 },
  )
  .map((parts) => Buffer.from(parts.join('')));

/** Raw bytes, including invalid UTF-8 and NULs. */
const rawBytes = fc.uint8Array({ maxLength: 80 }).map((array) => Buffer.from(array));

const cutsFor = (length: number) =>
  fc.array(fc.integer({ min: 0, max: length }), { maxLength: 6 }).map((cuts) => [...cuts].sort((a, b) => a - b));

describe('chunking never changes the verdict', () => {
  for (const format of ['csv', 'tsv', 'jsonl'] as const) {
    it(`${format}: the same summary or problem, wherever the chunks are cut`, () => {
      fc.assert(
        fc.property(
          fc.oneof(textish, rawBytes).chain((bytes) => fc.tuple(fc.constant(bytes), cutsFor(bytes.length))),
          ([bytes, cuts]) => {
            const whole = verdict(format, bytes);
            const cut = verdict(format, bytes, cuts);
            // With a NUL byte both refuse, but which problem is named first may differ: the binary check
            // looks ahead over the first 8,000 bytes, which a 1-byte chunk does not hold (the ingest worker
            // feeds 64 KiB chunks, so it always does). Without one, the verdicts are identical.
            const binary = bytes.includes(0);
            const comparable = (result: Verdict) => (binary ? Object.keys(result) : result);
            expect(comparable(cut)).toEqual(comparable(whole));
            expect(binary && !('problem' in whole)).toBe(false);
          },
        ),
        { numRuns: 400 },
      );
    });
  }
});

/** A header name: non-empty after trimming, no control characters (names are trimmed by the validator). */
const columnName = fc
  .string({ minLength: 1, maxLength: 8, unit: 'grapheme' })
  .map((name) => name.replace(/[\u0000-\u001f\u007f"]/g, 'x').trim()) // eslint-disable-line no-control-regex
  .filter((name) => name !== '');

/** A field value: anything printable, including delimiters, quotes and newlines (they get quoted). */
const fieldValue = fc.oneof(
  fc
    .string({ maxLength: 10, unit: 'grapheme' })
    .map((value) => value.replace(/[\u0000\u000b-\u000c\u000e-\u001f]/g, '')), // eslint-disable-line no-control-regex
  fc.constantFrom('', ',', '"', 'a,b', 'say "hi"', 'two\nlines', 'tab\there', '  padded  ', '日本語', '😀'),
);

/** A table: unique header names and 1..12 rows of the header's width. */
const table = fc.uniqueArray(columnName, { minLength: 1, maxLength: 5 }).chain((header) =>
  fc.record({
    header: fc.constant(header),
    rows: fc.array(fc.array(fieldValue, { minLength: header.length, maxLength: header.length }), {
      minLength: 1,
      maxLength: 12,
    }),
    crlf: fc.boolean(),
    quoteAll: fc.boolean(),
    trailingNewline: fc.boolean(),
  }),
);

type Table = { header: string[]; rows: string[][]; crlf: boolean; quoteAll: boolean; trailingNewline: boolean };

/** Writes a table by RFC 4180's rules (quote when needed, or always; double inner quotes). */
function writeDelimited(t: Table, delimiter: string): string {
  const newline = t.crlf ? '\r\n' : '\n';
  const cell = (value: string) =>
    t.quoteAll || /[",\t\r\n]/.test(value) || value === '' || value.trim() !== value
      ? `"${value.replace(/"/g, '""')}"`
      : value;
  const lines = [t.header, ...t.rows].map((row) => row.map(cell).join(delimiter));
  return lines.join(newline) + (t.trailingNewline ? newline : '');
}

/** What a row of only empty fields looks like to DuckDB and to the validator ('""' is still a field). */
describe('well-formed files are accepted with their true shape', () => {
  it('CSV and TSV written by the rules', () => {
    fc.assert(
      fc.property(table, fc.constantFrom(',', '\t'), (t, delimiter) => {
        const text = writeDelimited(t, delimiter);
        const result = verdict(delimiter === ',' ? 'csv' : 'tsv', Buffer.from(text));
        expect(result).toEqual({ ok: { records: t.rows.length, header: t.header } });
      }),
      { numRuns: 300 },
    );
  });

  it('a quote opened in a field and never closed is refused at the line it opened', () => {
    fc.assert(
      fc.property(table, fc.nat(), (t, pick) => {
        const row = pick % t.rows.length;
        const lines = [t.header, ...t.rows].map((cells) => cells.map((value) => `"${value.replace(/"/g, '""')}"`));
        lines[row + 1]![0] = '"' + lines[row + 1]![0]!.slice(1, -1); // drop the closing quote
        const text = lines.map((cells) => cells.join(',')).join('\n');
        const result = verdict('csv', Buffer.from(text));
        expect(result).toHaveProperty('problem');
        // The line the broken record starts on, counting the newlines inside the quoted fields before it.
        const startLine =
          1 + lines.slice(0, row + 1).reduce((sum, cells) => sum + 1 + (cells.join(',').match(/\n/g)?.length ?? 0), 0);
        expect((result as { problem: ValidationProblem }).problem.line).toBeGreaterThanOrEqual(startLine);
      }),
      { numRuns: 200 },
    );
  });

  it('JSON Lines of objects, with blank lines between', () => {
    const objects = fc.array(fc.dictionary(columnName, fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 }), {
      minLength: 1,
      maxLength: 10,
    });
    fc.assert(
      fc.property(objects, fc.boolean(), (records, blankLines) => {
        const text = records.map((record) => JSON.stringify(record)).join(blankLines ? '\n\n' : '\n');
        const result = verdict('jsonl', Buffer.from(text));
        const keys = [...new Set(records.flatMap((record) => Object.keys(record)))];
        expect(result).toEqual({ ok: { records: records.length, header: keys } });
      }),
      { numRuns: 300 },
    );
  });
});

describe('differential: what the validator accepts, DuckDB reads as written', () => {
  let folder: string;
  let instance: DuckDBInstance;
  let connection: DuckDBConnection;
  beforeAll(async () => {
    folder = mkdtempSync(join(tmpdir(), 'lathe-validate-property-'));
    instance = await DuckDBInstance.create(':memory:', {
      autoinstall_known_extensions: 'false',
      autoload_known_extensions: 'false',
    });
    connection = await instance.connect();
  });
  afterAll(() => {
    connection.closeSync();
    instance.closeSync();
    rmSync(folder, { recursive: true, force: true });
  });

  it('CSV and TSV: the same rows and values, field for field', async () => {
    let file = 0;
    await fc.assert(
      fc.asyncProperty(table, fc.constantFrom(',', '\t'), async (t, delimiter) => {
        const path = join(folder, `t${file++}.csv`);
        writeFileSync(path, writeDelimited(t, delimiter));
        const result = verdict(delimiter === ',' ? 'csv' : 'tsv', Buffer.from(writeDelimited(t, delimiter)));
        expect(result).toHaveProperty('ok');
        const names = t.header.map((_, index) => `'c${index}': 'VARCHAR'`).join(', ');
        const reader = await connection.runAndReadAll(
          `SELECT * FROM read_csv('${path}', header = true, delim = '${delimiter === ',' ? ',' : '\\t'}', quote = '"', escape = '"', columns = {${names}}, strict_mode = true, null_padding = false)`,
        );
        const rows = reader.getRowObjectsJS().map((row) => t.header.map((_, index) => row[`c${index}`] ?? ''));
        // DuckDB reads an empty field as NULL; the file cannot tell '' from NULL, so compare them as ''.
        expect(rows).toEqual(t.rows);
      }),
      { numRuns: 40 },
    );
  });

  it('JSON Lines: the same number of records', async () => {
    const objects = fc.array(
      fc.dictionary(columnName, fc.oneof(fc.integer(), fc.string(), fc.boolean()), { minKeys: 1, maxKeys: 4 }),
      {
        minLength: 1,
        maxLength: 10,
      },
    );
    let file = 0;
    await fc.assert(
      fc.asyncProperty(objects, async (records) => {
        const text = records.map((record) => JSON.stringify(record)).join('\n');
        expect(verdict('jsonl', Buffer.from(text))).toHaveProperty('ok');
        const path = join(folder, `j${file++}.jsonl`);
        writeFileSync(path, text);
        const reader = await connection.runAndReadAll(
          `SELECT count(*)::INTEGER AS n FROM read_json('${path}', format = 'newline_delimited', union_by_name = true)`,
        );
        expect(reader.getRowObjectsJS()[0]!.n).toBe(records.length);
      }),
      { numRuns: 40 },
    );
  });
});
