/**
 * A bundle's golden rows: real rows (the version's training data, or the data named with --golden), and
 * the outputs Lathe's own batch scoring (`models.predict`, the path `lathe predict` takes) gives them.
 * selftest.js and the tests compare the bundle's answers with these.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BundleManifest } from '../../../shared/contract/index.js';
import { LatheError } from '../../../shared/errors.js';
import { readColumns, writeTable, type ColumnValues } from '../data/read-table.js';
import type { DataResolver } from '../models/data-source.js';
import type { ModelService } from '../models/model-service.js';

/** Golden rows of a bundle (golden.json). */
export interface GoldenSet {
  source: string;
  rows: Record<string, number | string | null>[];
  expected: Record<string, number | string | null>[];
}

/** Rows taken into golden.json. */
export const goldenRowCount = 16;

function cell(values: ColumnValues, index: number): number | string | null {
  const value = values[index];
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') return Number.isNaN(value) ? null : value;
  return value;
}

/** Reads the first rows of `source` for the schema's fields and scores them with `models.predict`. */
export async function goldenSet(
  ref: string,
  source: string,
  schema: BundleManifest['schema'],
  models: Pick<ModelService, 'predict'>,
  resolveData: DataResolver,
): Promise<GoldenSet> {
  const data = await resolveData(source);
  const fields = schema.input.fields;
  let columns: Map<string, ColumnValues>;
  try {
    columns = await readColumns(
      data.path,
      fields.map((f) => f.name),
      {
        limit: goldenRowCount,
        format: data.format,
        types: Object.fromEntries(fields.map((f) => [f.name, f.type === 'string' ? 'text' : 'float'])),
      },
    );
  } catch (error) {
    throw new LatheError(
      'BAD_INPUT',
      `Golden rows: ${data.label} does not have the model's fields (${fields.map((f) => f.name).join(', ')}): ${(error as Error).message}`,
      { data: source },
    );
  }
  const count = columns.get(fields[0]!.name)?.length ?? 0;
  if (count === 0) throw new LatheError('BAD_INPUT', `Golden rows: ${data.label} has no rows`, { data: source });
  const folder = mkdtempSync(join(tmpdir(), 'lathe-golden-'));
  try {
    const input = join(folder, 'golden.parquet');
    const output = join(folder, 'scores.parquet');
    await writeTable(
      input,
      fields.map((f) => ({ name: f.name, values: columns.get(f.name)! })),
    );
    const scored = await models.predict({ ref, data: input, out: output });
    const outputs = await readColumns(output, scored.columns);
    const rows: GoldenSet['rows'] = [];
    const expected: GoldenSet['expected'] = [];
    for (let i = 0; i < count; i++) {
      rows.push(Object.fromEntries(fields.map((f) => [f.name, cell(columns.get(f.name)!, i)])));
      expected.push(Object.fromEntries(scored.columns.map((name) => [name, cell(outputs.get(name)!, i)])));
    }
    return { source: data.label, rows, expected };
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}
