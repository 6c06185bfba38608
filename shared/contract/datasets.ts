/** Contract: datasets, their content-addressed versions, profiles, diffs and the read-only SQL box. */
import { z } from 'zod';

/** The file formats Lathe reads. */
export const DatasetFormat = z.enum(['csv', 'tsv', 'parquet', 'jsonl']);
export type DatasetFormat = z.infer<typeof DatasetFormat>;

/** A column's type as Lathe shows it (inferred, or overridden by the user). */
export const ColumnType = z.enum(['integer', 'float', 'boolean', 'categorical', 'datetime', 'text']);
export type ColumnType = z.infer<typeof ColumnType>;

/** A dataset name: what `NAME@3` starts with. */
export const DatasetName = z
  .string()
  .trim()
  .min(1, 'name must not be empty')
  .max(200, 'name must be at most 200 characters')
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._-]*$/,
    'name may hold letters, digits, ".", "_" and "-", and must start with a letter or digit',
  );

/** A version reference: NAME, NAME@latest or NAME@3. */
export const DatasetRef = z
  .string()
  .trim()
  .min(1, 'reference must not be empty')
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*(@(latest|\d+))?$/, 'reference must look like NAME, NAME@latest or NAME@3');

/** One column of a version's schema. */
export const DatasetColumn = z.object({
  name: z.string(),
  type: ColumnType,
  /** What Lathe inferred; differs from `type` when the user overrode it. */
  inferredType: ColumnType,
});
export type DatasetColumn = z.infer<typeof DatasetColumn>;

/** Where a version's bytes came from. */
export const DatasetOrigin = z.object({
  path: z.string(),
  size: z.number(),
  mtimeMs: z.number(),
});

/** One version of a dataset. */
export const DatasetVersion = z.object({
  id: z.string(),
  datasetId: z.string(),
  name: z.string(),
  version: z.number().int(),
  hash: z.string(),
  size: z.number(),
  format: DatasetFormat,
  rows: z.number().int(),
  columns: z.array(DatasetColumn),
  message: z.string(),
  origin: DatasetOrigin.nullable(),
  parentVersion: z.number().int().nullable(),
  createdAt: z.number(),
});
export type DatasetVersion = z.infer<typeof DatasetVersion>;

/** A dataset in the list, with its latest version. */
export const DatasetSummary = z.object({
  id: z.string(),
  name: z.string(),
  versionCount: z.number().int(),
  latest: DatasetVersion,
  createdAt: z.number(),
  updatedAt: z.number(),
});
export type DatasetSummary = z.infer<typeof DatasetSummary>;

/** A histogram: `counts[i]` values fall in [edges[i], edges[i+1]) (the last bin includes its right edge). */
export const Histogram = z.object({ edges: z.array(z.number()), counts: z.array(z.number()) });
export type Histogram = z.infer<typeof Histogram>;

/** A cell value as it crosses the contract. */
export const Cell = z.union([z.string(), z.number(), z.boolean(), z.null()]);
export type Cell = z.infer<typeof Cell>;

/** The quantiles every numeric profile holds. */
export const quantileLevels = [0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99] as const;

/** The statistics of one column. */
export const ColumnProfile = z.object({
  name: z.string(),
  type: ColumnType,
  count: z.number().int(),
  missing: z.number().int(),
  unique: z.number().int(),
  /** False when `unique` is an estimate (HyperLogLog) because the column has more distinct values than the exact bound. */
  uniqueExact: z.boolean(),
  min: Cell,
  max: Cell,
  mean: z.number().nullable(),
  std: z.number().nullable(),
  /** Values at {@link quantileLevels}, for numeric columns. */
  quantiles: z.array(z.number()).nullable(),
  histogram: Histogram.nullable(),
  /** Most frequent values, for categorical, boolean and text columns. */
  top: z.array(z.object({ value: z.string(), count: z.number().int() })).nullable(),
});
export type ColumnProfile = z.infer<typeof ColumnProfile>;

/** A version's profile: per-column statistics and sample rows. */
export const DatasetProfile = z.object({
  rows: z.number().int(),
  columns: z.array(ColumnProfile),
  sample: z.object({ columns: z.array(z.string()), rows: z.array(z.array(Cell)) }),
  elapsedMs: z.number(),
});
export type DatasetProfile = z.infer<typeof DatasetProfile>;

/** What adding a file gives back. */
export const AddDatasetResult = z.object({
  name: z.string(),
  version: z.number().int(),
  versionId: z.string(),
  hash: z.string(),
  rows: z.number().int(),
  columns: z.number().int(),
  deduplicated: z.boolean(),
});
export type AddDatasetResult = z.infer<typeof AddDatasetResult>;

/** One column's comparison between two versions. */
export const ColumnDiff = z.object({
  name: z.string(),
  change: z.enum(['added', 'removed', 'retyped', 'same']),
  typeA: ColumnType.nullable(),
  typeB: ColumnType.nullable(),
  a: ColumnProfile.nullable(),
  b: ColumnProfile.nullable(),
  /** Stat deltas (B minus A) for the numeric statistics present on both sides. */
  deltas: z.record(z.string(), z.number()),
  /** Both distributions over the same bins, for overlaid histograms (numeric columns). */
  histograms: z.object({ edges: z.array(z.number()), a: z.array(z.number()), b: z.array(z.number()) }).nullable(),
  /** Frequencies over the union of top categories (categorical columns). */
  categories: z.object({ values: z.array(z.string()), a: z.array(z.number()), b: z.array(z.number()) }).nullable(),
  psi: z.number().nullable(),
  wasserstein: z.number().nullable(),
  jensenShannon: z.number().nullable(),
});
export type ColumnDiff = z.infer<typeof ColumnDiff>;

