/** How drift statistics are written for people, the same in the app, the CLI and the HTML report. */

/** A statistic or p-value: 4 significant digits, exponent for very small or large values, '∞' and '—' as words. */
export function formatStatistic(value: number | 'inf' | null): string {
  if (value === null || Number.isNaN(value)) return '—';
  if (value === 'inf' || value === Infinity) return '∞';
  if (value === 0) return '0';
  const magnitude = Math.abs(value);
  if (magnitude < 1e-4 || magnitude >= 1e6) return value.toExponential(3);
  return String(Number(value.toPrecision(4)));
}

/** The verdicts in words. */
export const verdictLabels = {
  drift: 'Drift',
  no_drift: 'No drift',
  type_mismatch: 'Type differs',
  no_values: 'No values',
  not_tested: 'Not tested',
} as const;
