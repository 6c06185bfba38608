/** Turns parsed MLflow filters and order_by clauses into one SQL query over runs, with every value bound. */
import { LatheError } from '../../../shared/errors.js';
import { likeToGlob, parseFilter, parseOrderBy, runAttributes, type FilterClause } from './search-filter.js';

/** A WHERE fragment with its bound values. */
export interface SqlPart {
  sql: string;
  params: unknown[];
}

/** The WHERE conditions for a filter string (over `runs r`). */
export function filterToSql(filter: string | undefined): SqlPart {
  const clauses = parseFilter(filter);
  const parts: string[] = [];
  const params: unknown[] = [];
  for (const clause of clauses) {
    const part = clauseToSql(clause);
    parts.push(part.sql);
    params.push(...part.params);
  }
  return { sql: parts.length ? parts.join(' AND ') : '1', params };
}

/** One clause's comparison against a column, values bound; runs and experiments share it (one evaluator). */
export function comparisonSql(column: string, clause: FilterClause): SqlPart {
  const { comparator, value } = clause;
  switch (comparator) {
    case 'LIKE':
      return { sql: `${column} GLOB ?`, params: [likeToGlob(String(value))] };
    case 'ILIKE':
      return { sql: `lower(${column}) LIKE lower(?) ESCAPE '\\'`, params: [String(value)] };
    case 'IN':
    case 'NOT IN': {
      const list = value as string[];
      return { sql: `${column} ${comparator} (${list.map(() => '?').join(', ')})`, params: list };
    }
    case 'IS NULL':
      return { sql: `${column} IS NULL`, params: [] };
    case 'IS NOT NULL':
      return { sql: `${column} IS NOT NULL`, params: [] };
    default:
      return { sql: `${column} ${comparator} ?`, params: [value] };
  }
}

function clauseToSql(clause: FilterClause): SqlPart {
  switch (clause.entity) {
    case 'attribute': {
      const attribute = runAttributes[clause.key]!;
      return comparisonSql(attribute.column, clause);
    }
    case 'metric': {
      if (clause.comparator === 'IS NULL')
        return {
          sql: 'NOT EXISTS (SELECT 1 FROM metric_series m WHERE m.run_key = r.key AND m.key = ?)',
          params: [clause.key],
        };
      if (clause.comparator === 'IS NOT NULL')
        return {
          sql: 'EXISTS (SELECT 1 FROM metric_series m WHERE m.run_key = r.key AND m.key = ?)',
          params: [clause.key],
        };
      const value = clause.value as number;
      if (Number.isNaN(value)) {
        const sql =
          clause.comparator === '=' ? 'm.latest_nan = 1' : clause.comparator === '!=' ? 'm.latest_nan = 0' : '0';
        return {
          sql: `EXISTS (SELECT 1 FROM metric_series m WHERE m.run_key = r.key AND m.key = ? AND ${sql})`,
          params: [clause.key],
        };
      }
      const inner = comparisonSql('m.latest_value', clause);
      return {
        sql: `EXISTS (SELECT 1 FROM metric_series m WHERE m.run_key = r.key AND m.key = ? AND ${inner.sql})`,
        params: [clause.key, ...inner.params],
      };
    }
    case 'param':
    case 'tag': {
      const table = clause.entity === 'param' ? 'run_params' : 'run_tags';
      if (clause.comparator === 'IS NULL')
        return {
          sql: `NOT EXISTS (SELECT 1 FROM ${table} x WHERE x.run_key = r.key AND x.key = ?)`,
          params: [clause.key],
        };
      if (clause.comparator === 'IS NOT NULL')
        return { sql: `EXISTS (SELECT 1 FROM ${table} x WHERE x.run_key = r.key AND x.key = ?)`, params: [clause.key] };
      const inner = comparisonSql('x.value', clause);
      return {
        sql: `EXISTS (SELECT 1 FROM ${table} x WHERE x.run_key = r.key AND x.key = ? AND ${inner.sql})`,
        params: [clause.key, ...inner.params],
      };
    }
    case 'dataset': {
      const column =
        clause.key === 'name'
          ? 'i.name'
          : clause.key === 'digest'
            ? 'i.digest'
            : clause.key === 'context'
              ? "(SELECT value FROM json_each(i.tags) j WHERE json_extract(j.value, '$.key') = 'mlflow.data.context')"
              : undefined;
      if (!column)
        throw new LatheError('BAD_INPUT', `Unknown dataset field "${clause.key}" (name, digest or context)`, {
          field: 'filter',
        });
      const inner = comparisonSql(clause.key === 'context' ? `json_extract(${column}, '$.value')` : column, clause);
      return {
        sql: `EXISTS (SELECT 1 FROM run_inputs i WHERE i.run_key = r.key AND ${inner.sql})`,
        params: inner.params,
      };
    }
  }
}

/** ORDER BY for order_by entries; runs without the sorted value come last. Ends with start_time DESC, id. */
export function orderToSql(orderBy: readonly string[] | undefined): SqlPart & { joins: string } {
  const joins: string[] = [];
  const terms: string[] = [];
  const params: unknown[] = [];
  (orderBy ?? []).forEach((entry, index) => {
    const order = parseOrderBy(entry);
    const direction = order.descending ? 'DESC' : 'ASC';
    if (order.entity === 'attribute') {
      const column = runAttributes[order.key]!.column;
      terms.push(`(${column} IS NULL)`, `${column} ${direction}`);
      return;
    }
    const alias = `o${index}`;
    if (order.entity === 'metric') {
      joins.push(`LEFT JOIN metric_series ${alias} ON ${alias}.run_key = r.key AND ${alias}.key = ?`);
      terms.push(`(${alias}.latest_value IS NULL)`, `${alias}.latest_value ${direction}`);
    } else {
      const table = order.entity === 'param' ? 'run_params' : 'run_tags';
      joins.push(`LEFT JOIN ${table} ${alias} ON ${alias}.run_key = r.key AND ${alias}.key = ?`);
      terms.push(`(${alias}.value IS NULL)`, `${alias}.value ${direction}`);
    }
    params.push(order.key);
  });
  terms.push('r.start_time DESC', 'r.key DESC');
  return { sql: terms.join(', '), params, joins: joins.join(' ') };
}

/** Page tokens are opaque to clients: an offset, base64-encoded. */
export function encodePageToken(offset: number): string {
  return Buffer.from(JSON.stringify({ offset })).toString('base64');
}

/** Reads a page token; BAD_INPUT when it is not one we issued. */
export function decodePageToken(token: string | undefined): number {
  if (!token) return 0;
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as { offset?: unknown };
    if (typeof parsed.offset === 'number' && Number.isSafeInteger(parsed.offset) && parsed.offset >= 0)
      return parsed.offset;
  } catch {
    // fall through to the error below
  }
  throw new LatheError('BAD_INPUT', 'Invalid page_token', { field: 'page_token' });
}
