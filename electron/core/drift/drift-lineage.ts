/**
 * A drift report's lineage edges: the reference and current dataset versions (or the current file) and
 * the model version feed the report. Kept in this one function so it can move onto the lineage service
 * (core/lineage) when that lands, without touching the drift service.
 */
import type { DriftReport } from '../../../shared/contract/index.js';
import type { Db } from '../store/database.js';

/** Records the report's inputs as lineage edges; call inside the transaction that stores the report. */
export function recordDriftLineage(db: Db, report: DriftReport, currentPath: string): void {
  const edge = db.prepare(
    'INSERT OR IGNORE INTO lineage_edges (from_kind, from_id, to_kind, to_id, relation, created_at) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const at = report.createdAt;
  if (report.reference.datasetVersionId)
    edge.run('dataset_version', report.reference.datasetVersionId, 'drift_report', report.id, 'reference', at);
  if (report.current.datasetVersionId)
    edge.run('dataset_version', report.current.datasetVersionId, 'drift_report', report.id, 'current', at);
  else edge.run('file', currentPath, 'drift_report', report.id, 'current', at);
  if (report.model) edge.run('model_version', report.model.versionId, 'drift_report', report.id, 'model', at);
}

/** Records a monitor's inputs (its model version and reference dataset version) as lineage edges. */
export function recordMonitorLineage(
  db: Db,
  monitorId: string,
  modelVersionId: string,
  referenceVersionId: string,
  at: number,
): void {
  const edge = db.prepare(
    'INSERT OR IGNORE INTO lineage_edges (from_kind, from_id, to_kind, to_id, relation, created_at) VALUES (?, ?, ?, ?, ?, ?)',
  );
  edge.run('model_version', modelVersionId, 'monitor', monitorId, 'model', at);
  edge.run('dataset_version', referenceVersionId, 'monitor', monitorId, 'reference', at);
}
