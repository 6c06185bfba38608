/**
 * A drift report's and a monitor's lineage: the reference and current dataset versions (or the current
 * file) and the model version feed the report; a monitor watches a model version against a reference.
 * Edges go through the lineage room (core/lineage), which owns `lineage_edges`.
 */
import type { DriftReport } from '../../../shared/contract/index.js';
import type { LineageService } from '../lineage/lineage-service.js';

/** Records the report's inputs as lineage edges; call inside the transaction that stores the report. */
export function recordDriftLineage(lineage: LineageService, report: DriftReport, currentPath: string): void {
  const to = { kind: 'drift_report', id: report.id };
  const at = report.createdAt;
  if (report.reference.datasetVersionId)
    lineage.add({ kind: 'dataset_version', id: report.reference.datasetVersionId }, to, 'reference', at);
  if (report.current.datasetVersionId)
    lineage.add({ kind: 'dataset_version', id: report.current.datasetVersionId }, to, 'current', at);
  else lineage.add({ kind: 'file', id: currentPath }, to, 'current', at);
  if (report.model) lineage.add({ kind: 'model_version', id: report.model.versionId }, to, 'model', at);
}

/** Records a monitor's inputs (its model version and reference dataset version) as lineage edges. */
export function recordMonitorLineage(
  lineage: LineageService,
  monitorId: string,
  modelVersionId: string,
  referenceVersionId: string,
  at: number,
): void {
  const to = { kind: 'monitor', id: monitorId };
  lineage.add({ kind: 'model_version', id: modelVersionId }, to, 'model', at);
  lineage.add({ kind: 'dataset_version', id: referenceVersionId }, to, 'reference', at);
}
