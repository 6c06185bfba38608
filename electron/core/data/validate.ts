/**
 * Streaming structural checks of a data file, fed chunk by chunk while it is hashed (one pass over
 * the bytes, in the ingest worker). A problem becomes a {@link ValidationProblem} naming the line and
 * column, so a person can open the file and see it. DuckDB reads only files that passed.
 *
 * CSV/TSV follow RFC 4180 (https://www.rfc-editor.org/rfc/rfc4180): fields may be quoted with `"`,
 * a quote inside a quoted field is doubled, every record has as many fields as the header.
 */
import { isUtf8 } from 'node:buffer';
import type { TableFormat } from './engine.js';

/** What went wrong, where. Line and column are 1-based; column counts characters. */
export interface ValidationProblem {
  message: string;
  line?: number;
  column?: number;
  field?: string;
}

/** What a file that passed looks like. */
export interface ValidationSummary {
  /** Data records (CSV/TSV: not counting the header; JSONL: objects). */
  records: number;
  /** Header names (CSV/TSV), or every key seen in any object, in first-seen order (JSONL; up to 10,000). */
  header: string[];
}

/** Thrown by a validator; caught by the worker and turned into a LatheError naming the file. */
export class ValidationError extends Error {
  constructor(readonly problem: ValidationProblem) {
    super(problem.message);
  }
}

/** A chunk-fed validator. */
export interface Validator {
  feed(chunk: Buffer): void;
  finish(): ValidationSummary;
}

/** The validator for a format. */
export function createValidator(format: TableFormat): Validator {
  if (format === 'csv') return new DelimitedValidator(0x2c);
  if (format === 'tsv') return new DelimitedValidator(0x09);
  if (format === 'jsonl') return new JsonLinesValidator();
  return new ParquetValidator();
}

const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;

/** Splits off a trailing incomplete UTF-8 sequence so a chunk boundary is never called invalid. */
function splitIncompleteUtf8(bytes: Buffer): number {
  // Look back at most 3 bytes for the lead byte of the last sequence.
  for (let back = 1; back <= Math.min(3, bytes.length); back++) {
    const b = bytes[bytes.length - back]!;
    if ((b & 0xc0) === 0x80) continue; // continuation byte: keep looking for the lead
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return need > back ? bytes.length - back : bytes.length;
  }
  return bytes.length;
}

/** The index of the first byte of an invalid UTF-8 sequence in `bytes` (which isUtf8 rejected). */
function firstInvalidUtf8(bytes: Buffer): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    let need = 0;
    if (b < 0x80) need = 0;
    else if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b >= 0xe0 && b <= 0xef) need = 2;
    else if (b >= 0xf0 && b <= 0xf4) need = 3;
    else return i;
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
    }
    // Overlong forms and surrogates (RFC 3629 section 4).
    if (need === 2 && ((b === 0xe0 && bytes[i + 1]! < 0xa0) || (b === 0xed && bytes[i + 1]! > 0x9f))) return i;
    if (need === 3 && ((b === 0xf0 && bytes[i + 1]! < 0x90) || (b === 0xf4 && bytes[i + 1]! > 0x8f))) return i;
    i += need + 1;
  }
  return bytes.length;
}

/** Shared text handling: UTF-8 check across chunk boundaries, NUL bytes, BOM, line/column tracking. */
abstract class TextValidator implements Validator {
  protected line = 1;
  /** Characters seen on the current line so far. */
  protected column = 0;
  private carry: Buffer | null = null;
  private started = false;
  protected totalBytes = 0;

  feed(input: Buffer): void {
    let chunk = this.carry ? Buffer.concat([this.carry, input]) : input;
    this.carry = null;
    if (!this.started) {
      if (
        chunk.length < 3 &&
        chunk.length > 0 &&
        Buffer.from([0xef, 0xbb, 0xbf]).subarray(0, chunk.length).equals(chunk)
      ) {
        this.carry = chunk;
        return;
      }
      this.started = true;
      if (chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) chunk = chunk.subarray(3);
    }
    if (this.totalBytes < 8000) {
      // Like git's binary heuristic: a NUL in the first 8,000 bytes means this is not text at all. Counted
      // across chunks, so where the file is cut never changes the verdict (a property test checks it).
      const nul = chunk.subarray(0, 8000 - this.totalBytes).indexOf(0);
      if (nul >= 0) {
        throw new ValidationError({
          message: `binary data (a NUL byte at byte ${this.totalBytes + nul + 1}): this is not a text file; is it really a ${this.formatLabel()} file?`,
        });
      }
    }
    const end = splitIncompleteUtf8(chunk);
    if (end < chunk.length) this.carry = Buffer.from(chunk.subarray(end));
    const body = chunk.subarray(0, end);
    this.totalBytes += body.length;
    let limit = body.length;
    let invalid = false;
    if (!isUtf8(body)) {
      limit = firstInvalidUtf8(body);
      invalid = true;
    }
    const nul = body.subarray(0, limit).indexOf(0);
    if (nul >= 0) {
      this.scan(body.subarray(0, nul));
      throw new ValidationError({
        message: `binary data (a NUL byte) at line ${this.line}, column ${this.column + 1}: this is not a text file`,
        line: this.line,
        column: this.column + 1,
      });
    }
    this.scan(body.subarray(0, limit));
    if (invalid) {
      throw new ValidationError({
        message: `invalid UTF-8 (byte 0x${body[limit]!.toString(16).padStart(2, '0')}) at line ${this.line}, column ${this.column + 1}; save the file as UTF-8`,
        line: this.line,
        column: this.column + 1,
      });
    }
  }

