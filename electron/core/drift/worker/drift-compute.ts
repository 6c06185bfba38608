/**
 * The drift worker's work: reads the columns of both tables through DuckDB as typed columns and tests each
 * one. Also called in-process by tests; the worker entry (electron/workers/drift.worker.ts) only wraps it.
 */
import { readColumns, rememberReadOptions, type ColumnType, type ColumnValues } from '../../data/read-table.js';
import { columnDrift } from '../column-drift.js';
import type { ColumnDrift } from '../../../../shared/contract/index.js';
import type { DriftTable, DriftWorkerRequest } from '../drift-protocol.js';

const numericTypes = new Set(['integer', 'float', 'boolean']);

async function readSide(table: DriftTable, names: string[]): Promise<Map<string, ColumnValues>> {
  if (table.sampleSize !== undefined) rememberReadOptions(table.path, { sampleSize: table.sampleSize });
  if (names.length === 0) return new Map();
  // Integers and floats are compared as numbers; every other type as text.
  const types: Record<string, ColumnType> = {};
  for (const name of names) types[name] = numericTypes.has(table.types[name]!) ? 'float' : 'text';
  return readColumns(table.path, names, { format: table.format, types, expectedRows: table.rows });
}

/** Tests every planned column (and the extra ones) and returns their results in plan order. */
export async function computeDrift(
  request: DriftWorkerRequest,
): Promise<{ columns: ColumnDrift[]; extra: ColumnDrift[] }> {
  const names = request.columns.map((column) => column.name);
  // Both sides at once: DuckDB reads each on its own threads while this one copies the other's chunks.
  const [reference, current] = await Promise.all([
    readSide(request.reference, names),
    readSide(request.current, names),
  ]);
  const columns = request.columns.map((plan) =>
    columnDrift(
      {
        column: plan.name,
        referenceType: request.reference.types[plan.name]!,
        currentType: request.current.types[plan.name]!,
        reference: reference.get(plan.name)!,
        current: current.get(plan.name)!,
        test: plan.test,
        threshold: plan.threshold,
      },
      request.referenceRows,
    ),
  );
  const extra = (request.extra ?? []).map((column) =>
    columnDrift(
      {
        column: column.name,
        referenceType: column.type,
        currentType: column.type,
        reference: column.reference,
        current: column.current,
        test: column.test,
        threshold: column.threshold,
      },
      request.referenceRows,
    ),
  );
  return { columns, extra };
}
