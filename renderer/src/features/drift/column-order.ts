/**
 * The order of a drift report's column table. The core sorts by severity alone, so a free-text column (every
 * row a different sentence) lands first with an infinite chi-square statistic and pushes the columns that
 * matter down. Here drifting columns come first by severity, and a column that looks like free text or an id
 * (most reference rows in the "(N more)" bucket of its categories) sinks below the columns really tested.
 */
import type { ColumnDrift } from '../../../../shared/contract/index';

/** Share of reference rows in the "(N more)" bucket above which a categorical column is read as free text. */
const freeTextShare = 0.5;

/** Whether a categorical column holds mostly distinct values (free text, an id), where a chi-square says little. */
export function looksLikeFreeText(column: ColumnDrift): boolean {
  const distribution = column.distribution;
  if (column.kind !== 'categorical' || distribution?.kind !== 'categories') return false;
  const last = distribution.categories.length - 1;
  if (last < 0 || !/^\(\d[\d,]* more\)$/.test(distribution.categories[last]!)) return false;
  return (distribution.reference[last] ?? 0) >= freeTextShare;
}

const verdictRank: Record<ColumnDrift['verdict'], number> = {
  drift: 0,
  type_mismatch: 1,
  no_drift: 2,
  no_values: 3,
  not_tested: 4,
};

/** Drifting columns first, most severe first; free-text-like columns after the tested ones; untested last. */
export function orderDriftColumns(columns: ColumnDrift[]): ColumnDrift[] {
  const rank = (column: ColumnDrift) =>
    column.verdict === 'not_tested' || column.verdict === 'no_values' ? 2 : looksLikeFreeText(column) ? 1 : 0;
  return [...columns].sort(
    (a, b) =>
      rank(a) - rank(b) ||
      verdictRank[a.verdict] - verdictRank[b.verdict] ||
      b.severity - a.severity ||
      a.column.localeCompare(b.column),
  );
}