  finish(): ValidationSummary {
    if (this.carry && this.carry.length > 0) {
      if (!this.started) {
        this.started = true;
      } else {
        throw new ValidationError({
          message: `invalid UTF-8 (the file ends inside a character) at line ${this.line}, column ${this.column + 1}`,
          line: this.line,
          column: this.column + 1,
        });
      }
    }
    if (this.totalBytes === 0) throw new ValidationError({ message: 'the file is empty' });
    return this.end();
  }

  protected abstract formatLabel(): string;
  protected abstract scan(bytes: Buffer): void;
  protected abstract end(): ValidationSummary;
}

const enum CsvState {
  FieldStart,
  Unquoted,
  Quoted,
  QuoteInQuoted,
}

/** CSV and TSV. */
class DelimitedValidator extends TextValidator {
  private state = CsvState.FieldStart;
  private fields = 0;
  private recordChars = 0;
  private header: string[] | null = null;
  private headerBytes: number[] = [];
  private headerFields: Buffer[] = [];
  private records = 0;
  private quoteLine = 0;
  private quoteColumn = 0;
  /** Where this record's first field beyond the header starts; the record is read to its end to count them all. */
  private extraColumn: number | null = null;

  constructor(private readonly delimiter: number) {
    super();
  }

  protected formatLabel(): string {
    return this.delimiter === 0x09 ? 'TSV' : 'CSV';
  }

  private fieldName(index: number): string {
    return this.header?.[index] ?? `#${index + 1}`;
  }

  protected scan(bytes: Buffer): void {
    let i = 0;
    // The header goes through the careful loop (it collects names); data rows through the fast one.
    while (this.header === null && i < bytes.length) this.step(bytes[i++]!);
    if (i < bytes.length) this.scanRows(bytes, i);
  }

  /**
   * The hot loop over data rows: the same state machine as {@link step} with its state in locals (measured
   * 1.3-1.7x faster than calling {@link step} per byte). Anything unusual (a record of the wrong width, a
   * blank line, the end of a quoted field, an error) syncs the locals back and defers to {@link step}, so
   * messages stay identical.
   */
  private scanRows(bytes: Buffer, start: number): void {
    const delimiter = this.delimiter;
    const expected = this.header!.length;
    let state = this.state;
    let fields = this.fields;
    let recordChars = this.recordChars;
    let column = this.column;
    let line = this.line;
    let records = this.records;
    // No closures over these locals: captured variables would live in a heap context and lose the point.
    for (let i = start; i < bytes.length; i++) {
      const b = bytes[i]!;
      if ((b & 0xc0) !== 0x80) column++;
      if (state === CsvState.Unquoted || state === CsvState.FieldStart) {
        if (b === delimiter) {
          if (fields + 1 < expected) {
            fields++;
            state = CsvState.FieldStart;
            recordChars++;
            continue;
          }
        } else if (b === LF) {
          if (recordChars > 0 && fields + 1 === expected) {
            records++;
            fields = 0;
            recordChars = 0;
            state = CsvState.FieldStart;
            line++;
            column = 0;
            continue;
          }
        } else if (b === QUOTE) {
          if (state === CsvState.FieldStart) {
            state = CsvState.Quoted;
            this.quoteLine = line;
            this.quoteColumn = column;
            recordChars++;
            continue;
          }
        } else {
          if (b !== CR && state === CsvState.FieldStart) {
            state = CsvState.Unquoted;
            recordChars++;
          }
          continue;
        }
      } else if (state === CsvState.Quoted) {
        if (b === QUOTE) state = CsvState.QuoteInQuoted;
        else if (b === LF) {
          line++;
          column = 0;
        }
        continue;
      }
      // The careful state machine decides (and throws with the exact message where the byte is wrong).
      this.save(state, fields, recordChars, column, line, records);
      this.step(b, true);
      state = this.state;
      fields = this.fields;
      recordChars = this.recordChars;
      column = this.column;
      line = this.line;
      records = this.records;
    }
    this.save(state, fields, recordChars, column, line, records);
  }

