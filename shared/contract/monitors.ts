/**
 * Contract: monitors. A monitor ties a model version to a reference and a stream of current batches (new
 * versions of a dataset, or table files in a folder), cut into windows by a time column or batch order.
 * Each run gives per window the drift share of the model's features, the accuracy estimated without labels
 * (CBPE) with its band, the realised accuracy when labels are there, and alerts past the thresholds.
 */
import { z } from 'zod';
import { ModelName, ModelRef } from './models.js';

/** Where the current batches come from. */
export const MonitorStream = z.union([
  z.object({ kind: z.literal('dataset'), dataset: ModelName }).strict(),
  z.object({ kind: z.literal('folder'), path: z.string().min(1) }).strict(),
]);
export type MonitorStream = z.infer<typeof MonitorStream>;

/** How rows are cut into windows: calendar periods of the time column, each batch, or every N rows. */
export const MonitorWindowing = z.union([
  z.enum(['daily', 'weekly', 'monthly', 'batch']),
  z.object({ rows: z.number().int().min(10) }).strict(),
]);
export type MonitorWindowing = z.infer<typeof MonitorWindowing>;

/** What `monitors.create` takes. */
export const MonitorConfig = z
  .object({
    name: ModelName,
    model: ModelRef,
    /** A dataset version with the model's features and labels. */
    reference: z.string().min(1),
    stream: MonitorStream,
    window: MonitorWindowing.default('batch'),
    /** Required for daily, weekly and monthly windows. */
    timeColumn: z.string().min(1).optional(),
    /** The label column when it differs from the model's target. */
    labelColumn: z.string().min(1).optional(),
    /** A window whose share of drifting features reaches this raises a drift alert. */
    driftShare: z.number().gt(0).max(1).default(0.5),
    /** A window whose estimated or realised accuracy falls below this raises a performance alert. */
    minAccuracy: z.number().min(0).max(1).optional(),
  })
  .strict()
  .superRefine((config, context) => {
    if (typeof config.window === 'string' && config.window !== 'batch' && !config.timeColumn)
      context.addIssue({
        code: 'custom',
        path: ['timeColumn'],
        message: `${config.window} windows need a time column`,
      });
  });
export type MonitorConfig = z.infer<typeof MonitorConfig>;

/** One window of a run. */
export const MonitorWindow = z.object({
  label: z.string(),
  rows: z.number().int(),
  columnsTested: z.number().int(),
  driftedColumns: z.array(z.string()),
  driftShare: z.number(),
  /** CBPE: null for regression models. */
  estimatedAccuracy: z.number().nullable(),
  lower: z.number().nullable(),
  upper: z.number().nullable(),
  /** Null until labels arrive. */
  realisedAccuracy: z.number().nullable(),
  /** Features not tested in this window and why (free text, all missing, …); absent in runs stored before it. */
  skippedColumns: z.array(z.object({ column: z.string(), reason: z.string() })).optional(),
  /** Classifiers with labels: F1 (binary: second class positive; else macro) and ROC AUC (binary; else macro one-vs-rest). */
  f1: z.number().nullable().optional(),
  /** Null when the window's labels hold one class only. */
  rocAuc: z.number().nullable().optional(),
  /** Regressors with labels: mean absolute error, root mean squared error, R² (null when labels are constant). */
  mae: z.number().nullable().optional(),
  rmse: z.number().nullable().optional(),
  r2: z.number().nullable().optional(),
  alerts: z.array(z.enum(['drift', 'performance'])),
});
export type MonitorWindow = z.infer<typeof MonitorWindow>;

/** One run of a monitor over its stream. */
export const MonitorRun = z.object({
  id: z.string(),
  monitor: z.string(),
  createdAt: z.number().int(),
  batches: z.array(z.string()),
  /** The model's task (absent in runs stored before it: classification). */
  task: z.enum(['classification', 'regression']).optional(),
  referenceAccuracy: z.number().nullable(),
  windows: z.array(MonitorWindow),
  seconds: z.number(),
});
export type MonitorRun = z.infer<typeof MonitorRun>;

/** A stored alert. */
export const MonitorAlert = z.object({
  id: z.number().int(),
  monitor: z.string(),
  runId: z.string(),
  createdAt: z.number().int(),
  window: z.string(),
  kind: z.enum(['drift', 'performance']),
  message: z.string(),
  value: z.number(),
  threshold: z.number(),
});
export type MonitorAlert = z.infer<typeof MonitorAlert>;

/** A monitor with its configuration and latest run. */
export const MonitorSummary = z.object({
  id: z.string(),
  name: z.string(),
  createdAt: z.number().int(),
  config: z.object({
    model: z.string(),
    reference: z.string(),
    stream: MonitorStream,
    window: MonitorWindowing,
    timeColumn: z.string().nullable(),
    labelColumn: z.string().nullable(),
    driftShare: z.number(),
    minAccuracy: z.number().nullable(),
  }),
  lastRun: MonitorRun.nullable(),
  alertCount: z.number().int(),
});
export type MonitorSummary = z.infer<typeof MonitorSummary>;

/** Methods of monitors. */
export const monitorMethods = {
  'monitors.create': { input: MonitorConfig, output: MonitorSummary },
  'monitors.list': { input: z.object({}).strict(), output: z.array(MonitorSummary) },
  'monitors.show': {
    input: z.object({ name: ModelName }).strict(),
    output: z.object({ monitor: MonitorSummary, alerts: z.array(MonitorAlert) }),
  },
  'monitors.run': { input: z.object({ name: ModelName }).strict(), output: MonitorRun },
  'monitors.alerts': { input: z.object({}).strict(), output: z.array(MonitorAlert) },
} as const;

/** Events of monitors: an alert is what the desktop shell shows as a notification. */
export const monitorEvents = {
  'monitors.alert': MonitorAlert,
  'monitors.changed': z.object({ name: z.string(), change: z.enum(['created', 'ran']) }),
} as const;
