/**
 * Lineage: which dataset versions, runs and model versions came from which. The core answers with
 * entities (kind, id, a person's label and the names a page needs); the renderer builds its own routes.
 */
import { z } from 'zod';

/** The kinds of entity an edge joins (`file` is a path a dataset version was read from). */
export const LineageKind = z.enum(['dataset_version', 'run', 'model_version', 'file']);
export type LineageKind = z.infer<typeof LineageKind>;

/** One entity of the lineage graph, with what a page needs to link to it. */
export const LineageEntity = z.object({
  kind: z.string(),
  id: z.string(),
  label: z.string(),
  /** Dataset or model name (dataset_version, model_version), else null. */
  name: z.string().nullable(),
  /** Version number (dataset_version, model_version), else null. */
  version: z.number().int().nullable(),
  /** The run's experiment (run), else null. */
  experimentId: z.string().nullable(),
  /** False when the edge names an entity that no longer exists (a deleted run). */
  exists: z.boolean(),
  /** Registry aliases pointing at this entity (model_version: `champion`, `staging`), else empty. */
  aliases: z.array(z.string()),
});
export type LineageEntity = z.infer<typeof LineageEntity>;

/** One edge: `from` produced, fed or preceded `to`. */
export const LineageEdge = z.object({
  from: z.object({ kind: z.string(), id: z.string() }),
  to: z.object({ kind: z.string(), id: z.string() }),
  relation: z.string(),
});
export type LineageEdge = z.infer<typeof LineageEdge>;

/** A neighbourhood of the lineage graph around one entity. */
export const LineageGraph = z.object({
  root: LineageEntity,
  nodes: z.array(LineageEntity),
  edges: z.array(LineageEdge),
  /** True when the depth limit cut the walk short (more exists beyond the outermost nodes). */
  truncated: z.boolean(),
});
export type LineageGraph = z.infer<typeof LineageGraph>;

/** Lineage methods. */
export const lineageMethods = {
  /**
   * The graph around an entity named `dataset:NAME@V`, `model:NAME@V` or `run:ID`: its ancestors
   * (upstream), descendants (downstream) or both, up to `depth` edges away.
   */
  'lineage.graph': {
    input: z
      .object({
        entity: z.string().min(1).max(300),
        direction: z.enum(['upstream', 'downstream', 'both']).default('both'),
        depth: z.number().int().min(1).max(50).default(10),
      })
      .strict(),
    output: LineageGraph,
  },
} as const;

/** Lineage events (none: the graph changes with datasets.changed, models.changed and runs.changed). */
export const lineageEvents = {} as const;
