/**
 * Contract: drift reports. A report compares a current set (a dataset version or a file) with a
 * reference (a dataset version), one statistical test per column chosen as Evidently's defaults do,
 * optionally with the drift of a model's predictions. Non-finite statistics never travel as numbers:
 * an infinite statistic is the string 'inf' and a test that could not run has null and a verdict saying why.
 */
import { z } from 'zod';
import { ModelRef } from './models.js';

/** The tests a column can be checked with. */
export const DriftTest = z.enum(['ks', 'chisquare', 'z', 'wasserstein', 'jensenshannon', 'psi', 'kl', 'anderson']);
export type DriftTest = z.infer<typeof DriftTest>;

/** How a column was treated: numeric (more than 5 distinct values), categorical, or binary (2 values). */
export const DriftColumnKind = z.enum(['numeric', 'categorical', 'binary']);
export type DriftColumnKind = z.infer<typeof DriftColumnKind>;

/** What happened to a column: tested (drift or not), or why it could not be tested. */
export const DriftVerdict = z.enum(['drift', 'no_drift', 'type_mismatch', 'no_values', 'not_tested']);
export type DriftVerdict = z.infer<typeof DriftVerdict>;

/** Reference and current shares of a column, for the overlaid chart. */
export const DriftDistribution = z.union([
  z.object({
    kind: z.literal('histogram'),
    /** Bin edges (bins + 1 values). */
    edges: z.array(z.number()),
    reference: z.array(z.number()),
    current: z.array(z.number()),
  }),
  z.object({
    kind: z.literal('categories'),
    categories: z.array(z.string()),
    reference: z.array(z.number()),
    current: z.array(z.number()),
  }),
]);
export type DriftDistribution = z.infer<typeof DriftDistribution>;

/** One column's result. */
export const ColumnDrift = z.object({
  column: z.string(),
  kind: DriftColumnKind.nullable(),
  referenceType: z.string(),
  currentType: z.string().nullable(),
  test: DriftTest.nullable(),
  /** Whether `statistic` is compared with the threshold as a p-value (drift below) or a distance (drift at or above). */
  thresholdKind: z.enum(['pvalue', 'distance']).nullable(),
  statistic: z.union([z.number(), z.literal('inf')]).nullable(),
  pvalue: z.number().nullable(),
  threshold: z.number().nullable(),
  verdict: DriftVerdict,
  /** How far past (above 1) or short of (below 1) the threshold the evidence is; sorts the table. */
  severity: z.number(),
  note: z.string().nullable(),
  referenceMissing: z.number().int(),
  currentMissing: z.number().int(),
  /** Categories seen only in the current set (up to 20). */
  newCategories: z.array(z.string()),
  distribution: DriftDistribution.nullable(),
});
export type ColumnDrift = z.infer<typeof ColumnDrift>;

/** One side of a comparison. */
export const DriftSide = z.object({
  label: z.string(),
  datasetVersionId: z.string().nullable(),
  rows: z.number().int(),
});
export type DriftSide = z.infer<typeof DriftSide>;

/** A stored drift report. */
export const DriftReport = z.object({
  id: z.string(),
  createdAt: z.number().int(),
  reference: DriftSide,
  current: DriftSide,
  model: z.object({ ref: z.string(), versionId: z.string() }).nullable(),
  /** Share of tested columns that must drift for dataset drift. */
  driftShareThreshold: z.number(),
  columnsTested: z.number().int(),
  columnsDrifted: z.number().int(),
  driftShare: z.number(),
  datasetDrift: z.boolean(),
  /** Sorted by severity, most drifted first. */
  columns: z.array(ColumnDrift),
  /** Drift of the model's outputs (predicted label, and the positive class's probability for binary classifiers), when a model was given. */
  predictions: z.array(ColumnDrift),
  seconds: z.number(),
});
export type DriftReport = z.infer<typeof DriftReport>;

/** A report in lists. */
export const DriftReportSummary = DriftReport.pick({
  id: true,
  createdAt: true,
  reference: true,
  current: true,
  model: true,
  columnsTested: true,
  columnsDrifted: true,
  driftShare: true,
  datasetDrift: true,
});
export type DriftReportSummary = z.infer<typeof DriftReportSummary>;

const ColumnName = z.string().min(1);

/** What `drift.run` takes. */
export const DriftOptions = z
  .object({
    /** A dataset version: NAME, NAME@latest or NAME@3. */
    reference: z.string().min(1),
    /** A dataset version or a table file. */
    current: z.string().min(1),
    model: ModelRef.optional(),
    /** Only these columns (default: every column the two sets share). */
    columns: z.array(ColumnName).optional(),
    /** Per-column test overrides. */
    tests: z.record(ColumnName, DriftTest).optional(),
    /** Per-column threshold overrides. */
    thresholds: z.record(ColumnName, z.number().positive()).optional(),
    /** One threshold for every column without its own. */
    threshold: z.number().positive().optional(),
    driftShare: z.number().gt(0).max(1).default(0.5),
  })
  .strict();
export type DriftOptions = z.input<typeof DriftOptions>;

/** Methods of drift. */
export const driftMethods = {
  'drift.run': { input: DriftOptions, output: DriftReport },
  'drift.list': { input: z.object({}).strict(), output: z.array(DriftReportSummary) },
  'drift.get': { input: z.object({ id: z.string().min(1) }).strict(), output: DriftReport },
  'drift.html': {
    input: z.object({ id: z.string().min(1) }).strict(),
    output: z.object({ fileName: z.string(), html: z.string() }),
  },
} as const;

/** Events of drift. */
export const driftEvents = {
  'drift.changed': z.object({ id: z.string(), change: z.enum(['created']) }),
} as const;
