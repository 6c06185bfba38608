/**
 * What the drift worker is asked and answers. Reading millions of values and sorting them is heavy, so it
 * happens off the main thread; this file is the whole interface between the service and the worker (run through core/workers/run-worker.ts).
 */
import type { ColumnDrift, DriftTest } from '../../../shared/contract/index.js';
import type { TableFormat } from '../data/read-table.js';

/** One table the worker reads. */
export interface DriftTable {
  path: string;
  format?: TableFormat;
  /** DuckDB's type-sniff sample size when the dataset record asks for one. */
  sampleSize?: number;
  /** Column types of this side, as recorded or described. */
  types: Record<string, string>;
  /** Rows of this side when known, so columns are read into buffers of the right size at once. */
  rows?: number;
}

/** One column to test. */
export interface DriftColumnPlan {
  name: string;
  test?: DriftTest;
  threshold?: number;
}

/** Extra columns (model outputs) the service computed itself and hands over as values. */
export interface DriftExtraColumn {
  name: string;
  type: string;
  reference: Float64Array | (string | null)[];
  current: Float64Array | (string | null)[];
  test?: DriftTest;
  threshold?: number;
}

/** The request. */
export interface DriftWorkerRequest {
  reference: DriftTable;
  current: DriftTable;
  columns: DriftColumnPlan[];
  /** Rows of the reference, which decide between p-value and distance tests. */
  referenceRows: number;
  extra?: DriftExtraColumn[];
}

/** The answer: every tested column, then the extra (model output) columns. */
export interface DriftWorkerReply {
  columns: ColumnDrift[];
  extra: ColumnDrift[];
}
