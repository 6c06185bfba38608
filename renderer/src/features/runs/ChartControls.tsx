/** The controls every chart on a page shares: x axis, smoothing and log scale. */
import { Group, SegmentedControl, Slider, Switch, Text } from '@mantine/core';
import type { ChartSettings, XAxisMode } from './MetricChart';

/** X axis, smoothing and log scale. */
export function ChartControls({
  settings,
  onChange,
}: {
  settings: ChartSettings;
  onChange: (next: ChartSettings) => void;
}) {
  return (
    <Group gap="lg">
      <SegmentedControl
        size="xs"
        aria-label="X axis"
        value={settings.xAxis}
        onChange={(value) => onChange({ ...settings, xAxis: value as XAxisMode })}
        data={[
          { value: 'step', label: 'Step' },
          { value: 'time', label: 'Time' },
          { value: 'relative', label: 'Relative time' },
        ]}
      />
      <Group gap="xs" w={220}>
        <Text size="xs">Smoothing</Text>
        <Slider
          style={{ flex: 1 }}
          size="sm"
          min={0}
          max={0.99}
          step={0.01}
          value={settings.smoothing}
          onChange={(smoothing) => onChange({ ...settings, smoothing })}
          label={(v) => v.toFixed(2)}
          aria-label="Smoothing"
        />
      </Group>
      <Switch
        size="xs"
        label="Log scale"
        checked={settings.logScale}
        onChange={(e) => onChange({ ...settings, logScale: e.currentTarget.checked })}
      />
    </Group>
  );
}
