/**
 * Contract: deployable bundles of a model version (issue 13, item 2). `lathe export M@V --target
 * server|lambda|gcf --out DIR|FILE.zip` and the Export panel of a version make a folder or a zip that
 * runs with plain `node` (a dedicated HTTP server, an AWS Lambda handler or a Google Cloud Function),
 * carrying its model, a manifest with every file's SHA-256, golden rows and a self-test.
 */
import { z } from 'zod';
import { ModelRef } from './models.js';
import { ValidationVerdict } from './validation.js';

/** Where a bundle runs. */
export const BundleTarget = z.enum(['server', 'lambda', 'gcf']);
export type BundleTarget = z.infer<typeof BundleTarget>;

/** One request field of a bundle's input schema. */
export const BundleField = z.object({
  name: z.string(),
  /** What JSON value the field takes (null always means a missing value). */
  type: z.enum(['number', 'string']),
  /** The ONNX input it feeds and that input's element type and rank (named inputs). */
  input: z.string(),
  onnxType: z.string(),
  rank: z.number().int(),
  /** Categories seen in training, for a categorical field of a Lathe-trained model. */
  categories: z.array(z.string()).nullable(),
});
export type BundleField = z.infer<typeof BundleField>;

/** A bundle's manifest.json: what it is, where it came from, and the SHA-256 of every file. */
export const BundleManifest = z.object({
  format: z.literal('lathe-bundle/1'),
  lathe: z.string(),
  target: BundleTarget,
  /** How to start it: `node server.js`, `lambda.handler`, or the gcf entry point. */
  entry: z.string(),
  model: z.object({
    name: z.string(),
    version: z.number().int(),
    versionId: z.string(),
    source: z.string(),
    task: z.enum(['classification', 'regression']).nullable(),
    target: z.string().nullable(),
    classes: z.array(z.string()).nullable(),
    sha256: z.string(),
    opset: z.number().int(),
    producer: z.string(),
  }),
  schema: z.object({
    input: z.object({
      /** `named`: one ONNX input per field; `tensor`: the fields, in order, make one 2-D input. */
      mode: z.enum(['named', 'tensor']),
      fields: z.array(BundleField),
      tensorInput: z.string().nullable(),
      elementType: z.string().nullable(),
    }),
    output: z.array(z.object({ name: z.string(), type: z.string() })),
  }),
  metrics: z.record(z.string(), z.number()),
  lineage: z.object({
    run: z.object({ id: z.string(), name: z.string().nullable(), experimentId: z.string().nullable() }).nullable(),
    datasets: z.array(
      z.object({
        id: z.string(),
        label: z.string(),
        relation: z.string(),
        sha256: z.string().nullable(),
      }),
    ),
  }),
  validation: ValidationVerdict.nullable(),
  golden: z.object({ file: z.string(), rows: z.number().int(), source: z.string() }),
  runtime: z.object({ node: z.string(), onnxruntime: z.string(), platform: z.string() }),
  files: z.array(z.object({ path: z.string(), size: z.number().int(), sha256: z.string() })),
});
export type BundleManifest = z.infer<typeof BundleManifest>;

/** The result of a self-test (`node selftest.js --json` in the bundle). */
export const BundleSelftest = z.object({
  passed: z.boolean(),
  checks: z.array(z.object({ name: z.string(), passed: z.boolean(), detail: z.string() })),
  at: z.number(),
  seconds: z.number(),
});
export type BundleSelftest = z.infer<typeof BundleSelftest>;

/** One export of a version, as recorded in the store (lists and the manifest view). */
export const BundleExport = z.object({
  id: z.string(),
  ref: z.string(),
  modelVersionId: z.string(),
  target: BundleTarget,
  out: z.string(),
  format: z.enum(['dir', 'zip']),
  createdAt: z.number(),
  /** Bytes of every file unpacked, and of the zip (null for a folder, except a lambda export, which is measured). */
  unzippedBytes: z.number().int(),
  zippedBytes: z.number().int().nullable(),
  /** SHA-256 of the zip (two exports of one version give the same) or of manifest.json for a folder. */
  sha256: z.string(),
  /** False when the output has since been moved or removed. */
  present: z.boolean(),
  manifest: BundleManifest,
  selftest: BundleSelftest.nullable(),
});
export type BundleExport = z.infer<typeof BundleExport>;

/** What an export is doing now (the Export panel's progress). */
export const BundleProgress = z.object({
  ref: z.string(),
  target: BundleTarget,
  phase: z.enum(['golden', 'files', 'zip', 'writing', 'done']),
  detail: z.string(),
});
export type BundleProgress = z.infer<typeof BundleProgress>;

/** Methods of bundles. */
export const bundleMethods = {
  'bundles.export': {
    input: z
      .object({
        ref: ModelRef,
        target: BundleTarget,
        /** A folder that does not exist or is empty, or a path ending in .zip that does not exist. */
        out: z.string().trim().min(1, 'out must name a folder or a .zip file'),
        /** Where the golden rows come from (dataset NAME@V or a file); the version's training data by default. */
        golden: z.string().trim().min(1).optional(),
      })
      .strict(),
    output: BundleExport,
  },
  'bundles.list': { input: z.object({ ref: ModelRef }).strict(), output: z.array(BundleExport) },
  'bundles.get': { input: z.object({ id: z.string().min(1) }).strict(), output: BundleExport },
  'bundles.selftest': { input: z.object({ id: z.string().min(1) }).strict(), output: BundleSelftest },
} as const;

/** Events of bundles. */
export const bundleEvents = {
  'bundles.progress': BundleProgress,
  'bundles.changed': z.object({ id: z.string(), modelVersionId: z.string() }),
} as const;
