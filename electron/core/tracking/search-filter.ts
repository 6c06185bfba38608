/**
 * MLflow's run filter syntax (https://mlflow.org/docs/latest/search-runs.html): clauses joined by AND,
 * each `<entity>.<key> <comparator> <value>`, e.g.
 * `metrics.acc > 0.9 and params.lr = '0.01' and tags.team LIKE 'a%' and attributes.status = 'FINISHED'`.
 * Parsed here into clauses; run-search.ts turns them into SQL with bound values only.
 */
import { LatheError } from '../../../shared/errors.js';

/** What a clause compares. */
export type FilterEntity = 'metric' | 'param' | 'tag' | 'attribute' | 'dataset';

/** One `<entity>.<key> <comparator> <value>` clause. */
export interface FilterClause {
  entity: FilterEntity;
  key: string;
  comparator: '=' | '!=' | '>' | '>=' | '<' | '<=' | 'LIKE' | 'ILIKE' | 'IN' | 'NOT IN' | 'IS NULL' | 'IS NOT NULL';
  /** A number for metrics and numeric attributes, a string otherwise, a list for IN, undefined for IS NULL. */
  value?: number | string | string[];
}

/** One `order_by` entry. */
export interface OrderClause {
  entity: FilterEntity;
  key: string;
  descending: boolean;
}

const entityNames: Record<string, FilterEntity> = {
  metric: 'metric',
  metrics: 'metric',
  param: 'param',
  params: 'param',
  parameter: 'param',
  parameters: 'param',
  tag: 'tag',
  tags: 'tag',
  attribute: 'attribute',
  attributes: 'attribute',
  attr: 'attribute',
  run: 'attribute',
  dataset: 'dataset',
  datasets: 'dataset',
};

/** Run attributes that can be filtered and sorted on, and whether they are numbers. */
export const runAttributes: Record<string, { column: string; numeric: boolean }> = {
  run_id: { column: 'r.id', numeric: false },
  run_name: { column: 'r.name', numeric: false },
  status: { column: 'r.status', numeric: false },
  user_id: { column: 'r.user_id', numeric: false },
  lifecycle_stage: { column: 'r.lifecycle_stage', numeric: false },
  artifact_uri: { column: "('mlflow-artifacts:/' || r.experiment_id || '/' || r.id || '/artifacts')", numeric: false },
  start_time: { column: 'r.start_time', numeric: true },
  end_time: { column: 'r.end_time', numeric: true },
  created: { column: 'r.start_time', numeric: true },
  Created: { column: 'r.start_time', numeric: true },
  'Run name': { column: 'r.name', numeric: false },
  run_uuid: { column: 'r.id', numeric: false },
};

type Token =
  | { kind: 'word'; text: string; at: number }
  | { kind: 'string'; text: string; at: number }
  | { kind: 'quoted'; text: string; at: number }
  | { kind: 'number'; value: number; at: number }
  | { kind: 'op'; text: string; at: number }
  | { kind: 'punct'; text: '(' | ')' | ',' | '.'; at: number };

function fail(source: string, at: number, message: string): never {
  throw new LatheError('BAD_INPUT', `${message} (at character ${at + 1} of the filter)`, {
    field: 'filter',
    position: at,
    source,
  });
}

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const c = source[i]!;
    if (/\s/.test(c)) {
      i += 1;
      continue;
    }
    const start = i;
    if (c === "'" || c === '"' || c === '`') {
      let text = '';
      i += 1;
      for (;;) {
        if (i >= source.length) fail(source, start, `Unclosed ${c} quote`);
        const d = source[i]!;
        if (d === '\\' && i + 1 < source.length) {
          text += source[i + 1];
          i += 2;
          continue;
        }
        if (d === c) {
          // A doubled quote inside a string is a literal quote (SQL style).
          if (source[i + 1] === c) {
            text += c;
            i += 2;
            continue;
          }
          i += 1;
          break;
        }
        text += d;
        i += 1;
      }
      tokens.push({ kind: c === "'" ? 'string' : 'quoted', text, at: start });
      continue;
    }
    const two = source.slice(i, i + 2);
    if (two === '!=' || two === '>=' || two === '<=' || two === '<>' || two === '==') {
      tokens.push({ kind: 'op', text: two === '<>' ? '!=' : two === '==' ? '=' : two, at: start });
      i += 2;
      continue;
    }
    if (c === '=' || c === '<' || c === '>') {
      tokens.push({ kind: 'op', text: c, at: start });
      i += 1;
      continue;
    }
    if (c === '(' || c === ')' || c === ',') {
      tokens.push({ kind: 'punct', text: c, at: start });
      i += 1;
      continue;
    }
    const number = /^[-+]?(?:\d+\.?\d*(?:[eE][-+]?\d+)?|\.\d+(?:[eE][-+]?\d+)?|inf(?:inity)?|nan)(?![\w.])/i.exec(
      source.slice(i),
    );
    if (number && (tokens.length === 0 || tokens[tokens.length - 1]!.kind === 'op')) {
      const text = number[0].toLowerCase().replace(/^\+/, '');
      const value = /nan$/.test(text)
        ? NaN
        : /inf/.test(text)
          ? text.startsWith('-')
            ? -Infinity
            : Infinity
          : Number(text);
      tokens.push({ kind: 'number', value, at: start });
      i += number[0].length;
      continue;
    }
    // A word: an identifier such as metrics.val_loss/epoch, or a keyword (AND, LIKE, IN, NOT, IS, NULL).
    let text = '';
    while (i < source.length && !/[\s=!<>(),'"`]/.test(source[i]!)) {
      text += source[i];
      i += 1;
    }
    if (text === '') fail(source, start, `Unexpected character "${c}"`);
    // A word that ends with "." is followed by a quoted key: metrics.`my key`.
    tokens.push({ kind: 'word', text, at: start });
  }
  return tokens;
}

