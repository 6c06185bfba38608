/** A small chart for profiles and diffs: the app's one chart component, without animation. */
import { formatNumber } from '../../../../shared/format';
import { EChart, type ChartOption } from '../../components/EChart';

/** Draws `option`; re-draws when it changes. */
export function Chart({ option, height = 140, label }: { option: ChartOption; height?: number; label: string }) {
  return <EChart option={{ animation: false, ...option }} height={height} label={label} />;
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
