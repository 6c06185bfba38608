/**
 * Experiment search: MLflow's filter grammar (search-filter.ts) turned into one SQL query over
 * `experiments e`, with the same comparison evaluator as run search (run-search.ts). Matching happens in
 * SQLite (LIKE becomes GLOB), so a pattern such as `name LIKE '%%%%%%%%a'` costs linear time instead of
 * the catastrophic backtracking a pattern-to-RegExp translation had.
 */
import { LatheError } from '../../../shared/errors.js';
import { comparisonSql, type SqlPart } from '../tracking/run-search.js';
import { parseFilter, type FilterClause } from '../tracking/search-filter.js';

/** Experiment attributes that can be filtered on, as columns of `experiments e`. */
export const experimentAttributes: Record<string, { column: string; numeric: boolean }> = {
  name: { column: 'e.name', numeric: false },
  experiment_id: { column: 'CAST(e.id AS TEXT)', numeric: false },
  creation_time: { column: 'e.created_at', numeric: true },
  last_update_time: { column: 'e.updated_at', numeric: true },
  lifecycle_stage: { column: 'e.lifecycle_stage', numeric: false },
};

/** Attributes experiments can be ordered by. */
const orderColumns: Record<string, string> = {
  name: 'e.name',
  experiment_id: 'e.id',
  creation_time: 'e.created_at',
  last_update_time: 'e.updated_at',
};

/** The most order_by entries one search takes. */
export const maxExperimentOrderBy = 10;

/** The WHERE conditions (over `experiments e`) of a filter string. */
export function experimentFilterToSql(filter: string | undefined): SqlPart {
  const parts: string[] = [];
  const params: unknown[] = [];
  for (const clause of parseFilter(filter, experimentAttributes)) {
    const part = clauseToSql(clause);
    parts.push(part.sql);
    params.push(...part.params);
  }
  return { sql: parts.length ? parts.join(' AND ') : '1', params };
}

function clauseToSql(clause: FilterClause): SqlPart {
  if (clause.entity === 'attribute') return comparisonSql(experimentAttributes[clause.key]!.column, clause);
  if (clause.entity !== 'tag')
    throw new LatheError(
      'BAD_INPUT',
      `Experiments can be filtered by attributes and tags only, not ${clause.entity}s`,
      { field: 'filter' },
    );
  const exists = 'SELECT 1 FROM experiment_tags x WHERE x.experiment_id = e.id AND x.key = ?';
  if (clause.comparator === 'IS NULL') return { sql: `NOT EXISTS (${exists})`, params: [clause.key] };
  if (clause.comparator === 'IS NOT NULL') return { sql: `EXISTS (${exists})`, params: [clause.key] };
  const inner = comparisonSql('x.value', clause);
  return { sql: `EXISTS (${exists} AND ${inner.sql})`, params: [clause.key, ...inner.params] };
}

/** ORDER BY for experiment order_by entries (`name`, `attributes.creation_time DESC` …); newest first last. */
export function experimentOrderToSql(orderBy: readonly string[] | undefined): string {
  const entries = orderBy ?? [];
  if (entries.length > maxExperimentOrderBy)
    throw new LatheError(
      'BAD_INPUT',
      `order_by takes at most ${maxExperimentOrderBy} entries for experiments; got ${entries.length}`,
      { field: 'order_by' },
    );
  const terms = entries.map((entry) => {
    const match = /^\s*(?:attributes?\.)?(\w+)(?:\s+(ASC|DESC))?\s*$/i.exec(entry);
    const column = match ? orderColumns[match[1]!] : undefined;
    if (!match || column === undefined)
      throw new LatheError(
        'BAD_INPUT',
        `Invalid order_by "${entry.slice(0, 100)}": experiments are ordered by name, experiment_id, creation_time or last_update_time`,
        { field: 'order_by' },
      );
    return `${column} ${(match[2] ?? 'ASC').toUpperCase()}`;
  });
  return [...terms, 'e.created_at DESC', 'e.id DESC'].join(', ');
}
