/** Test helpers: small CSV tables with a known shift, written to a temporary folder. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Writes a CSV from a header and rows; returns its path. */
export function writeCsv(folder: string, name: string, header: string[], rows: (string | number)[][]): string {
  const path = join(folder, name);
  writeFileSync(path, [header.join(','), ...rows.map((row) => row.join(','))].join('\n') + '\n');
  return path;
}

/** A deterministic table: `x` spread over 0..10 (plus `shift`), `colour` from a palette, `flag` 0/1. */
export function shiftedRows(count: number, shift: number, palette = ['red', 'green', 'blue']): (string | number)[][] {
  return Array.from({ length: count }, (_, index) => [
    index,
    Number((((index * 37) % 101) / 10 + shift).toFixed(3)),
    palette[index % palette.length]!,
    shift > 0 && index % 3 === 0 ? 1 : index % 2,
  ]);
}
