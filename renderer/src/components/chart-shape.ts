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

/** The smallest and largest finite y over every series, padded by `padding` of the span, for a shared y axis. */
export function valueRange(
  series: { data: [number, number | null][] }[],
  padding = 0.08,
): { min: number; max: number } | null {
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
  return { min: min - span * padding, max: max + span * padding };
}
