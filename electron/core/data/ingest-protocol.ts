/** Messages between the dataset service and the ingest worker (electron/workers/dataset-ingest.worker.ts). */
import type { TableFormat } from './engine.js';
import type { ValidationProblem, ValidationSummary } from './validate.js';

/** What the worker is asked to do: hash `source`, check it as `format` and, when `copyTo` is set, copy it there. */
export interface IngestRequest {
  source: string;
  format: TableFormat;
  copyTo?: string;
}

/** The worker's answer. */
export type IngestResponse =
  | { ok: true; hash: string; size: number; summary: ValidationSummary }
  | { ok: false; problem: ValidationProblem; io?: boolean };
