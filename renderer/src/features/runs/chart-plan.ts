/**
 * Which metrics of a run get a chart and which are plain values: a metric logged once (a test score at
 * the end) is a lone dot on a line chart, so it goes to a values table; a metric and its `val_` twin
 * (loss and val_loss) share one chart, so the gap between them is seen at a glance.
 */

/** One chart: its title and the metrics drawn in it. */
export interface PlannedChart {
  title: string;
  metrics: string[];
}

/** Splits `keys` by their point counts (`points[key]`; unknown counts are charted). */
export function planCharts(
  keys: string[],
  points: Record<string, number | undefined>,
): {
  values: string[];
  charts: PlannedChart[];
} {
  const values = keys.filter((k) => points[k] !== undefined && points[k]! <= 1);
  const series = keys.filter((k) => !values.includes(k));
  const paired = new Set<string>();
  const charts: PlannedChart[] = [];
  for (const key of series) {
    if (paired.has(key)) continue;
    const twin = `val_${key}`;
    if (!key.startsWith('val_') && series.includes(twin)) {
      paired.add(twin);
      charts.push({ title: `${key} and ${twin}`, metrics: [key, twin] });
    } else charts.push({ title: key, metrics: [key] });
  }
  // A val_ metric seen before its twin was charted alone; drop it when the twin took it in.
  return { values, charts: charts.filter((c) => c.metrics.length > 1 || !paired.has(c.metrics[0]!)) };
}
