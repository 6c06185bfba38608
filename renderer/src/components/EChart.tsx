/**
 * The one chart component of the app (ECharts): created once, updated with setOption, resized with its
 * box, redrawn in the dark theme when the color scheme changes, disposed on unmount.
 */
import { useEffect, useRef } from 'react';
import { useComputedColorScheme } from '@mantine/core';
import * as echarts from 'echarts/core';
import { BarChart, LineChart, ParallelChart, ScatterChart } from 'echarts/charts';
import {
  DataZoomComponent,
  GridComponent,
  LegendComponent,
  ParallelComponent,
  TooltipComponent,
  ToolboxComponent,
} from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';
import { lonePointSeries } from './chart-shape';

echarts.use([
  BarChart,
  LineChart,
  ParallelChart,
  ScatterChart,
  DataZoomComponent,
  GridComponent,
  LegendComponent,
  ParallelComponent,
  TooltipComponent,
  ToolboxComponent,
  CanvasRenderer,
]);

/** The option object ECharts takes. */
export type ChartOption = echarts.EChartsCoreOption;

/** Draws `option`; `notMerge` replaces rather than merges (series removed stay removed). */
export function EChart({ option, height = 260, label }: { option: ChartOption; height?: number; label: string }) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  const scheme = useComputedColorScheme('light');

  useEffect(() => {
    if (!box.current) return;
    const instance = echarts.init(box.current, scheme === 'dark' ? 'dark' : undefined, { renderer: 'canvas' });
    chart.current = instance;
    const observer = new ResizeObserver(() => instance.resize());
    observer.observe(box.current);
    return () => {
      observer.disconnect();
      instance.dispose();
      chart.current = null;
    };
  }, [scheme]);

  useEffect(() => {
    chart.current?.setOption({ backgroundColor: 'transparent', ...option }, { notMerge: true });
  }, [option, scheme]);

  // Named on the box so the layout sweep can fail on a line chart that is only an orphan dot.
  const lone = lonePointSeries(option as { series?: unknown });
  return (
    <div
      ref={box}
      role="img"
      aria-label={label}
      data-lone-points={lone.length ? lone.join(', ') : undefined}
      style={{ width: '100%', height }}
    />
  );
}
