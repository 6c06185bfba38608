/**
 * Turns MLflow filter clauses (parsed by tracking/search-filter.ts) into parameterised SQL for the
 * registry's own tables: attributes map to columns, `tags.<key>` to an EXISTS on a tag table. Values are
 * always bound, never spliced into the SQL text.
 */
import { LatheError } from '../../../shared/errors.js';
import { likeToGlob, type FilterClause } from '../tracking/search-filter.js';

/** The columns and tag table one search runs over. */
export interface FilterTarget {
  attributes: Record<string, { column: string; numeric: boolean }>;
  /** `SELECT 1 FROM <table> t WHERE t.<owner> = <ownerColumn>`; null when the entity has no tags. */
  tags: { table: string; owner: string; ownerColumn: string } | null;
  /** `SELECT 1 FROM <table> p WHERE …` for `params.<key>`; null when the entity has no params. */
  params?: { table: string; owner: string; ownerColumn: string } | null;
}

/** One SQL condition and its bound values per clause, joined with AND. */
export function filterSql(clauses: FilterClause[], target: FilterTarget): { sql: string; values: unknown[] } {
  const parts: string[] = [];
  const values: unknown[] = [];
  for (const clause of clauses) {
    if (clause.entity === 'attribute') {
      const attribute = target.attributes[clause.key];
      if (!attribute)
        throw new LatheError('BAD_INPUT', `Invalid attribute key "${clause.key}" in filter`, { field: 'filter' });
      parts.push(comparison(attribute.column, clause, values));
    } else if ((clause.entity === 'tag' && target.tags) || (clause.entity === 'param' && target.params)) {
      const table = clause.entity === 'tag' ? target.tags! : target.params!;
      values.push(clause.key);
      parts.push(
        `EXISTS (SELECT 1 FROM ${table.table} x WHERE x.${table.owner} = ${table.ownerColumn} AND x.key = ? AND ${comparison('x.value', clause, values)})`,
      );
    } else {
      throw new LatheError('BAD_INPUT', `Filtering on ${clause.entity}s is not supported here`, { field: 'filter' });
    }
  }
  return { sql: parts.length ? parts.join(' AND ') : '1', values };
}

function comparison(column: string, clause: FilterClause, values: unknown[]): string {
  switch (clause.comparator) {
    case 'IS NULL':
      return `${column} IS NULL`;
    case 'IS NOT NULL':
      return `${column} IS NOT NULL`;
    case 'IN':
    case 'NOT IN': {
      const list = clause.value as string[];
      values.push(...list);
      return `${column} ${clause.comparator} (${list.map(() => '?').join(', ')})`;
    }
    case 'LIKE':
      // SQLite's LIKE ignores case; MLflow's LIKE does not, so it becomes a GLOB.
      values.push(likeToGlob(String(clause.value)));
      return `${column} GLOB ?`;
    case 'ILIKE':
      values.push(clause.value);
      return `${column} LIKE ?`;
    default:
      values.push(clause.value);
      return `${column} ${clause.comparator} ?`;
  }
}
