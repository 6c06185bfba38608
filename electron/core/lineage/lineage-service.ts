/**
 * Lineage has one room: every edge between datasets, runs and models is written and read here, so no
 * feature writes into `lineage_edges` or reads another feature's tables to name a neighbour. Features
 * register how to name their own kind of entity (`registerKind`); walks up and down the graph are
 * recursive CTEs with a depth limit, so a long chain of versions never loads the whole table.
 */
import type { LineageEdge, LineageEntity, LineageGraph } from '../../../shared/contract/lineage.js';
import { LatheError } from '../../../shared/errors.js';
import type { Db } from '../store/database.js';

/** An entity as the store keys it. */
export interface EntityKey {
  kind: string;
  id: string;
}

/** What a feature says about one of its entities (undefined when it no longer exists). */
export interface EntityDescription {
  label: string;
  name?: string | null;
  version?: number | null;
  experimentId?: string | null;
  /** Registry aliases that point at it (model versions). */
  aliases?: string[];
}

/** How a feature names and finds its entities. */
export interface LineageKindSource {
  /** The short prefix people type (`dataset` in `dataset:NAME@V`); the kind itself is always accepted too. */
  prefix?: string;
  /** Turns what follows the prefix (`NAME@V`) into the entity's id; throws NOT_FOUND when there is none. */
  resolve?: (reference: string) => string;
  /** Names one entity; undefined when it is gone. */
  describe: (id: string) => EntityDescription | undefined;
}

/** A neighbour of an entity, one edge away. */
export interface LineageNeighbour extends LineageEntity {
  direction: 'upstream' | 'downstream';
  relation: string;
}

/** Which way a walk goes. */
export type LineageDirection = 'upstream' | 'downstream' | 'both';

/** The default and largest depth of a walk. */
export const defaultLineageDepth = 10;
const maxLineageDepth = 50;

interface EdgeRow {
  from_kind: string;
  from_id: string;
  to_kind: string;
  to_id: string;
  relation: string;
}

/** The lineage service (`core.lineage`). */
export class LineageService {
  private readonly kinds = new Map<string, LineageKindSource>();

  constructor(private readonly db: Db) {}

  /** Registers how entities of `kind` are named and found (each feature registers its own). */
  registerKind(kind: string, source: LineageKindSource): void {
    this.kinds.set(kind, source);
  }

  /**
   * Records that `from` led to `to`. Idempotent; call it inside the caller's transaction so the edge
   * commits with the rows it joins.
   */
  add(from: EntityKey, to: EntityKey, relation: string, at = Date.now()): void {
    this.db
      .prepare(
        'INSERT OR IGNORE INTO lineage_edges (from_kind, from_id, to_kind, to_id, relation, created_at) VALUES (?, ?, ?, ?, ?, ?)',
      )
      .run(from.kind, from.id, to.kind, to.id, relation, at);
  }

  /**
   * Removes the edges touching `entity` (only those of `relations` when given), for a feature deleting
   * one of its own entities. Call it inside the caller's transaction, like {@link add}.
   */
  remove(entity: EntityKey, relations?: readonly string[]): void {
    const only = relations ? ` AND relation IN (${relations.map(() => '?').join(', ')})` : '';
    this.db
      .prepare(
        `DELETE FROM lineage_edges WHERE ((to_kind = ? AND to_id = ?) OR (from_kind = ? AND from_id = ?))${only}`,
      )
      .run(entity.kind, entity.id, entity.kind, entity.id, ...(relations ?? []));
  }

  /** The ids of the `kind` entities that `from` leads to, without describing them (cheap, for bookkeeping edges). */
  targetIds(from: EntityKey, kind: string): string[] {
    return this.db
      .prepare<[string, string, string], { to_id: string }>(
        'SELECT to_id FROM lineage_edges WHERE from_kind = ? AND from_id = ? AND to_kind = ? ORDER BY id',
      )
      .all(from.kind, from.id, kind)
      .map((row) => row.to_id);
  }

  /** Every edge touching `entity`, as the entity on the other end, oldest edge first. */
  neighbours(entity: EntityKey): LineageNeighbour[] {
    const rows = this.db
      .prepare<[string, string, string, string], EdgeRow>(
        `SELECT from_kind, from_id, to_kind, to_id, relation FROM lineage_edges
         WHERE (to_kind = ? AND to_id = ?) OR (from_kind = ? AND from_id = ?) ORDER BY id`,
      )
      .all(entity.kind, entity.id, entity.kind, entity.id);
    return rows.map((row) => {
      const upstream = row.to_kind === entity.kind && row.to_id === entity.id;
      const other = upstream ? { kind: row.from_kind, id: row.from_id } : { kind: row.to_kind, id: row.to_id };
      return { direction: upstream ? 'upstream' : 'downstream', relation: row.relation, ...this.describe(other) };
    });
  }

  /** Everything `entity` came from, up to `depth` edges back (nearest first). */
  ancestors(entity: EntityKey, depth = defaultLineageDepth): LineageEntity[] {
    return this.graph(entity, { direction: 'upstream', depth }).nodes.filter((node) => !sameEntity(node, entity));
  }

  /** Everything that came from `entity`, up to `depth` edges on (nearest first). */
  descendants(entity: EntityKey, depth = defaultLineageDepth): LineageEntity[] {
    return this.graph(entity, { direction: 'downstream', depth }).nodes.filter((node) => !sameEntity(node, entity));
  }

