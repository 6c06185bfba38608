/** Contract: models and their versions, ONNX import/export, batch scoring, benchmarks and training. */
import { z } from 'zod';
import { LineageEntity } from './lineage.js';

/** A model name: letters, digits, dot, dash and underscore (it is typed as `NAME@V` on the command line). */
export const ModelName = z
  .string()
  .trim()
  .min(1, 'model name must not be empty')
  .max(200, 'model name must be at most 200 characters')
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._-]*$/,
    'model name may hold letters, digits, ".", "-" and "_" and must start with a letter or digit',
  );

/** `NAME`, `NAME@latest`, `NAME@3` or `NAME@ALIAS` (an alias such as champion; see registry.ts). */
export const ModelRef = z
  .string()
  .trim()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._-]*(@[A-Za-z0-9_-]+)?$/,
    'model reference must be NAME, NAME@latest, NAME@N or NAME@ALIAS',
  );

/** One input or output of an ONNX graph. `shape` holds numbers, or names / null for dynamic dimensions. */
export const TensorSpec = z.object({
  name: z.string(),
  type: z.string(),
  shape: z.array(z.union([z.number(), z.string(), z.null()])),
});
export type TensorSpec = z.infer<typeof TensorSpec>;

/** A raw feature column a Lathe-trained model takes (named input of its ONNX graph). */
export const FeatureSpec = z.object({
  name: z.string(),
  kind: z.enum(['numeric', 'categorical']),
  /** Categories seen in training (categorical only), in one-hot order. */
  categories: z.array(z.string()).optional(),
});
export type FeatureSpec = z.infer<typeof FeatureSpec>;

/** An ONNX Runtime execution provider a user can force (`--provider`); without it the best usable one is chosen. */
export const InferenceProvider = z.enum(['cuda', 'webgpu', 'cpu']);

/** Latency and throughput measured by `lathe model bench`. */
export const BenchResult = z.object({
  provider: z.string(),
  latencyMs: z.object({ p50: z.number(), p95: z.number(), p99: z.number() }),
  throughputRowsPerSecond: z.object({ batch1: z.number(), batch64: z.number(), batch1024: z.number() }),
  measuredAt: z.number(),
});
export type BenchResult = z.infer<typeof BenchResult>;

/** One version of a model: an immutable ONNX file and what is known about it. */
export const ModelVersion = z.object({
  id: z.string(),
  model: z.string(),
  version: z.number().int(),
  /** Trained by Lathe, imported from an ONNX file, or registered through MLflow's API. */
  source: z.enum(['trained', 'imported', 'mlflow']),
  task: z.enum(['classification', 'regression']).nullable(),
  hash: z.string(),
  size: z.number().int(),
  inputs: z.array(TensorSpec),
  outputs: z.array(TensorSpec),
  opset: z.number().int(),
  producer: z.string(),
  nodes: z.number().int(),
  parameters: z.number().int(),
  /** Column order for a model with one 2-D float input; raw feature columns for a Lathe-trained one. */
  features: z.array(z.string()),
  featureSpecs: z.array(FeatureSpec).nullable(),
  target: z.string().nullable(),
  classes: z.array(z.string()).nullable(),
  metrics: z.record(z.string(), z.number()),
  backend: z.string().nullable(),
  runId: z.string().nullable(),
  datasetVersionId: z.string().nullable(),
  bench: BenchResult.nullable(),
  createdAt: z.number(),
  /** Registry facts (issue 10): a free-text description, tags and the aliases that point here. */
  description: z.string(),
  tags: z.record(z.string(), z.string()),
  aliases: z.array(z.string()),
  /** False for an MLflow model of another flavor than ONNX: browsable, not scored by Lathe. */
  scorable: z.boolean(),
});
export type ModelVersion = z.infer<typeof ModelVersion>;

/** A model with its versions' count and latest version number. */
export const ModelSummary = z.object({
  id: z.string(),
  name: z.string(),
  createdAt: z.number(),
  updatedAt: z.number(),
  versionCount: z.number().int(),
  latestVersion: z.number().int().nullable(),
  latestSource: z.enum(['trained', 'imported', 'mlflow']).nullable(),
  latestTask: z.enum(['classification', 'regression']).nullable(),
  /** Registry facts (issue 10): description, tags and aliases (alias name → version number). */
  description: z.string(),
  tags: z.record(z.string(), z.string()),
  aliases: z.record(z.string(), z.number().int()),
});
export type ModelSummary = z.infer<typeof ModelSummary>;