  private save(
    state: CsvState,
    fields: number,
    recordChars: number,
    column: number,
    line: number,
    records: number,
  ): void {
    this.state = state;
    this.fields = fields;
    this.recordChars = recordChars;
    this.column = column;
    this.line = line;
    this.records = records;
  }

  /** One byte through the careful state machine; `counted` when the caller already advanced the column. */
  private step(b: number, counted = false): void {
    const delimiter = this.delimiter;
    if (!counted && (b & 0xc0) !== 0x80) this.column++;
    if (this.header === null) this.collectHeaderByte(b);
    switch (this.state) {
      case CsvState.FieldStart:
        if (b === QUOTE) {
          this.state = CsvState.Quoted;
          this.quoteLine = this.line;
          this.quoteColumn = this.column;
          this.recordChars++;
        } else if (b === delimiter) {
          this.endField();
        } else if (b === LF) {
          this.endRecord();
        } else if (b !== CR) {
          this.state = CsvState.Unquoted;
          this.recordChars++;
        }
        break;
      case CsvState.Unquoted:
        if (b === delimiter) this.endField();
        else if (b === LF) this.endRecord();
        else if (b === QUOTE) {
          throw new ValidationError({
            message: `a quote inside an unquoted field at line ${this.line}, column ${this.column} (field "${this.fieldName(this.fields)}"); quote the whole field and double the quote ("")`,
            line: this.line,
            column: this.column,
            field: this.fieldName(this.fields),
          });
        }
        break;
      case CsvState.Quoted:
        if (b === QUOTE) this.state = CsvState.QuoteInQuoted;
        else if (b === LF) {
          this.line++;
          this.column = 0;
        }
        break;
      case CsvState.QuoteInQuoted:
        if (b === QUOTE) this.state = CsvState.Quoted;
        else if (b === delimiter) this.endField();
        else if (b === LF) this.endRecord();
        else if (b !== CR) {
          throw new ValidationError({
            message: `unexpected character after a closing quote at line ${this.line}, column ${this.column} (field "${this.fieldName(this.fields)}"); a quote inside a quoted field must be doubled ("")`,
            line: this.line,
            column: this.column,
            field: this.fieldName(this.fields),
          });
        }
        break;
    }
  }

  private collectHeaderByte(b: number): void {
    if (this.state === CsvState.Quoted) {
      if (b !== QUOTE) this.headerBytes.push(b);
      return;
    }
    if (this.state === CsvState.QuoteInQuoted) {
      if (b === QUOTE) this.headerBytes.push(b);
      if (b !== this.delimiter && b !== LF && b !== CR) return;
    }
    if (b === this.delimiter || b === LF) {
      this.headerFields.push(Buffer.from(this.headerBytes));
      this.headerBytes = [];
    } else if (b !== CR && b !== QUOTE) {
      this.headerBytes.push(b);
    }
  }

  private endField(): void {
    this.fields++;
    this.state = CsvState.FieldStart;
    this.recordChars++;
    if (this.header !== null && this.fields >= this.header.length && this.extraColumn === null)
      this.extraColumn = this.column + 1;
  }

  private endRecord(): void {
    const fieldCount = this.fields + 1;
    const blank = this.recordChars === 0;
    if (this.header === null) {
      if (!blank) this.takeHeader();
      else this.headerFields = [];
    } else if (!blank) {
      if (this.extraColumn !== null) {
        throw new ValidationError({
          message: `line ${this.line} has ${fieldCount} fields, the header has ${this.header.length}: an extra field starts at column ${this.extraColumn}`,
          line: this.line,
          column: this.extraColumn,
        });
      }
      if (fieldCount !== this.header.length) {
        throw new ValidationError({
          message: `line ${this.line} has ${fieldCount} field${fieldCount === 1 ? '' : 's'}, the header has ${this.header.length}: field "${this.header[fieldCount]}" is missing at column ${this.column}`,
          line: this.line,
          column: this.column,
          field: this.header[fieldCount],
        });
      }
      this.records++;
    }
    this.fields = 0;
    this.recordChars = 0;
    this.state = CsvState.FieldStart;
    this.line++;
    this.column = 0;
  }

