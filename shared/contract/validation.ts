/**
 * Contract: validation suites and reports (issue 13). A suite is YAML text (checked in core/validation, where
 * errors get their line); a report is what running it on a model version found, check by check, with the
 * numbers behind every verdict. Alias gates say which aliases need a passing report before they move.
 */
import { z } from 'zod';
import { ModelRef } from './models.js';

/** The kinds of check a suite can hold. */
export const ValidationCheckKind = z.enum(['metric', 'slice', 'regression', 'latency', 'schema', 'drift', 'onnx']);
export type ValidationCheckKind = z.infer<typeof ValidationCheckKind>;

/** One slice's result in a per-slice check (worst first in the report). */
export const ValidationSlice = z.object({
  value: z.string(),
  rows: z.number(),
  metric: z.number().nullable(),
  passed: z.boolean(),
});
export type ValidationSlice = z.infer<typeof ValidationSlice>;

/** One check's result: its verdict, a sentence with the numbers, and the numbers themselves. */
export const ValidationCheckResult = z.object({
  /** `checks[i] KIND ...`: what the suite asked, readable. */
  name: z.string(),
  kind: ValidationCheckKind,
  passed: z.boolean(),
  /** True when the check could not apply (a drift check on a model without recorded training data); counts as passed. */
  skipped: z.boolean(),
  detail: z.string(),
  /** What was measured (metric value, p95 ms, drift share …) and the bound it was held to. */
  measured: z.number().nullable(),
  bound: z.number().nullable(),
  /** Per-slice checks: every slice, worst first. */
  slices: z.array(ValidationSlice).optional(),
});
export type ValidationCheckResult = z.infer<typeof ValidationCheckResult>;

/** A stored validation report. */
export const ValidationReport = z.object({
  id: z.string(),
  createdAt: z.number(),
  model: z.object({ ref: z.string(), versionId: z.string(), task: z.string().nullable() }),
  suite: z.object({ name: z.string(), file: z.string(), yaml: z.string() }),
  holdout: z.object({ label: z.string(), datasetVersionId: z.string(), rows: z.number() }).nullable(),
  baseline: z.object({ ref: z.string(), versionId: z.string() }).nullable(),
  passed: z.boolean(),
  checks: z.array(ValidationCheckResult),
  /** The model's metrics on the holdout (empty without a holdout). */
  metrics: z.record(z.string(), z.number()),
  seconds: z.number(),
});
export type ValidationReport = z.infer<typeof ValidationReport>;

/** A report in lists. */
export const ValidationReportSummary = ValidationReport.pick({
  id: true,
  createdAt: true,
  model: true,
  holdout: true,
  baseline: true,
  passed: true,
}).extend({ suite: z.string(), checksPassed: z.number(), checksTotal: z.number() });
export type ValidationReportSummary = z.infer<typeof ValidationReportSummary>;

/** The latest verdict on a version, as a bundle's manifest carries it (core.validation.latestVerdict). */
export const ValidationVerdict = z.object({
  reportId: z.string(),
  suite: z.string(),
  passed: z.boolean(),
  createdAt: z.number(),
  checks: z.array(z.object({ name: z.string(), passed: z.boolean(), detail: z.string() })),
});
export type ValidationVerdict = z.infer<typeof ValidationVerdict>;

/** One problem in a suite, at its line. */
export const SuiteProblem = z.object({
  line: z.number().nullable(),
  field: z.string(),
  message: z.string(),
});
export type SuiteProblem = z.infer<typeof SuiteProblem>;

/** What `validation.run` takes. */
export const ValidateOptions = z
  .object({
    ref: ModelRef,
    /** The suite's YAML text; the default suite of the model's task when absent. */
    suite: z.string().max(200_000).optional(),
    /** How the suite is named in errors (its file name); `suite.yaml` by default. */
    suiteFile: z.string().min(1).max(500).optional(),
    /** The holdout dataset version (NAME@V); overrides the suite's `holdout`. */
    holdout: z.string().min(1).optional(),
    /** The baseline version number or alias of the same model; overrides the suite's `baseline`. */
    baseline: z.string().min(1).optional(),
  })
  .strict();
export type ValidateOptions = z.input<typeof ValidateOptions>;

/** An alias gate: moving `alias` needs a passing report (of `suite` when given) on the target version. */
export const AliasGate = z.object({
  /** The registered model it applies to; null for every model. */
  model: z.string().nullable(),
  alias: z.string(),
  suite: z.string().nullable(),
  createdAt: z.number(),
});
export type AliasGate = z.infer<typeof AliasGate>;

const GateInput = z
  .object({
    model: z.string().min(1).optional(),
    alias: z.string().min(1).max(100),
    suite: z.string().min(1).optional(),
  })
  .strict();

/** Methods of validation. */
export const validationMethods = {
  'validation.run': { input: ValidateOptions, output: ValidationReport },
  /** Stops the running validations of a version; they store nothing. */
  'validation.cancel': {
    input: z.object({ ref: ModelRef }).strict(),
    output: z.object({ cancelled: z.number().int() }),
  },
  'validation.list': { input: z.object({ ref: ModelRef }).strict(), output: z.array(ValidationReportSummary) },
  'validation.get': { input: z.object({ id: z.string().min(1) }).strict(), output: ValidationReport },
  'validation.html': {
    input: z.object({ id: z.string().min(1) }).strict(),
    output: z.object({ fileName: z.string(), html: z.string() }),
  },
  'validation.defaultSuite': {
    input: z.object({ ref: ModelRef }).strict(),
    output: z.object({ yaml: z.string() }),
  },
  'validation.checkSuite': {
    input: z
      .object({
        ref: ModelRef,
        suite: z.string().max(200_000),
        holdout: z.string().min(1).optional(),
        baseline: z.string().min(1).optional(),
      })
      .strict(),
    output: z.object({ problems: z.array(SuiteProblem) }),
  },
  'validation.gates': { input: z.object({}).strict(), output: z.array(AliasGate) },
  'validation.setGate': { input: GateInput, output: AliasGate },
  'validation.removeGate': {
    input: GateInput.omit({ suite: true }),
    output: z.object({ removed: z.boolean() }),
  },
} as const;

/** Events of validation. */
export const validationEvents = {
  'validation.changed': z.object({ id: z.string(), ref: z.string(), change: z.enum(['created']) }),
  'validation.progress': z.object({ ref: z.string(), step: z.string(), done: z.number(), total: z.number() }),
} as const;