/** A lineage neighbour of a model version: the entity one edge away (the renderer builds its route). */
export const LineageLink = LineageEntity.extend({
  direction: z.enum(['upstream', 'downstream']),
  relation: z.string(),
});
export type LineageLink = z.infer<typeof LineageLink>;

/** What import gives back (the `lathe model import --json` document). */
export const ImportResult = ModelVersion.pick({
  model: true,
  version: true,
  inputs: true,
  outputs: true,
  opset: true,
  producer: true,
  nodes: true,
  parameters: true,
});
export type ImportResult = z.infer<typeof ImportResult>;

/** Options of one training, as the form and `lathe train` give them. */
export const TrainOptions = z
  .object({
    data: z.string().trim().min(1, 'data must name a dataset (NAME or NAME@V)'),
    target: z.string().min(1, 'target must name a column'),
    task: z.enum(['auto', 'classification', 'regression']).default('auto'),
    features: z.array(z.string().min(1)).optional(),
    hidden: z.array(z.number().int().min(1).max(4096)).max(8).default([64, 64]),
    epochs: z.number().int().min(1).max(10_000).default(50),
    batchSize: z.number().int().min(1).max(65_536).default(128),
    learningRate: z.number().positive().max(10).default(0.001),
    seed: z
      .number()
      .int()
      .min(0)
      .max(2 ** 31 - 1)
      .default(42),
    patience: z.number().int().min(1).max(1000).default(5),
    /** Share of the rows held out for validation (early stopping); 15 % more are the test split. */
    validationShare: z
      .number()
      .min(0.05, 'validation share must be at least 0.05')
      .max(0.5, 'validation share must be at most 0.5')
      .default(0.15),
    experiment: z.string().trim().min(1).optional(),
    modelName: ModelName.optional(),
    backend: z.enum(['tensorflow-gpu', 'webgpu', 'tensorflow', 'wasm', 'cpu']).optional(),
  })
  .strict();
export type TrainOptions = z.input<typeof TrainOptions>;

/** The result of a finished training. */
export const TrainResult = z.object({
  run: z.string(),
  model: z.string(),
  version: z.number().int(),
  backend: z.string(),
  metrics: z.record(z.string(), z.number()),
});
export type TrainResult = z.infer<typeof TrainResult>;

/** One progress tick of a training job. */
export const TrainingProgress = z.object({
  jobId: z.string(),
  phase: z.enum(['loading', 'preprocessing', 'training', 'evaluating', 'saving']),
  epoch: z.number().int(),
  epochs: z.number().int(),
  batch: z.number().int(),
  batches: z.number().int(),
  loss: z.number().nullable(),
  valLoss: z.number().nullable(),
  valMetric: z.number().nullable(),
  valMetricName: z.string().nullable(),
  /** Seconds to the last epoch: an upper bound, early stopping may end training sooner. */
  etaSeconds: z.number().nullable(),
  /** Seconds until early stopping ends training if validation loss does not improve again. */
  etaEarlyStopSeconds: z.number().nullable(),
  /** Finished epochs since the best validation loss, and the patience they count against. */
  epochsWithoutImprovement: z.number().int().nullable(),
  patience: z.number().int().nullable(),
  backend: z.string().nullable(),
});
export type TrainingProgress = z.infer<typeof TrainingProgress>;

/** A training job the core is running or has just finished. */
export const TrainingJob = z.object({
  jobId: z.string(),
  data: z.string(),
  target: z.string(),
  status: z.enum(['running', 'finished', 'failed', 'killed']),
  runId: z.string().nullable(),
  progress: TrainingProgress.nullable(),
  result: TrainResult.nullable(),
  error: z.string().nullable(),
  startedAt: z.number(),
  /** When it ended (finished, failed or cancelled); null while running. */
  finishedAt: z.number().nullable(),
  /** Its settings as `name: value` text (data, target, hidden, epochs, learning_rate, …), to say what differs. */
  settings: z.record(z.string(), z.string()),
});
export type TrainingJob = z.infer<typeof TrainingJob>;

/** A cell of one row typed into the predict panel. */
const Cell = z.union([z.number(), z.string(), z.boolean(), z.null()]);