/** Parses a filter string; empty means "everything". Throws BAD_INPUT naming the position on a mistake. */
export function parseFilter(
  source: string | undefined,
  attributes: Record<string, { column: string; numeric: boolean }> = runAttributes,
): FilterClause[] {
  if (!source || source.trim() === '') return [];
  const tokens = tokenize(source);
  const clauses: FilterClause[] = [];
  let i = 0;
  const peek = () => tokens[i];
  const keyword = (token: Token | undefined, word: string) =>
    token?.kind === 'word' && token.text.toUpperCase() === word;

  for (;;) {
    const identifier = readIdentifier(source, tokens, i, attributes);
    i = identifier.next;
    const { entity, key } = identifier;
    let comparator: FilterClause['comparator'];
    const op = peek();
    if (!op) fail(source, source.length, `Expected a comparator after ${identifier.text}`);
    if (op.kind === 'op') {
      comparator = op.text as FilterClause['comparator'];
      i += 1;
    } else if (keyword(op, 'LIKE') || keyword(op, 'ILIKE') || keyword(op, 'IN')) {
      comparator = (op as { text: string }).text.toUpperCase() as 'LIKE' | 'ILIKE' | 'IN';
      i += 1;
    } else if (keyword(op, 'NOT') && keyword(tokens[i + 1], 'IN')) {
      comparator = 'NOT IN';
      i += 2;
    } else if (keyword(op, 'IS')) {
      if (keyword(tokens[i + 1], 'NULL')) {
        comparator = 'IS NULL';
        i += 2;
      } else if (keyword(tokens[i + 1], 'NOT') && keyword(tokens[i + 2], 'NULL')) {
        comparator = 'IS NOT NULL';
        i += 3;
      } else fail(source, op.at, 'Expected NULL or NOT NULL after IS');
    } else fail(source, op.at, `Expected a comparator (=, !=, >, >=, <, <=, LIKE, ILIKE, IN) after ${identifier.text}`);

    const clause: FilterClause = { entity, key, comparator };
    if (comparator === 'IN' || comparator === 'NOT IN') {
      const open = peek();
      if (open?.kind !== 'punct' || open.text !== '(')
        fail(source, open?.at ?? source.length, `Expected "(" after ${comparator}`);
      i += 1;
      const list: string[] = [];
      for (;;) {
        const item = peek();
        if (item?.kind !== 'string' && item?.kind !== 'quoted')
          fail(source, item?.at ?? source.length, 'Expected a quoted value in the IN list');
        list.push(item.text);
        i += 1;
        const sep = peek();
        if (sep?.kind === 'punct' && sep.text === ',') {
          i += 1;
          continue;
        }
        if (sep?.kind === 'punct' && sep.text === ')') {
          i += 1;
          break;
        }
        fail(source, sep?.at ?? source.length, 'Expected "," or ")" in the IN list');
      }
      clause.value = list;
    } else if (comparator !== 'IS NULL' && comparator !== 'IS NOT NULL') {
      const value = peek();
      if (!value) fail(source, source.length, `Expected a value after ${comparator}`);
      if (value.kind === 'number') clause.value = value.value;
      else if (value.kind === 'string' || value.kind === 'quoted') clause.value = value.text;
      else fail(source, value.at, `Expected a value after ${comparator}, got "${'text' in value ? value.text : ''}"`);
      i += 1;
    }
    checkClause(source, clause, tokens[identifier.start]!.at, attributes);
    clauses.push(clause);
    if (i >= tokens.length) break;
    if (!keyword(peek(), 'AND')) {
      const t = peek()!;
      fail(
        source,
        t.at,
        keyword(t, 'OR')
          ? 'OR is not supported (MLflow filters join clauses with AND only)'
          : 'Expected AND between clauses',
      );
    }
    i += 1;
    if (i >= tokens.length) fail(source, source.length, 'Expected a clause after AND');
  }
  return clauses;
}

