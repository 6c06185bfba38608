/**
 * Number text for people, one rule for the UI and the CLI (it used to be copied three times with
 * different cut-offs): integers with thousands separators, tiny or huge values in exponent form, the
 * rest with at most `digits` decimals. Pure: no DOM, no node.
 */

/** How a missing value and which locale (the CLI passes 'en-US' so its output does not vary by machine). */
export interface FormatOptions {
  /** Text for null, undefined and NaN. */
  empty?: string;
  /** BCP 47 locale; the runtime's default when absent. */
  locale?: string;
}

/** Short text for `value`: `1,234`, `0.1235`, `1.23e-5`; `empty` (default "—") when there is none. */
export function formatNumber(value: number | null | undefined, digits = 4, options: FormatOptions = {}): string {
  if (value === null || value === undefined || Number.isNaN(value)) return options.empty ?? '—';
  if (!Number.isFinite(value)) return value > 0 ? '∞' : '−∞';
  if (Number.isInteger(value)) return value.toLocaleString(options.locale);
  const abs = Math.abs(value);
  if (abs < 0.001 || abs >= 1e9) return value.toExponential(2);
  return value.toLocaleString(options.locale, { maximumFractionDigits: digits });
}
