/**
 * Contract: the model registry (issue 10). Descriptions, tags, aliases (champion, production…) that move
 * between versions with their history, renames and deletes. Models and versions themselves are in
 * models.ts; `NAME@ALIAS` is accepted wherever a model reference is.
 */
import { z } from 'zod';
import { ModelName, ModelRef, ModelSummary, ModelVersion } from './models.js';

/** An alias name, checked as MLflow does (letters, digits, `_`, `-`; `latest` and `v3` reserved); Lathe also reserves all-digit names. */
export const AliasName = z
  .string()
  .trim()
  .min(1, 'alias must not be empty')
  .max(255, 'alias must be at most 255 characters')
  .regex(/^[A-Za-z0-9_-]+$/, 'alias may hold only letters, digits, "_" and "-"')
  .refine(
    (alias) => alias.toLowerCase() !== 'latest',
    'alias "latest" is reserved (it always means the newest version)',
  )
  .refine((alias) => !/^[vV]?\d+$/.test(alias), 'alias must not look like a version number (3 or v3)');

/** A tag key of a model or version. */
const TagKey = z.string().min(1, 'tag key must not be empty').max(250, 'tag key must be at most 250 characters');

/** One move of an alias: set (fromVersion null), moved, or removed (toVersion null). */
export const AliasEvent = z.object({
  model: z.string(),
  alias: z.string(),
  fromVersion: z.number().int().nullable(),
  toVersion: z.number().int().nullable(),
  /** Who made the change: the local user, or the MLflow client's user. */
  actor: z.string(),
  at: z.number(),
});
export type AliasEvent = z.infer<typeof AliasEvent>;

/** What a delete removed: the versions, and how many objects lost their last reference (and were removed). */
export const DeleteResult = z.object({
  model: z.string(),
  versions: z.array(z.number().int()),
  objectsRemoved: z.number().int(),
  /** Objects still referenced by something else (another version, a dataset, an artifact), so kept. */
  objectsKept: z.number().int(),
});
export type DeleteResult = z.infer<typeof DeleteResult>;

/** Where an MLflow-registered version's files are, with its MLmodel and requirements (browsable in the app). */
export const MlflowVersionFiles = z.object({
  source: z.string(),
  storageLocation: z.string(),
  modelId: z.string().nullable(),
  runId: z.string().nullable(),
  flavors: z.array(z.string()),
  files: z.array(z.object({ path: z.string(), size: z.number().int() })),
  mlmodel: z.string().nullable(),
  requirements: z.string().nullable(),
});
export type MlflowVersionFiles = z.infer<typeof MlflowVersionFiles>;

/** One value on each side of a diff (null where a side has none). */
const Sides = z.object({ key: z.string(), a: z.string().nullable(), b: z.string().nullable(), same: z.boolean() });

/** Two versions side by side: settings, metrics, data, schemas, ONNX graph and weights (issue 10). */
export const ModelDiff = z.object({
  a: z.object({ ref: z.string(), id: z.string(), source: z.string() }),
  b: z.object({ ref: z.string(), id: z.string(), source: z.string() }),
  settings: z.array(Sides),
  metrics: z.array(
    z.object({
      key: z.string(),
      a: z.number().nullable(),
      b: z.number().nullable(),
      delta: z.number().nullable(),
      /** Which direction is better for this metric, when known. */
      direction: z.enum(['higher', 'lower']).nullable(),
      verdict: z.enum(['better', 'worse', 'same', 'unknown']),
    }),
  ),
  data: z.object({
    /** The dataset versions each was trained on (the renderer builds their routes from the name). */
    a: z.object({ id: z.string(), label: z.string(), name: z.string().nullable() }).nullable(),
    b: z.object({ id: z.string(), label: z.string(), name: z.string().nullable() }).nullable(),
    same: z.boolean(),
  }),
  schema: z.array(
    z.object({
      side: z.enum(['input', 'output']),
      name: z.string(),
      change: z.enum(['added', 'removed', 'changed', 'same']),
      a: z.string().nullable(),
      b: z.string().nullable(),
    }),
  ),
  graph: z
    .object({
      producer: z.tuple([z.string(), z.string()]),
      opsets: z.tuple([z.record(z.string(), z.number()), z.record(z.string(), z.number())]),
      nodeCount: z.tuple([z.number().int(), z.number().int()]),
      parameterCount: z.tuple([z.number().int(), z.number().int()]),
      operators: z.array(z.object({ op: z.string(), a: z.number().int(), b: z.number().int() })),
      nodes: z.object({
        added: z.array(z.object({ key: z.string(), op: z.string() })),
        removed: z.array(z.object({ key: z.string(), op: z.string() })),
        changed: z.array(z.object({ key: z.string(), op: z.string(), changes: z.array(z.string()) })),
        unchanged: z.number().int(),
      }),
      initializers: z.array(
        z.object({
          name: z.string(),
          shapeA: z.array(z.number()).nullable(),
          shapeB: z.array(z.number()).nullable(),
          /** L2 norm of b − a, largest |b − a|, and ‖b − a‖ / ‖a‖, for aligned float tensors of one shape. */
          l2: z.number().nullable(),
          maxAbs: z.number().nullable(),
          relative: z.number().nullable(),
        }),
      ),
    })
    .nullable(),
  /** Why there is no graph section (a version that is not ONNX). */
  graphNote: z.string().nullable(),
});
export type ModelDiff = z.infer<typeof ModelDiff>;