  private takeHeader(): void {
    const names = this.headerFields.map((bytes) => bytes.toString('utf8').trim());
    this.headerFields = [];
    const seen = new Map<string, number>();
    names.forEach((name, index) => {
      if (name === '') {
        throw new ValidationError({
          message: `column ${index + 1} of the header (line ${this.line}) has no name`,
          line: this.line,
          column: index + 1,
        });
      }
      const earlier = seen.get(name);
      if (earlier !== undefined) {
        throw new ValidationError({
          message: `duplicate column name "${name}" in the header (line ${this.line}): columns ${earlier + 1} and ${index + 1}`,
          line: this.line,
          column: index + 1,
          field: name,
        });
      }
      seen.set(name, index);
    });
    this.header = names;
  }

  protected end(): ValidationSummary {
    if (this.state === CsvState.Quoted) {
      throw new ValidationError({
        message: `unbalanced quote: the quoted field opened at line ${this.quoteLine}, column ${this.quoteColumn} is never closed`,
        line: this.quoteLine,
        column: this.quoteColumn,
      });
    }
    // A last record without a trailing newline.
    if (this.recordChars > 0 || this.fields > 0) {
      if (this.header === null) this.collectHeaderByte(LF);
      this.endRecord();
    }
    if (this.header === null) throw new ValidationError({ message: 'the file has no header line (only blank lines)' });
    if (this.records === 0)
      throw new ValidationError({
        message: `the file has a header (${this.header.length} columns) but no rows`,
        line: 2,
      });
    return { records: this.records, header: this.header };
  }
}

/** JSON Lines: one JSON object per line (https://jsonlines.org/). */
class JsonLinesValidator extends TextValidator {
  private pending: Buffer[] = [];
  private records = 0;
  private readonly keys = new Set<string>();

  protected formatLabel(): string {
    return 'JSON Lines';
  }

  protected scan(bytes: Buffer): void {
    let start = 0;
    for (;;) {
      const newline = bytes.indexOf(LF, start);
      if (newline < 0) {
        if (start < bytes.length) this.pending.push(Buffer.from(bytes.subarray(start)));
        // Column tracking is per line here; computed when a line is checked.
        return;
      }
      const part = bytes.subarray(start, newline);
      const lineBytes = this.pending.length > 0 ? Buffer.concat([...this.pending, part]) : part;
      this.pending = [];
      this.checkLine(lineBytes);
      this.line++;
      this.column = 0;
      start = newline + 1;
    }
  }

  private checkLine(bytes: Buffer): void {
    const text = bytes.toString('utf8').replace(/\r$/, '');
    if (text.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const position = /position (\d+)/.exec(message)?.[1];
      const column = position !== undefined ? Number(position) + 1 : undefined;
      throw new ValidationError({
        message: `line ${this.line}${column !== undefined ? `, column ${column}` : ''} is not valid JSON: ${message.replace(/ in JSON at position \d+.*$/, '')}`,
        line: this.line,
        column,
      });
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new ValidationError({
        message: `line ${this.line} is not a JSON object (each line must be one {…} record)`,
        line: this.line,
        column: 1,
      });
    }
    if (this.keys.size < 10_000) for (const key of Object.keys(value)) this.keys.add(key);
    this.records++;
  }

  protected end(): ValidationSummary {
    if (this.pending.length > 0) {
      this.checkLine(Buffer.concat(this.pending));
      this.pending = [];
    }
    if (this.records === 0) throw new ValidationError({ message: 'the file has no JSON records (only blank lines)' });
    return { records: this.records, header: [...this.keys] };
  }
}

/** Parquet: magic bytes at both ends and a footer that fits (https://parquet.apache.org/docs/file-format/). DuckDB checks the rest. */
class ParquetValidator implements Validator {
  private head = Buffer.alloc(0);
  private tail = Buffer.alloc(0);
  private size = 0;

  feed(chunk: Buffer): void {
    if (this.head.length < 4) this.head = Buffer.concat([this.head, chunk.subarray(0, 4 - this.head.length)]);
    this.tail = Buffer.concat([this.tail, chunk]).subarray(-8);
    this.size += chunk.length;
  }

  finish(): ValidationSummary {
    if (this.size === 0) throw new ValidationError({ message: 'the file is empty' });
    if (this.head.toString('latin1') !== 'PAR1')
      throw new ValidationError({ message: 'not a Parquet file (it does not start with the PAR1 magic bytes)' });
    if (this.size < 12 || this.tail.subarray(4).toString('latin1') !== 'PAR1') {
      throw new ValidationError({
        message: `truncated Parquet file: it does not end with the PAR1 magic bytes (${this.size} bytes; the footer is missing)`,
      });
    }
    const footer = this.tail.readUInt32LE(0);
    if (footer + 12 > this.size)
      throw new ValidationError({
        message: `truncated Parquet file: its footer claims ${footer} bytes but the file has ${this.size}`,
      });
    return { records: -1, header: [] };
  }
}
