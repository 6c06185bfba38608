/**
 * What the monitor worker is asked and answers. Testing every feature per window, calibrating CBPE and computing
 * the window metrics is the heavy part of a monitor run, so it runs off the core thread; this file is the whole
 * interface between monitor-service.ts and electron/workers/monitor.worker.ts (through core/workers/run-worker.ts).
 */
import type { ColumnValues } from '../data/read-table.js';
import type { CbpeModel, Probabilities } from './cbpe.js';
import type { ClassificationMetrics, RegressionMetrics } from './metrics.js';

/** One model feature: the reference's values (and, once known, their sorted finite values) and the stream's. */
export interface MonitorFeature {
  name: string;
  reference: ColumnValues;
  /** The reference's finite values sorted, from an earlier run on the same reference, so they are not sorted again. */
  referenceSorted?: Float64Array;
  current: ColumnValues;
}

/** The model's outputs and labels over the stream's rows (and, for CBPE's fit, the reference's). */
export type MonitorOutputs =
  | {
      task: 'classification';
      probabilities: Probabilities;
      /** Class index per row, -1 when the label is unknown. */
      labels: Int32Array;
      /** The CBPE fit of an earlier run on the same reference; absent: fitted here from the reference below. */
      cbpe?: CbpeModel | null;
      reference?: { probabilities: Probabilities; labels: Int32Array };
    }
  | {
      task: 'regression';
      predictions: Float64Array;
      /** NaN when the label is unknown. */
      labels: Float64Array;
    };

/** The request: features, outputs and the stream's rows cut into windows. */
export interface MonitorWorkerRequest {
  features: MonitorFeature[];
  referenceRows: number;
  windows: { label: string; rows: Int32Array }[];
  outputs: MonitorOutputs | null;
}

/** One window's figures (alerts are decided by the service). */
export interface MonitorWindowResult {
  label: string;
  rows: number;
  columnsTested: number;
  driftedColumns: string[];
  /** Features not tested, with the reason (free text, no values, …). */
  skipped: { column: string; reason: string }[];
  estimate: { estimated: number; lower: number; upper: number; realised: number | null } | null;
  classification: ClassificationMetrics | null;
  regression: RegressionMetrics | null;
}

/** The answer: every window, the CBPE fit used, and the sorted reference values, for the service to keep. */
export interface MonitorWorkerReply {
  windows: MonitorWindowResult[];
  cbpe: CbpeModel | null;
  referenceSorted: Record<string, Float64Array>;
}
