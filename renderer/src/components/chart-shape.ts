/**
 * What a chart option would draw, read before drawing, so a page (and the layout sweep) can tell a line chart
 * that is really one dot: a line series with a single point draws an orphan dot, which says nothing a number
 * in a table would not say better.
 */

type SeriesLike = { type?: unknown; name?: unknown; data?: unknown };

/** The y value of one data item in any of ECharts' shapes (a number, [x, y], { value }), or null when absent. */
function yOf(item: unknown): unknown {
  if (item !== null && typeof item === 'object' && !Array.isArray(item) && 'value' in item)
    return yOf((item as { value: unknown }).value);
  if (Array.isArray(item)) return item.length === 0 ? null : item[item.length - 1];
  return item;
}

/** Names of the line series in `option` that have exactly one drawable point. */
export function lonePointSeries(option: { series?: unknown }): string[] {
  const series: SeriesLike[] = Array.isArray(option.series)
    ? (option.series as SeriesLike[])
    : option.series
      ? [option.series as SeriesLike]
      : [];
  return series
    .filter((one) => one.type === 'line' && Array.isArray(one.data))
    .filter((one) => {
      const values = (one.data as unknown[]).map(yOf);
      return values.filter((value) => value !== null && value !== undefined && value !== '-').length === 1;
    })
    .map((one) => (typeof one.name === 'string' ? one.name : '(unnamed series)'));
}

/**
 * A y range covering every finite value of every series, widened outward to round steps (0.68–0.76, not
 * 0.6866–0.7441) so the axis labels stay short and evenly spaced.
 */
export function valueRange(series: { data: [number, number | null][] }[]): { min: number; max: number } | null {
  let min = Infinity;
  let max = -Infinity;
  for (const one of series)
    for (const [, value] of one.data)
      if (value !== null && Number.isFinite(value)) {
        min = Math.min(min, value);
        max = Math.max(max, value);
      }
  if (min === Infinity) return null;
  const span = max - min || Math.abs(max) || 1;
  const magnitude = Math.pow(10, Math.floor(Math.log10(span / 4)));
  const step = [1, 2, 2.5, 5, 10].map((factor) => factor * magnitude).find((candidate) => span / candidate <= 5)!;
  let low = Math.floor(min / step) * step;
  let high = Math.ceil(max / step) * step;
  if (low === min) low -= step;
  if (high === max) high += step;
  // Rounded to the step's precision, so 0.1 + 0.2 never shows as 0.30000000000000004 on the axis.
  const digits = Math.max(0, -Math.floor(Math.log10(step)) + 1);
  return { min: Number(low.toFixed(digits)), max: Number(high.toFixed(digits)) };
}

/** An axis label: at most 4 significant digits, and an exponent for tiny or huge values (1.2e-7, not 0.00000012). */
export function axisNumber(value: number): string {
  if (value === 0 || !Number.isFinite(value)) return String(value);
  const magnitude = Math.abs(value);
  if (magnitude < 1e-3 || magnitude >= 1e7) return value.toExponential(2).replace(/\.?0+e/, 'e');
  return String(Number(value.toPrecision(4)));
}