/** Methods of models. */
export const modelMethods = {
  'models.list': { input: z.object({}).strict(), output: z.array(ModelSummary) },
  'models.get': {
    input: z.object({ name: ModelName }).strict(),
    output: z.object({ model: ModelSummary, versions: z.array(ModelVersion) }),
  },
  'models.version': {
    input: z.object({ ref: ModelRef }).strict(),
    output: z.object({ version: ModelVersion, lineage: z.array(LineageLink) }),
  },
  'models.import': {
    input: z
      .object({ path: z.string().min(1), name: ModelName, features: z.array(z.string().min(1)).optional() })
      .strict(),
    output: ImportResult,
  },
  'models.export': {
    input: z.object({ ref: ModelRef, out: z.string().min(1) }).strict(),
    output: z.object({ path: z.string(), hash: z.string(), size: z.number().int() }),
  },
  /** A version's ONNX bytes (base64) for a download in the browser; refused above 256 MB. */
  'models.download': {
    input: z.object({ ref: ModelRef }).strict(),
    output: z.object({ fileName: z.string(), base64: z.string(), size: z.number().int(), hash: z.string() }),
  },
  'models.bench': {
    input: z.object({ ref: ModelRef, provider: InferenceProvider.optional() }).strict(),
    output: BenchResult,
  },
  'models.predictRow': {
    input: z.object({ ref: ModelRef, row: z.record(z.string(), Cell) }).strict(),
    output: z.object({
      outputs: z.record(z.string(), z.union([z.number(), z.string(), z.array(z.union([z.number(), z.string()]))])),
    }),
  },
  'models.predict': {
    input: z
      .object({
        ref: ModelRef,
        data: z.string().min(1),
        out: z.string().min(1),
        features: z.array(z.string().min(1)).optional(),
        provider: InferenceProvider.optional(),
        /** Input columns copied through to the output, first (an id, say). */
        keep: z.array(z.string().min(1)).optional(),
        /** The label column for metrics; the model's target by default, used when the data has it. */
        label: z.string().min(1).optional(),
      })
      .strict(),
    output: z.object({
      rows: z.number().int(),
      out: z.string(),
      columns: z.array(z.string()),
      seconds: z.number(),
      provider: z.string(),
      /** The output file's first rows. */
      preview: z.object({
        columns: z.array(z.string()),
        rows: z.array(z.array(z.union([z.string(), z.number(), z.boolean(), z.null()]))),
      }),
      /** Metrics against the label column (accuracy… for a classifier, rmse/mae for a regressor), when the data has it. */
      evaluation: z
        .object({ label: z.string(), labeledRows: z.number().int(), metrics: z.record(z.string(), z.number()) })
        .nullable(),
    }),
  },
  /** Stops the app's scorings (`models.predict` calls) of a version; their partial output is removed. */
  'models.cancelPredict': {
    input: z.object({ ref: ModelRef }).strict(),
    output: z.object({ cancelled: z.number().int() }),
  },
  /** An output file `models.predict` wrote (in this server's lifetime) as base64, for a download in the browser. */
  'models.downloadScores': {
    input: z.object({ out: z.string().min(1) }).strict(),
    output: z.object({ fileName: z.string(), base64: z.string(), size: z.number().int() }),
  },
  'models.backends': {
    input: z.object({}).strict(),
    output: z.array(z.object({ name: z.string(), available: z.boolean(), detail: z.string() })),
  },
  'models.train': { input: TrainOptions, output: z.object({ jobId: z.string() }) },
  'models.trainingJobs': { input: z.object({}).strict(), output: z.array(TrainingJob) },
  'models.cancelTraining': {
    input: z.object({ jobId: z.string().min(1) }).strict(),
    output: z.object({ cancelled: z.boolean() }),
  },
} as const;

/** Events of models. */
export const modelEvents = {
  'models.changed': z.object({
    model: z.string(),
    version: z.number().int().nullable(),
    change: z.enum(['created', 'benchmarked', 'updated', 'aliased', 'deleted']),
  }),
  'models.trainingProgress': TrainingProgress,
  'models.trainingFinished': TrainingJob,
  'models.predictProgress': z.object({
    ref: z.string(),
    rows: z.number().int(),
    totalRows: z.number().int().nullable(),
  }),
} as const;
