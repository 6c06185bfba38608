/** A small chart for profiles and diffs: the app's one chart component, without animation. */
import { EChart, type ChartOption } from '../../components/EChart';

/** Draws `option`; re-draws when it changes. */
export function Chart({ option, height = 140, label }: { option: ChartOption; height?: number; label: string }) {
  return <EChart option={{ animation: false, ...option }} height={height} label={label} />;
}

/** Short number text for axes and tooltips. */
export function formatNumber(value: number | null | undefined, digits = 4): string {
  if (value === null || value === undefined || Number.isNaN(value)) return '—';
  if (Number.isInteger(value)) return value.toLocaleString();
  const abs = Math.abs(value);
  if (abs !== 0 && (abs < 0.001 || abs >= 1e9)) return value.toExponential(2);
  return value.toLocaleString(undefined, { maximumFractionDigits: digits });
}

/** Bin labels for a histogram's edges. */
export function binLabels(edges: number[]): string[] {
  const integerBins =
    edges.length > 1 &&
    edges.every((e) => Math.abs(e - Math.round(e) - 0.5) < 1e-9 || Math.abs(e - Math.round(e) + 0.5) < 1e-9);
  return edges
    .slice(0, -1)
    .map((lo, i) =>
      integerBins ? formatNumber(lo + 0.5) : `${formatNumber(lo, 3)} – ${formatNumber(edges[i + 1]!, 3)}`,
    );
}