function readIdentifier(
  source: string,
  tokens: Token[],
  start: number,
  attributes = runAttributes,
): { entity: FilterEntity; key: string; text: string; next: number; start: number } {
  const token = tokens[start];
  if (!token) fail(source, source.length, 'Expected an identifier such as metrics.acc');
  if (token.kind === 'quoted') {
    // A bare quoted attribute name: `Run name` = 'x'
    return resolveIdentifier(source, token.at, 'attribute', token.text, token.text, start + 1, start, attributes);
  }
  if (token.kind !== 'word') fail(source, token.at, 'Expected an identifier such as metrics.acc');
  const dot = token.text.indexOf('.');
  if (dot < 0) {
    // No prefix: an attribute (MLflow requires `attributes.`, we accept the bare name too).
    return resolveIdentifier(source, token.at, 'attribute', token.text, token.text, start + 1, start, attributes);
  }
  const prefix = token.text.slice(0, dot);
  const entity = entityNames[prefix.toLowerCase()];
  if (!entity) fail(source, token.at, `Unknown entity "${prefix}" (use metrics., params., tags. or attributes.)`);
  let key = token.text.slice(dot + 1);
  let next = start + 1;
  if (key === '') {
    const quoted = tokens[next];
    if (quoted?.kind !== 'quoted') fail(source, token.at, `Expected a key after "${token.text}"`);
    key = quoted.text;
    next += 1;
  }
  return resolveIdentifier(source, token.at, entity, key, `${prefix}.${key}`, next, start, attributes);
}

function resolveIdentifier(
  source: string,
  at: number,
  entity: FilterEntity,
  key: string,
  text: string,
  next: number,
  start: number,
  attributes: Record<string, { column: string; numeric: boolean }>,
) {
  if (key.length === 0 || key.length > 250) fail(source, at, `Key of ${text} must be 1 to 250 characters`);
  if (entity === 'attribute' && !Object.prototype.hasOwnProperty.call(attributes, key)) {
    fail(
      source,
      at,
      `Unknown attribute "${key}" (one of ${Object.keys(attributes)
        .filter((k) => /^[a-z_]+$/.test(k))
        .join(', ')})`,
    );
  }
  return { entity, key, text, next, start };
}

function checkClause(
  source: string,
  clause: FilterClause,
  at: number,
  attributes: Record<string, { column: string; numeric: boolean }>,
): void {
  const { entity, comparator, value } = clause;
  const numeric = entity === 'metric' || (entity === 'attribute' && attributes[clause.key]!.numeric);
  if (numeric) {
    if (['LIKE', 'ILIKE', 'IN', 'NOT IN'].includes(comparator))
      fail(source, at, `${comparator} does not apply to the number ${clause.key}`);
    if (comparator.startsWith('IS') && entity === 'metric') return;
    if (typeof value === 'string') {
      const parsed = Number(value);
      if (value.trim() === '' || Number.isNaN(parsed)) fail(source, at, `${clause.key} is a number; "${value}" is not`);
      clause.value = parsed;
    }
    return;
  }
  if (['>', '>=', '<', '<='].includes(comparator))
    fail(source, at, `${comparator} compares numbers; ${entity}s.${clause.key} is text (use =, !=, LIKE or ILIKE)`);
  if (typeof value === 'number')
    fail(
      source,
      at,
      `Quote the value for ${entity === 'attribute' ? '' : entity + 's.'}${clause.key}, e.g. '${value}'`,
    );
  if ((comparator === 'IN' || comparator === 'NOT IN') && !(entity === 'attribute' || entity === 'dataset')) {
    fail(source, at, `${comparator} is supported for attributes only`);
  }
}

/** Parses one order_by entry such as `metrics.acc DESC` or `attributes.start_time`. */
export function parseOrderBy(source: string): OrderClause {
  const match = /^\s*(.+?)(?:\s+(ASC|DESC))?\s*$/i.exec(source);
  if (!match) throw new LatheError('BAD_INPUT', `Invalid order_by "${source}"`, { field: 'order_by' });
  const tokens = tokenize(match[1]!);
  const identifier = readIdentifier(match[1]!, tokens, 0);
  if (identifier.next !== tokens.length)
    throw new LatheError('BAD_INPUT', `Invalid order_by "${source}": expected <entity>.<key> [ASC|DESC]`, {
      field: 'order_by',
    });
  if (identifier.entity === 'dataset')
    throw new LatheError('BAD_INPUT', `Cannot order by datasets (order_by "${source}")`, { field: 'order_by' });
  return { entity: identifier.entity, key: identifier.key, descending: (match[2] ?? 'ASC').toUpperCase() === 'DESC' };
}

/** MLflow's LIKE is case-sensitive: SQLite's GLOB pattern equivalent of a LIKE pattern. */
export function likeToGlob(pattern: string): string {
  let out = '';
  for (const c of pattern) {
    if (c === '%') out += '*';
    else if (c === '_') out += '?';
    else if (c === '*' || c === '?' || c === '[' || c === ']') out += `[${c}]`;
    else out += c;
  }
  return out;
}