/** Two versions' predictions on one dataset version. */
export const PredictionDiff = z.object({
  data: z.string(),
  rows: z.number().int(),
  kind: z.enum(['classification', 'regression']),
  /** Share of rows where both predict the same label (classifiers). */
  agreement: z.number().nullable(),
  /** counts[i][j]: rows A labels labelsA[i] and B labels labelsB[j] (classifiers). */
  confusion: z
    .object({ labelsA: z.array(z.string()), labelsB: z.array(z.string()), counts: z.array(z.array(z.number().int())) })
    .nullable(),
  regression: z
    .object({ output: z.string(), meanAbsDelta: z.number(), maxAbsDelta: z.number(), rmseBetween: z.number() })
    .nullable(),
  /** The rows where the two differ most, with their input values. */
  topRows: z.array(
    z.object({
      row: z.number().int(),
      a: z.string(),
      b: z.string(),
      score: z.number(),
      inputs: z.record(z.string(), z.union([z.string(), z.number(), z.null()])),
    }),
  ),
});
export type PredictionDiff = z.infer<typeof PredictionDiff>;

/** One ONNX graph for the graph page: nodes, the tensors between them, and the weights' shapes. */
export const ModelGraph = z.object({
  ref: z.string(),
  nodes: z.array(
    z.object({
      key: z.string(),
      name: z.string(),
      opType: z.string(),
      inputs: z.array(z.string()),
      outputs: z.array(z.string()),
      attributes: z.record(z.string(), z.string()),
    }),
  ),
  /** node key → node key, through a tensor one produces and the other consumes. */
  edges: z.array(z.object({ from: z.string(), to: z.string(), tensor: z.string() })),
  initializers: z.array(z.object({ name: z.string(), dims: z.array(z.number()), dataType: z.number().int() })),
  inputs: z.array(z.string()),
  outputs: z.array(z.string()),
});
export type ModelGraph = z.infer<typeof ModelGraph>;

/** Methods of the registry. */
export const registryMethods = {
  'registry.create': {
    input: z
      .object({
        name: ModelName,
        description: z.string().max(100_000).optional(),
        tags: z.record(TagKey, z.string()).optional(),
      })
      .strict(),
    output: ModelSummary,
  },
  'registry.describe': {
    input: z.object({ name: ModelName, description: z.string().max(100_000) }).strict(),
    output: ModelSummary,
  },
  'registry.describeVersion': {
    input: z.object({ ref: ModelRef, description: z.string().max(100_000) }).strict(),
    output: ModelVersion,
  },
  'registry.setTag': {
    input: z.object({ name: ModelName, key: TagKey, value: z.string() }).strict(),
    output: z.object({}),
  },
  'registry.deleteTag': { input: z.object({ name: ModelName, key: TagKey }).strict(), output: z.object({}) },
  'registry.setAlias': {
    input: z.object({ ref: ModelRef, alias: AliasName }).strict(),
    output: z.object({
      model: z.string(),
      alias: z.string(),
      version: z.number().int(),
      previousVersion: z.number().int().nullable(),
    }),
  },
  'registry.removeAlias': {
    input: z.object({ name: ModelName, alias: AliasName }).strict(),
    output: z.object({ model: z.string(), alias: z.string(), previousVersion: z.number().int() }),
  },
  'registry.aliasHistory': {
    input: z.object({ name: ModelName, alias: AliasName.optional() }).strict(),
    output: z.array(AliasEvent),
  },
  /** null for a version Lathe trained or imported (it has no MLflow model folder). */
  'registry.mlflowFiles': { input: z.object({ ref: ModelRef }).strict(), output: MlflowVersionFiles.nullable() },
  'registry.diff': {
    input: z.object({ a: ModelRef, b: ModelRef, all: z.boolean().optional() }).strict(),
    output: ModelDiff,
  },
  'registry.diffPredictions': {
    input: z
      .object({ a: ModelRef, b: ModelRef, data: z.string().trim().min(1, 'data must name a dataset NAME@V') })
      .strict(),
    output: PredictionDiff,
  },
  'registry.graph': { input: z.object({ ref: ModelRef }).strict(), output: ModelGraph },
  'registry.rename': { input: z.object({ name: ModelName, newName: ModelName }).strict(), output: ModelSummary },
  /** `confirm` must repeat the name: deleting is for good, so a caller has to mean this model. */
  'registry.deleteModel': {
    input: z
      .object({ name: ModelName, confirm: z.string() })
      .strict()
      .refine((input) => input.confirm === input.name, {
        message: 'confirm must repeat the model name to delete it',
        path: ['confirm'],
      }),
    output: DeleteResult,
  },
  'registry.deleteVersion': {
    input: z
      .object({ ref: ModelRef, confirm: z.string() })
      .strict()
      .refine((input) => input.confirm === input.ref, {
        message: 'confirm must repeat the reference (NAME@V) to delete that version',
        path: ['confirm'],
      }),
    output: DeleteResult,
  },
} as const;

/** Events of the registry (changes are announced as models.changed). */
export const registryEvents = {} as const;
