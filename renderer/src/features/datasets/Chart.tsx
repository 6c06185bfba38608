/** A small ECharts canvas (bar charts only) that follows its container's size and the color scheme. */
import { useEffect, useRef } from 'react';
import { useComputedColorScheme } from '@mantine/core';
import * as echarts from 'echarts/core';
import { BarChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';

echarts.use([BarChart, GridComponent, TooltipComponent, LegendComponent, CanvasRenderer]);

/** Draws `option`; re-draws when it changes. */
export function Chart({ option, height = 140, label }: { option: echarts.EChartsCoreOption; height?: number; label: string }) {
  const element = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  const scheme = useComputedColorScheme('light');

  useEffect(() => {
    if (!element.current) return;
    const instance = echarts.init(element.current, scheme === 'dark' ? 'dark' : undefined, { renderer: 'canvas' });
    chart.current = instance;
    const observer = new ResizeObserver(() => instance.resize());
    observer.observe(element.current);
    return () => {
      observer.disconnect();
      instance.dispose();
      chart.current = null;
    };
  }, [scheme]);

  useEffect(() => {
    chart.current?.setOption({ backgroundColor: 'transparent', animation: false, ...option }, true);
  }, [option, scheme]);

  return <div ref={element} style={{ height, width: '100%' }} role="img" aria-label={label} />;
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
  const integerBins = edges.length > 1 && edges.every((e) => Math.abs(e - Math.round(e) - 0.5) < 1e-9 || Math.abs(e - Math.round(e) + 0.5) < 1e-9);
  return edges.slice(0, -1).map((lo, i) => (integerBins ? formatNumber(lo + 0.5) : `${formatNumber(lo, 3)} – ${formatNumber(edges[i + 1]!, 3)}`));
}
