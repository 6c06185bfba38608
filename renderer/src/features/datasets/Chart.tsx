/** A small chart for profiles and diffs: the app's one chart component, without animation. */
import { formatNumber } from '../../../../shared/format';
import { EChart, type ChartOption } from '../../components/EChart';

/** Draws `option`; re-draws when it changes. */
export function Chart({ option, height = 140, label }: { option: ChartOption; height?: number; label: string }) {
  return <EChart option={{ animation: false, ...option }} height={height} label={label} />;
}

const compactNumber = new Intl.NumberFormat(undefined, { notation: 'compact', maximumFractionDigits: 1 });

/**
 * The category axis of a histogram: each bin's lower edge, compact (12.5K), so labels fit a card; the
 * full range stays in the category name the tooltip shows. containLabel keeps them inside the chart.
 */
export function binAxis(edges: number[]) {
  return {
    type: 'category' as const,
    data: binLabels(edges),
    axisLabel: {
      fontSize: 9,
      hideOverlap: true,
      // Integer bins are centred on their integer (0, 1), not on the half-way edges.
      formatter: (_value: string, index: number) =>
        compactNumber.format((edges[index] ?? 0) + (integerBins(edges) ? 0.5 : 0)),
    },
  };
}

/** True when every edge sits half-way between integers: one bin per integer value. */
function integerBins(edges: number[]): boolean {
  return (
    edges.length > 1 &&
    edges.every((e) => Math.abs(e - Math.round(e) - 0.5) < 1e-9 || Math.abs(e - Math.round(e) + 0.5) < 1e-9)
  );
}

/** Bin labels for a histogram's edges. */
export function binLabels(edges: number[]): string[] {
  const integer = integerBins(edges);
  return edges
    .slice(0, -1)
    .map((lo, i) => (integer ? formatNumber(lo + 0.5) : `${formatNumber(lo, 3)} – ${formatNumber(edges[i + 1]!, 3)}`));
}
