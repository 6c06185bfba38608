/**
 * Contract: pipelines (issue 16). A pipeline is a YAML definition (steps that pass outputs by name, and
 * the triggers that start it); every run and step run is stored with its status, times, inputs, outputs
 * and logs, so a page can draw the DAG with live status and a run's history survives restarts.
 * Kept stable once published: the UI builds on it (fields are added, never renamed).
 */
import { z } from 'zod';

/** A pipeline name: letters, digits, `_`, `-`, `.` (it is also the name people type in `lathe pipeline run NAME`). */
export const PipelineName = z
  .string()
  .min(1, 'pipeline name must not be empty')
  .max(100, 'pipeline name must be at most 100 characters')
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'pipeline name may hold only letters, digits, "_", "-" and "."');

/** The kinds of step a definition may use. */
export const PipelineStepType = z.enum([
  'ingest',
  'validate-data',
  'train',
  'evaluate',
  'validate',
  'gate',
  'promote',
  'export',
  'monitor',
  'notify',
]);
export type PipelineStepType = z.infer<typeof PipelineStepType>;

/** The kinds of trigger that start a run. */
export const PipelineTriggerKind = z.enum(['manual', 'cron', 'folder', 'alert', 'pipeline']);
export type PipelineTriggerKind = z.infer<typeof PipelineTriggerKind>;

/** A pipeline run's state. `queued` waits for its turn; the last three are final. */
export const PipelineRunStatus = z.enum(['queued', 'running', 'succeeded', 'failed', 'cancelled']);
export type PipelineRunStatus = z.infer<typeof PipelineRunStatus>;

/**
 * A step run's state. `pending` waits for its inputs; `skipped` when a gate before it closed (or a
 * step it needs did not succeed); `reused` when the same step already ran on the same inputs (its
 * recorded outputs are taken, nothing is done twice).
 */
export const PipelineStepStatus = z.enum([
  'pending',
  'running',
  'retrying',
  'succeeded',
  'failed',
  'skipped',
  'cancelled',
  'reused',
]);
export type PipelineStepStatus = z.infer<typeof PipelineStepStatus>;

/** Where in a definition file something is (1-based), so an error or a UI marker can point at it. */
export const PipelineSourceSpot = z.object({
  line: z.number().int(),
  column: z.number().int(),
  /** The field's path in the document (`steps.train.with.data`). */
  field: z.string(),
});
export type PipelineSourceSpot = z.infer<typeof PipelineSourceSpot>;

/** One problem found in a definition. */
export const PipelineProblem = PipelineSourceSpot.extend({ message: z.string() });
export type PipelineProblem = z.infer<typeof PipelineProblem>;

/** A trigger as the definition declares it (a readable `detail`: the schedule, folder, monitor or pipeline). */
export const PipelineTrigger = z.object({
  kind: PipelineTriggerKind,
  detail: z.string(),
  /** The trigger's fields as written (schedule, path, glob, monitor, pipeline…). */
  config: z.record(z.string(), z.unknown()),
  line: z.number().int(),
});
export type PipelineTrigger = z.infer<typeof PipelineTrigger>;

/** One step of a definition: its id, type, the steps whose outputs it needs (the DAG's edges) and its settings. */
export const PipelineStep = z.object({
  id: z.string(),
  type: PipelineStepType,
  /** Steps that must finish first: those named in `needs` and those whose outputs it references. */
  needs: z.array(z.string()),
  /** The step's `with:` settings as written (references unresolved). */
  with: z.record(z.string(), z.unknown()),
  retries: z.number().int(),
  /** The first retry's wait; each next one doubles it. */
  backoffMs: z.number().int(),
  line: z.number().int(),
});
export type PipelineStep = z.infer<typeof PipelineStep>;

/** A checked definition. */
export const PipelineSpec = z.object({
  name: z.string(),
  description: z.string(),
  /** How many runs of this pipeline may be active at once (queued runs wait their turn). */
  concurrency: z.number().int().min(1).default(1),
  triggers: z.array(PipelineTrigger),
  /** In an order where every step comes after the steps it needs. */
  steps: z.array(PipelineStep),
});
export type PipelineSpec = z.infer<typeof PipelineSpec>;

/** What started a run. */
export const PipelineRunTrigger = z.object({
  kind: PipelineTriggerKind,
  /** A sentence: `manual`, `cron 0 * * * *`, `file incoming/v2.csv`, `alert of churn-monitor`, `end of other`. */
  detail: z.string(),
  /** What the trigger passes to the steps (`${{ trigger.file }}`, `${{ trigger.files }}`…). */
  values: z.record(z.string(), z.unknown()),
});
export type PipelineRunTrigger = z.infer<typeof PipelineRunTrigger>;

/** A run of a pipeline, without its steps' details. */
export const PipelineRunSummary = z.object({
  id: z.string(),
  pipeline: z.string(),
  status: PipelineRunStatus,
  trigger: PipelineRunTrigger,
  createdAt: z.number().int(),
  startedAt: z.number().int().nullable(),
  endedAt: z.number().int().nullable(),
  /** Why it failed or was cancelled, else null. */
  error: z.string().nullable(),
  /** How many of its steps are in each state. */
  stepCounts: z.record(z.string(), z.number().int()),
  /** Times the run was picked up again after a crash or restart. */
  resumes: z.number().int(),
});
export type PipelineRunSummary = z.infer<typeof PipelineRunSummary>;

/** One line a step logged. */
export const PipelineLogLine = z.object({
  at: z.number().int(),
  level: z.enum(['info', 'warn', 'error']),
  message: z.string(),
});
export type PipelineLogLine = z.infer<typeof PipelineLogLine>;

