/**
 * The monitor worker's work: sorts each numeric reference feature once (or takes the sorted values a previous
 * run kept), fits CBPE once when no fit is handed over, then per window tests every feature's drift, estimates
 * accuracy without labels, and computes the realised metrics. Also called in-process by tests; the worker entry
 * (electron/workers/monitor.worker.ts) only wraps it.
 */
import type { ColumnValues } from '../../data/read-table.js';
import { columnDrift } from '../../drift/column-drift.js';
import { sortedFinite } from '../../drift/stats/ks.js';
import { estimateAccuracy, fitCbpe, type CbpeModel } from '../cbpe.js';
import { classificationMetrics, regressionMetrics } from '../metrics.js';
import type { MonitorWindowResult, MonitorWorkerReply, MonitorWorkerRequest } from '../monitor-protocol.js';

function subset(values: ColumnValues, rows: Int32Array): ColumnValues {
  if (values instanceof Float64Array) {
    const out = new Float64Array(rows.length);
    for (let index = 0; index < rows.length; index++) out[index] = values[rows[index]!]!;
    return out;
  }
  return Array.from(rows, (row) => values[row]!);
}

/** Computes every window of a monitor run. */
export function computeMonitorWindows(request: MonitorWorkerRequest): MonitorWorkerReply {
  const referenceSorted: Record<string, Float64Array> = {};
  for (const feature of request.features)
    if (feature.reference instanceof Float64Array)
      referenceSorted[feature.name] = feature.referenceSorted ?? sortedFinite(feature.reference);
  const outputs = request.outputs;
  let cbpe: CbpeModel | null = null;
  if (outputs?.task === 'classification') {
    if (outputs.cbpe !== undefined) cbpe = outputs.cbpe;
    else if (outputs.reference && outputs.reference.labels.some((label) => label >= 0))
      cbpe = fitCbpe(outputs.reference.probabilities, outputs.reference.labels);
  }
  const windows = request.windows.map((window): MonitorWindowResult => {
    const driftedColumns: string[] = [];
    const skipped: { column: string; reason: string }[] = [];
    let columnsTested = 0;
    for (const feature of request.features) {
      const current = subset(feature.current, window.rows);
      const result = columnDrift(
        {
          column: feature.name,
          referenceType: feature.reference instanceof Float64Array ? 'float' : 'categorical',
          currentType: current instanceof Float64Array ? 'float' : 'categorical',
          reference: feature.reference,
          referenceSorted: referenceSorted[feature.name],
          current,
        },
        request.referenceRows,
      );
      if (result.verdict === 'drift' || result.verdict === 'no_drift') columnsTested++;
      else skipped.push({ column: feature.name, reason: result.note ?? result.verdict });
      if (result.verdict === 'drift') driftedColumns.push(feature.name);
    }
    const classification =
      outputs?.task === 'classification'
        ? classificationMetrics(outputs.probabilities, outputs.labels, window.rows)
        : null;
    return {
      label: window.label,
      rows: window.rows.length,
      columnsTested,
      driftedColumns,
      skipped,
      estimate:
        cbpe && outputs?.task === 'classification'
          ? estimateAccuracy(cbpe, outputs.probabilities, window.rows, outputs.labels)
          : null,
      classification,
      regression:
        outputs?.task === 'regression' ? regressionMetrics(outputs.predictions, outputs.labels, window.rows) : null,
    };
  });
  return { windows, cbpe, referenceSorted };
}
