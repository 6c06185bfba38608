/**
 * Every step type's handler, by the name a definition gives it (the handlers live in their family's file).
 */
import type { PipelineStepType } from '../../../shared/contract/pipelines.js';
import { ingest, validateData } from './data-steps.js';
import { evaluate, gate, promote } from './model-steps.js';
import { monitor, notify } from './monitor-steps.js';
import { exportBundle, validate } from './release-steps.js';
import type { StepHandler } from './step-handler.js';
import { train } from './train-step.js';

export type { StepContext, StepHandler, StepResult, StepServices } from './step-handler.js';

export const stepHandlers: Record<PipelineStepType, StepHandler> = {
  ingest,
  'validate-data': validateData,
  train,
  evaluate,
  validate,
  gate,
  promote,
  export: exportBundle,
  monitor,
  notify,
};