/** Row-level comparison by a key column. */
export const KeyDiff = z.object({
  key: z.string(),
  added: z.number().int(),
  removed: z.number().int(),
  changed: z.number().int(),
  unchanged: z.number().int(),
  /** The columns compared to tell changed rows (present in both with the same type). */
  columns: z.array(z.string()),
  /** Columns in both versions but retyped, so not compared value by value. */
  skipped: z.array(z.string()),
  samples: z.object({
    added: z.array(z.array(Cell)),
    removed: z.array(z.array(Cell)),
    /** Each changed sample: the key, then for each compared column [valueA, valueB]. */
    changed: z.array(z.object({ key: Cell, before: z.array(Cell), after: z.array(Cell) })),
  }),
});
export type KeyDiff = z.infer<typeof KeyDiff>;

/** The comparison of two versions. */
export const DatasetDiff = z.object({
  a: DatasetVersion,
  b: DatasetVersion,
  rowDelta: z.number().int(),
  added: z.array(z.string()),
  removed: z.array(z.string()),
  retyped: z.array(z.object({ name: z.string(), from: ColumnType, to: ColumnType })),
  columns: z.array(ColumnDiff),
  keyDiff: KeyDiff.nullable(),
});
export type DatasetDiff = z.infer<typeof DatasetDiff>;

/** A result table (SQL box and row pages). */
export const QueryResult = z.object({
  columns: z.array(z.object({ name: z.string(), type: z.string() })),
  rows: z.array(z.array(Cell)),
  truncated: z.boolean(),
  elapsedMs: z.number(),
});
export type QueryResult = z.infer<typeof QueryResult>;

/** Something made from a dataset version: a run that read it, a model version trained on it. */
export const DatasetDependent = z.object({
  /** The version of the dataset it was made from. */
  version: z.number().int(),
  kind: z.enum(['run', 'model_version']),
  id: z.string(),
  /** The lineage relation (input, trained_on). */
  relation: z.string(),
  /** `churn@2`, or the run's name. */
  label: z.string(),
  /** Where it opens in the app; null when it no longer exists. */
  route: z.string().nullable(),
});
export type DatasetDependent = z.infer<typeof DatasetDependent>;

/** What a delete did: the versions gone and how many stored files were freed. */
export const DeleteDatasetResult = z.object({
  name: z.string(),
  versions: z.array(z.number().int()),
  /** True when the whole dataset went (its name is free again). */
  datasetDeleted: z.boolean(),
  objectsRemoved: z.number().int(),
  /** What still named the deleted versions (only with force). */
  orphaned: z.array(DatasetDependent),
});
export type DeleteDatasetResult = z.infer<typeof DeleteDatasetResult>;

/** Methods of datasets. */
export const datasetMethods = {
  'datasets.list': { input: z.object({}).strict(), output: z.array(DatasetSummary) },
  'datasets.versions': { input: z.object({ name: DatasetName }).strict(), output: z.array(DatasetVersion) },
  'datasets.show': {
    input: z.object({ ref: DatasetRef }).strict(),
    output: z.object({ version: DatasetVersion, profile: DatasetProfile }),
  },
  /** Adds a file that is already on this machine (the desktop app's file picker and drop, the CLI). */
  'datasets.addFile': {
    input: z
      .object({
        path: z.string().min(1, 'path must not be empty'),
        name: DatasetName,
        message: z.string().max(2000).optional(),
        format: DatasetFormat.optional(),
      })
      .strict(),
    output: AddDatasetResult,
  },
  /** Adds the bundled sample dataset (two versions of "customers-sample") to try profiles and diffs. */
  'datasets.addSample': { input: z.object({}).strict(), output: z.array(AddDatasetResult) },
  'datasets.setColumnType': {
    input: z.object({ ref: DatasetRef, column: z.string().min(1), type: ColumnType.nullable() }).strict(),
    output: z.object({ version: DatasetVersion, profile: DatasetProfile }),
  },
  'datasets.rows': {
    input: z
      .object({
        ref: DatasetRef,
        offset: z.number().int().min(0).default(0),
        limit: z.number().int().min(1).max(1000).default(200),
      })
      .strict(),
    output: QueryResult,
  },
  'datasets.sql': {
    input: z
      .object({
        ref: DatasetRef,
        sql: z.string().min(1, 'type a query').max(20000),
        limit: z.number().int().min(1).max(10000).default(1000),
      })
      .strict(),
    output: QueryResult,
  },
  'datasets.diff': {
    input: z.object({ a: DatasetRef, b: DatasetRef, key: z.string().min(1).optional() }).strict(),
    output: DatasetDiff,
  },
  /** NAME deletes the whole dataset, NAME@3 one version; refused while a run or model depends on it unless `force`. */
  'datasets.delete': {
    input: z
      .object({
        ref: z
          .string()
          .trim()
          .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*(@\d+)?$/, 'reference must look like NAME (every version) or NAME@3'),
        force: z.boolean().optional(),
      })
      .strict(),
    output: DeleteDatasetResult,
  },
  /** The runs and model versions made from any version of a dataset (lineage, downstream). */
  'datasets.dependents': { input: z.object({ name: DatasetName }).strict(), output: z.array(DatasetDependent) },
} as const;

/** Events of datasets. */
export const datasetEvents = {
  'datasets.changed': z.object({
    name: z.string(),
    version: z.number().int(),
    change: z.enum(['added', 'retyped', 'deleted']),
  }),
} as const;