  /** The nodes and edges within `depth` edges of `entity`, upstream, downstream or both. */
  graph(entity: EntityKey, options: { direction?: LineageDirection; depth?: number } = {}): LineageGraph {
    const direction = options.direction ?? 'both';
    const depth = Math.min(Math.max(1, Math.floor(options.depth ?? defaultLineageDepth)), maxLineageDepth);
    const order = new Map<string, EntityKey & { depth: number }>([[keyOf(entity), { ...entity, depth: 0 }]]);
    const edges = new Map<string, LineageEdge>();
    let truncated = false;
    for (const way of direction === 'both' ? (['upstream', 'downstream'] as const) : [direction]) {
      const walked = this.walk(entity, way, depth);
      truncated ||= walked.truncated;
      for (const node of walked.nodes) {
        const seen = order.get(keyOf(node));
        if (!seen || seen.depth > node.depth) order.set(keyOf(node), node);
      }
      for (const edge of walked.edges) edges.set(`${keyOf(edge.from)}>${keyOf(edge.to)}>${edge.relation}`, edge);
    }
    const nodes = [...order.values()].sort((a, b) => a.depth - b.depth).map((node) => this.describe(node));
    return { root: nodes[0]!, nodes, edges: [...edges.values()], truncated };
  }

  /** Parses `dataset:NAME@V`, `model:NAME@V`, `run:ID` or `KIND:ID` into the entity's key. */
  parseEntity(reference: string): EntityKey {
    const colon = reference.indexOf(':');
    const prefix = colon > 0 ? reference.slice(0, colon) : '';
    const rest = colon > 0 ? reference.slice(colon + 1) : '';
    const known = [...this.kinds.entries()].map(([kind, source]) => source.prefix ?? kind);
    if (!rest)
      throw new LatheError(
        'BAD_INPUT',
        `"${reference}" is not an entity; use ${known.map((p) => `${p}:…`).join(', ')}`,
        {
          entity: reference,
        },
      );
    for (const [kind, source] of this.kinds) {
      if (prefix === kind) {
        if (!source.describe(rest))
          throw new LatheError('NOT_FOUND', `No ${kind} with id ${rest}`, { entity: reference });
        return { kind, id: rest };
      }
      if (prefix === source.prefix) return { kind, id: source.resolve ? source.resolve(rest) : rest };
    }
    throw new LatheError(
      'BAD_INPUT',
      `"${prefix}" is not a kind of entity; use ${known.map((p) => `${p}:…`).join(', ')}`,
      { entity: reference },
    );
  }

  /** An entity with its label and page fields, from the feature that owns its kind. */
  describe(entity: EntityKey): LineageEntity {
    const found = this.kinds.get(entity.kind)?.describe(entity.id);
    return {
      kind: entity.kind,
      id: entity.id,
      label: found?.label ?? `${entity.kind.replace('_', ' ')} ${entity.id}`,
      name: found?.name ?? null,
      version: found?.version ?? null,
      experimentId: found?.experimentId ?? null,
      exists: found !== undefined,
      aliases: found?.aliases ?? [],
    };
  }

  /** One recursive walk; asks one level deeper than `depth` to tell whether the limit cut anything off. */
  private walk(
    entity: EntityKey,
    way: 'upstream' | 'downstream',
    depth: number,
  ): { nodes: (EntityKey & { depth: number })[]; edges: LineageEdge[]; truncated: boolean } {
    // Upstream follows edges from their `to` end back to `from`; downstream the other way.
    const [near, far] = way === 'upstream' ? (['to', 'from'] as const) : (['from', 'to'] as const);
    const rows = this.db
      .prepare<[string, string, number], EdgeRow & { depth: number }>(
        `WITH RECURSIVE walk(kind, id, depth) AS (
           SELECT ?, ?, 0
           UNION
           SELECT e.${far}_kind, e.${far}_id, w.depth + 1
           FROM lineage_edges e JOIN walk w ON e.${near}_kind = w.kind AND e.${near}_id = w.id
           WHERE w.depth < ?
         )
         SELECT e.from_kind, e.from_id, e.to_kind, e.to_id, e.relation, min(w.depth) AS depth
         FROM lineage_edges e JOIN walk w ON e.${near}_kind = w.kind AND e.${near}_id = w.id
         GROUP BY e.id ORDER BY depth, e.id`,
      )
      .all(entity.kind, entity.id, depth);
    const nodes: (EntityKey & { depth: number })[] = [];
    const edges: LineageEdge[] = [];
    let truncated = false;
    for (const row of rows) {
      if (row.depth >= depth) {
        truncated = true;
        continue;
      }
      const from = { kind: row.from_kind, id: row.from_id };
      const to = { kind: row.to_kind, id: row.to_id };
      edges.push({ from, to, relation: row.relation });
      nodes.push({ ...(way === 'upstream' ? from : to), depth: row.depth + 1 });
    }
    return { nodes, edges, truncated };
  }
}

function keyOf(entity: EntityKey): string {
  return `${entity.kind}:${entity.id}`;
}

function sameEntity(a: EntityKey, b: EntityKey): boolean {
  return a.kind === b.kind && a.id === b.id;
}