/** One step of a run: what it was given, what it made, and what it said. */
export const PipelineStepRun = z.object({
  runId: z.string(),
  step: z.string(),
  type: PipelineStepType,
  status: PipelineStepStatus,
  /** Attempts so far (1 on the first try; retries add one each). */
  attempt: z.number().int(),
  startedAt: z.number().int().nullable(),
  endedAt: z.number().int().nullable(),
  /** The resolved `with:` settings (references replaced by values), null before the step starts. */
  inputs: z.record(z.string(), z.unknown()).nullable(),
  outputs: z.record(z.string(), z.unknown()).nullable(),
  error: z.string().nullable(),
  /** step + resolved inputs, hashed: the same key is never done twice. */
  idempotencyKey: z.string().nullable(),
  /** The lineage entities the step produced (`dataset_version:…`, `model_version:…`). */
  produced: z.array(z.object({ kind: z.string(), id: z.string(), label: z.string() })),
  logs: z.array(PipelineLogLine),
});
export type PipelineStepRun = z.infer<typeof PipelineStepRun>;

/** A run with its steps (in DAG order) and the definition it ran. */
export const PipelineRunDetail = z.object({
  run: PipelineRunSummary,
  spec: PipelineSpec,
  steps: z.array(PipelineStepRun),
});
export type PipelineRunDetail = z.infer<typeof PipelineRunDetail>;

/** A stored pipeline, as lists show it. */
export const PipelineSummary = z.object({
  name: z.string(),
  description: z.string(),
  createdAt: z.number().int(),
  updatedAt: z.number().int(),
  stepCount: z.number().int(),
  triggers: z.array(PipelineTrigger),
  lastRun: PipelineRunSummary.nullable(),
});
export type PipelineSummary = z.infer<typeof PipelineSummary>;

/** A stored pipeline with its YAML text and its checked spec. */
export const PipelineDetail = PipelineSummary.extend({
  /** The definition as saved, byte for byte (what the UI's editor shows). */
  yaml: z.string(),
  spec: PipelineSpec,
});
export type PipelineDetail = z.infer<typeof PipelineDetail>;

/** What `pipelines.check` answers: the problems (empty when valid) and the spec when valid. */
export const PipelineCheck = z.object({
  ok: z.boolean(),
  problems: z.array(PipelineProblem),
  spec: PipelineSpec.nullable(),
});
export type PipelineCheck = z.infer<typeof PipelineCheck>;

const DefinitionInput = z
  .object({
    /** The YAML text. */
    yaml: z.string().max(1_000_000, 'a definition must be at most 1 MB'),
    /** The file it came from, named in errors (`incoming.yaml:12`). */
    file: z.string().max(1000).optional(),
  })
  .strict();

/** Methods of pipelines. */
export const pipelineMethods = {
  'pipelines.list': { input: z.object({}).strict(), output: z.array(PipelineSummary) },
  'pipelines.get': { input: z.object({ name: PipelineName }).strict(), output: PipelineDetail },
  /** Checks a definition without saving it (the editor calls it as you type). */
  'pipelines.check': { input: DefinitionInput, output: PipelineCheck },
  /** Saves a definition under its `name:` (replacing an older one of that name); a bad one is a BAD_INPUT naming the line. */
  'pipelines.save': { input: DefinitionInput, output: PipelineDetail },
  /** Deletes a pipeline; its past runs stay in the history. Refused while a run of it is active. */
  'pipelines.delete': {
    input: z.object({ name: PipelineName }).strict(),
    output: z.object({ name: z.string(), deleted: z.boolean() }),
  },
  /** Runs newest first, of one pipeline or of all. */
  'pipelines.runs': {
    input: z
      .object({
        pipeline: PipelineName.optional(),
        limit: z.number().int().min(1).max(1000).default(100),
      })
      .strict(),
    output: z.array(PipelineRunSummary),
  },
  /** One run with every step run (inputs, outputs, logs). */
  'pipelines.run': { input: z.object({ id: z.string().min(1).max(100) }).strict(), output: PipelineRunDetail },
  /** Starts a run by hand (queued behind active runs when needed). */
  'pipelines.trigger': {
    input: z
      .object({
        name: PipelineName,
        /** Extra values for `${{ trigger.NAME }}` references. */
        values: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).default({}),
      })
      .strict(),
    output: PipelineRunSummary,
  },
  /** Cancels a queued or running run: the running step is stopped, the rest skipped. */
  'pipelines.cancel': { input: z.object({ id: z.string().min(1).max(100) }).strict(), output: PipelineRunSummary },
} as const;

/** Events of pipelines: live status for the DAG and the history. */
export const pipelineEvents = {
  /** A definition saved or deleted. */
  'pipelines.changed': z.object({ name: z.string(), change: z.enum(['saved', 'deleted']) }),
  /** A run was created, started, or ended. */
  'pipelines.runChanged': PipelineRunSummary,
  /** A step of a run changed state (with its outputs when it finished). */
  'pipelines.stepChanged': z.object({
    runId: z.string(),
    pipeline: z.string(),
    step: z.string(),
    status: PipelineStepStatus,
    attempt: z.number().int(),
    error: z.string().nullable(),
  }),
  /** A `notify` step's message (the desktop shell shows it as a notification). */
  'pipelines.notification': z.object({
    message: z.string(),
    level: z.enum(['info', 'warn', 'error']),
    at: z.number().int(),
  }),
  /** A step logged a line. */
  'pipelines.log': z.object({ runId: z.string(), pipeline: z.string(), step: z.string(), line: PipelineLogLine }),
} as const;
