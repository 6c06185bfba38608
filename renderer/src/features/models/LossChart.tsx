/** Training and validation loss per epoch of a training run, read from the run's logged metrics. */
import { useEffect, useRef } from 'react';
import { useComputedColorScheme } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import * as echarts from 'echarts/core';
import { LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';
import { useClient } from '../../api/hooks';

echarts.use([LineChart, GridComponent, TooltipComponent, LegendComponent, CanvasRenderer]);

/** Redraws when `epoch` moves on (a new point was logged). */
export function LossChart({ runId, epoch }: { runId: string; epoch: number }) {
  const client = useClient();
  const element = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  const scheme = useComputedColorScheme('light');
  const history = useQuery({
    queryKey: ['loss-history', runId, epoch],
    queryFn: async () => {
      const [loss, valLoss] = await Promise.all(['loss', 'val_loss'].map((key) => client['runs.metricHistory']({ runId, key })));
      return { loss: loss!.points, valLoss: valLoss!.points };
    },
    placeholderData: (previous) => previous,
  });

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
    if (!history.data) return;
    chart.current?.setOption(
      {
        backgroundColor: 'transparent',
        animation: false,
        grid: { left: 48, right: 12, top: 24, bottom: 22 },
        legend: { top: 0, right: 0, textStyle: { fontSize: 11 } },
        tooltip: { trigger: 'axis' },
        xAxis: { type: 'value', min: 1, max: 'dataMax', minInterval: 1, axisLabel: { fontSize: 10, formatter: 'epoch {value}' } },
        yAxis: { type: 'value', scale: true, axisLabel: { fontSize: 10 } },
        series: [
          { name: 'loss', type: 'line', showSymbol: false, data: history.data.loss.map((p) => [p.step, p.value]) },
          { name: 'val_loss', type: 'line', showSymbol: false, data: history.data.valLoss.map((p) => [p.step, p.value]) },
        ],
      },
      true,
    );
  }, [history.data, scheme]);

  return <div ref={element} style={{ height: 130, width: '100%' }} role="img" aria-label="Loss per epoch" />;
}
