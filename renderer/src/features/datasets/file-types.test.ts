/** Unsupported files are named and refused by their extension, before an upload starts. */
import { describe, expect, it } from 'vitest';
import { unsupportedFileProblem } from './file-types';

describe('unsupportedFileProblem', () => {
  it('accepts every format the core reads, whatever the case', () => {
    for (const name of ['a.csv', 'B.TSV', 'c.tab', 'd.parquet', 'e.pq', 'f.jsonl', 'g.NDJSON'])
      expect(unsupportedFileProblem(name)).toBeNull();
  });
  it('names the file and its extension', () => {
    expect(unsupportedFileProblem('Budget 2024.xlsx')).toBe(
      'Budget 2024.xlsx: Lathe reads CSV, TSV, Parquet and JSON Lines files (.csv, .tsv, .tab, .parquet, .pq, .jsonl, .ndjson); .xlsx is not one of them. Save it in one of these formats first.',
    );
    expect(unsupportedFileProblem('README')).toMatch(/README: .*this file has no extension/);
  });
});
