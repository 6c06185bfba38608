/**
 * Which files can become datasets, judged by name in the page, so an unsupported file (a spreadsheet, a
 * zip) is refused before a byte is uploaded. Mirrors formatFromName in electron/core/data/engine.ts.
 */

/** Extensions Lathe reads: CSV, TSV, Parquet, JSON Lines. */
export const acceptedExtensions = ['.csv', '.tsv', '.tab', '.parquet', '.pq', '.jsonl', '.ndjson'];

/** Why a file cannot be added, from its name; null when it can. */
export function unsupportedFileProblem(fileName: string): string | null {
  const lower = fileName.toLowerCase();
  if (acceptedExtensions.some((extension) => lower.endsWith(extension))) return null;
  const extension = /\.[^./\\]+$/.exec(lower)?.[0];
  return `${fileName}: Lathe reads CSV, TSV, Parquet and JSON Lines files (${acceptedExtensions.join(', ')}); ${
    extension ? `${extension} is not one of them` : 'this file has no extension'
  }. Save it in one of these formats first.`;
}
