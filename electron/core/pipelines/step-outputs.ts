/**
 * The outputs each step type declares, so a definition that names an output no step makes is refused
 * when it is saved (with the line) instead of failing halfway through a run.
 */
import type { PipelineStepType } from '../../../shared/contract/pipelines.js';

/** Output names per step type. */
export const stepOutputNames: Record<PipelineStepType, readonly string[]> = {
  ingest: ['dataset', 'name', 'version', 'versionId', 'rows', 'deduplicated', 'file'],
  'validate-data': ['data', 'passed', 'driftShare', 'drifted', 'driftedColumns', 'report'],
  train: ['model', 'name', 'version', 'run', 'metrics', 'backend'],
  evaluate: ['model', 'champion', 'metric', 'score', 'championScore', 'better'],
  validate: ['passed', 'report', 'model'],
  gate: ['open', 'reason'],
  promote: ['model', 'alias', 'previous'],
  export: ['bundle', 'path', 'target'],
  monitor: ['monitor', 'run', 'alerts', 'drift', 'driftShare', 'estimatedAccuracy'],
  notify: ['message'],
};
