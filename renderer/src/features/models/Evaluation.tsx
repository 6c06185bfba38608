/**
 * A trained model's evaluation on its test split, read from the training run: ROC and precision–recall
 * curves with a threshold slider that moves the (shaded, with rates) confusion matrix, the loss curves,
 * the hyperparameters and split sizes, and permutation importance as signed bars. A version trained before
 * the test split's predictions were kept says so instead of drawing an empty chart.
 */
import { Fragment, useMemo, useState } from 'react';
import { Alert, Group, Paper, Select, SimpleGrid, Slider, Stack, Table, Text } from '@mantine/core';
import type { ModelVersion } from '../../../../shared/contract/index';
import { useLatheQuery } from '../../api/queries';
import { EChart, type ChartOption } from '../../components/EChart';
import { LossChart } from './LossChart';
import {
  binaryScores,
  confusionAt,
  importanceBars,
  precisionRecallCurve,
  rocCurve,
  type CurvePoint,
  type TestPredictions,
  type ThresholdConfusion,
} from './evaluation';

/** A JSON artifact of the run: undefined while loading, null when the run has none by that name. */
function useRunJson<T>(runId: string, path: string): { data: T | null | undefined } {
  const artifacts = useLatheQuery('runs.artifacts', { runId });
  const present = artifacts.data?.some((a) => a.path === path);
  const preview = useLatheQuery(
    'runs.artifactPreview',
    { runId, path, maxBytes: 4_000_000 },
    { enabled: present === true, staleTime: Infinity, select: (p) => JSON.parse(p.content) as T },
  );
  if (!artifacts.data) return { data: undefined };
  if (!present) return { data: null };
  return { data: preview.data };
}

const percent = (v: number) => `${(v * 100).toFixed(1)}%`;

/** The whole evaluation block of a trained version. */
export function Evaluation({ version }: { version: ModelVersion }) {
  const runId = version.runId!;
  const run = useLatheQuery('runs.get', { id: runId });
  const predictions = useRunJson<TestPredictions>(runId, 'test_predictions.json');
  const confusion = useRunJson<{ classes: string[]; counts: number[][] }>(runId, 'confusion_matrix.json');
  const importance = useRunJson<{ feature: string; importance: number; metric: string }[]>(
    runId,
    'feature_importance.json',
  );
  const params = run.data?.params ?? {};
  const epochs = version.metrics.epochs_run ?? 0;
  return (
    <Stack gap="lg">
      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="lg">
        <Stack gap={4}>
          <Text fw={600} size="sm">
            Hyperparameters
          </Text>
          <Hyperparameters params={params} />
        </Stack>
        <Stack gap={4}>
          <Text fw={600} size="sm">
            Loss per epoch{version.metrics.best_epoch ? ` (best epoch ${version.metrics.best_epoch} kept)` : ''}
          </Text>
          <LossChart runId={runId} epoch={epochs} height={200} />
        </Stack>
      </SimpleGrid>
      {version.task === 'classification' &&
        (predictions.data ? (
          <ThresholdView data={predictions.data} />
        ) : predictions.data === null ? (
          <Alert color="gray" title="No ROC or precision–recall curves for this version" data-testid="curves-missing">
            It was trained before Lathe kept the test split&apos;s predictions. Train it again to see the curves and a
            threshold slider; the confusion matrix below is the one stored at training (threshold: the most probable
            class).
          </Alert>
        ) : null)}
      {confusion.data && (!predictions.data || confusion.data.classes.length > 2) && (
        <Stack gap={4}>
          <Text fw={600} size="sm">
            Confusion matrix, most probable class (rows: actual, columns: predicted)
          </Text>
          <ClassConfusion classes={confusion.data.classes} counts={confusion.data.counts} />
        </Stack>
      )}
      {importance.data && importance.data.length > 0 && (
        <ImportanceChart items={importance.data} metric={importance.data[0]!.metric} />
      )}
    </Stack>
  );
}

const hyperparameterKeys = [
  'hidden',
  'epochs',
  'patience',
  'batch_size',
  'learning_rate',
  'validation_share',
  'seed',
  'backend',
  'task',
  'target',
  'data',
];

function Hyperparameters({ params }: { params: Record<string, string> }) {
  const rows = hyperparameterKeys.filter((k) => k in params);
  const split = ['rows_train', 'rows_validation', 'rows_test'].map((k) => params[k]);
  return (
    <Table
      withRowBorders={false}
      verticalSpacing={1}
      aria-label="Hyperparameters"
      w="auto"
      miw={260}
      style={{ alignSelf: 'flex-start' }}
    >
      <Table.Tbody>
        {rows.map((k) => (
          <Table.Tr key={k}>
            <Table.Td w={190}>
              <Text size="sm">{k}</Text>
            </Table.Td>
            <Table.Td>
              <Text size="sm" ff="monospace" style={{ overflowWrap: 'anywhere' }}>
                {params[k]}
              </Text>
            </Table.Td>
          </Table.Tr>
        ))}
        <Table.Tr>
          <Table.Td>
            <Text size="sm">rows train / val / test</Text>
          </Table.Td>
          <Table.Td>
            <Text size="sm" ff="monospace" data-testid="split-sizes">
              {split.every((v) => v !== undefined) ? split.join(' / ') : 'not recorded (trained before Lathe kept it)'}
            </Text>
          </Table.Td>
        </Table.Tr>
      </Table.Tbody>
    </Table>
  );
}

function curveOption(
  points: CurvePoint[],
  current: { x: number; y: number },
  axes: { x: string; y: string },
  diagonal: boolean,
): ChartOption {
  return {
    animation: false,
    grid: { left: 56, right: 16, top: 12, bottom: 40 },
    tooltip: {
      trigger: 'axis',
      valueFormatter: (v: unknown) => (typeof v === 'number' ? v.toFixed(3) : String(v)),
    },
    xAxis: {
      type: 'value',
      min: 0,
      max: 1,
      name: axes.x,
      nameLocation: 'middle',
      nameGap: 24,
      axisLabel: { fontSize: 10 },
    },
    yAxis: {
      type: 'value',
      min: 0,
      max: 1,
      name: axes.y,
      nameLocation: 'middle',
      nameGap: 34,
      axisLabel: { fontSize: 10 },
    },
    series: [
      {
        name: axes.y,
        type: 'line',
        step: false,
        showSymbol: false,
        data: points.map((p) => [p.x, p.y]),
        lineStyle: { width: 2 },
      },
      ...(diagonal
        ? [
            {
              name: 'chance',
              type: 'line',
              showSymbol: false,
              silent: true,
              data: [
                [0, 0],
                [1, 1],
              ],
              lineStyle: { type: 'dashed', width: 1, opacity: 0.5 },
            },
          ]
        : []),
      {
        // A marker of where the slider's threshold sits on the curve, not a one-point line.
        name: 'threshold',
        type: 'scatter',
        data: [[current.x, current.y]],
        symbolSize: 10,
        silent: true,
      },
    ],
  };
}

function ThresholdView({ data }: { data: TestPredictions }) {
  const [positive, setPositive] = useState(String(data.classes.length === 2 ? 1 : 0));
  const [threshold, setThreshold] = useState(0.5);
  const index = Number(positive);
  const scores = useMemo(() => binaryScores(data, index), [data, index]);
  const roc = useMemo(() => rocCurve(scores), [scores]);
  const pr = useMemo(() => precisionRecallCurve(scores), [scores]);
  const at = confusionAt(scores, threshold);
  const className = data.classes[index]!;
  const rocOption = useMemo(
    () =>
      curveOption(
        roc.points,
        { x: at.falsePositiveRate, y: at.truePositiveRate },
        { x: 'false positive rate', y: 'true positive rate' },
        true,
      ),
    [roc, at.falsePositiveRate, at.truePositiveRate],
  );
  const prOption = useMemo(
    () => curveOption(pr.points, { x: at.truePositiveRate, y: at.precision }, { x: 'recall', y: 'precision' }, false),
    [pr, at.truePositiveRate, at.precision],
  );
  return (
    <Stack gap="sm">
      <Group justify="space-between" align="flex-end">
        <Text fw={600} size="sm">
          Test split: {data.testRows.toLocaleString()} rows
          {data.labels.length < data.testRows ? ` (curves from ${data.labels.length.toLocaleString()} of them)` : ''}
        </Text>
        {data.classes.length > 2 && (
          <Select
            label="Positive class (one vs rest)"
            data={data.classes.map((c, i) => ({ value: String(i), label: c }))}
            value={positive}
            onChange={(v) => v !== null && setPositive(v)}
            allowDeselect={false}
            w={240}
          />
        )}
      </Group>
      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="lg">
        <Stack gap={0}>
          <Text size="sm" data-testid="roc-auc">
            ROC ({data.classes.length === 2 ? `positive: ${className}` : `${className} vs rest`}) · AUC{' '}
            {roc.auc.toFixed(4)}
          </Text>
          <EChart option={rocOption} height={240} label="ROC curve" />
        </Stack>
        <Stack gap={0}>
          <Text size="sm" data-testid="average-precision">
            Precision–recall · average precision {pr.averagePrecision.toFixed(4)}
          </Text>
          <EChart option={prOption} height={240} label="Precision–recall curve" />
        </Stack>
      </SimpleGrid>
      <Paper withBorder p="sm">
        <Group align="flex-start" gap="xl" wrap="wrap">
          <Stack gap={6} w={300}>
            <Text size="sm" fw={600}>
              Threshold: <span data-testid="threshold-value">{threshold.toFixed(2)}</span>
            </Text>
            <Text size="xs" c="dimmed">
              A row is predicted {className} when its probability of {className} is at least the threshold.
            </Text>
            <Slider
              thumbLabel="Threshold"
              min={0}
              max={1}
              step={0.01}
              value={threshold}
              onChange={setThreshold}
              label={(v) => v.toFixed(2)}
              marks={[{ value: 0.5, label: '0.5' }]}
              mb="md"
              mt="lg"
            />
            <Text size="xs" ff="monospace">
              {/* Each rate stays on one line with its name; the line breaks between them. */}
              {(
                [
                  ['accuracy', at.accuracy],
                  ['precision', at.precision],
                  ['recall', at.truePositiveRate],
                ] as const
              ).map(([name, value], position) => (
                <Fragment key={name}>
                  {position > 0 && ' · '}
                  <span style={{ whiteSpace: 'nowrap' }}>
                    {name} {percent(value)}
                  </span>
                </Fragment>
              ))}
            </Text>
          </Stack>
          <BinaryConfusion
            at={at}
            positive={className}
            negative={data.classes.length === 2 ? data.classes[1 - index]! : `not ${className}`}
          />
        </Group>
      </Paper>
    </Stack>
  );
}

/** Shades a cell by its share of its row: teal for correct, red for wrong. */
function shade(correct: boolean, share: number): string {
  const color = correct ? 'var(--mantine-color-teal-6)' : 'var(--mantine-color-red-6)';
  return `color-mix(in srgb, ${color} ${Math.round(10 + share * 55)}%, transparent)`;
}

function BinaryConfusion({ at, positive, negative }: { at: ThresholdConfusion; positive: string; negative: string }) {
  const cells = [
    [
      { label: 'TP', count: at.truePositives, rate: at.truePositiveRate, rateName: 'TPR', correct: true },
      { label: 'FN', count: at.falseNegatives, rate: at.falseNegativeRate, rateName: 'FNR', correct: false },
    ],
    [
      { label: 'FP', count: at.falsePositives, rate: at.falsePositiveRate, rateName: 'FPR', correct: false },
      { label: 'TN', count: at.trueNegatives, rate: at.trueNegativeRate, rateName: 'TNR', correct: true },
    ],
  ];
  return (
    <Table withTableBorder withColumnBorders verticalSpacing={6} aria-label="Confusion matrix" w="auto">
      <Table.Thead>
        <Table.Tr>
          <Table.Th style={{ whiteSpace: 'nowrap' }}>actual ↓ predicted →</Table.Th>
          <Table.Th>{positive}</Table.Th>
          <Table.Th>{negative}</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {cells.map((row, r) => (
          <Table.Tr key={r}>
            <Table.Th>{r === 0 ? positive : negative}</Table.Th>
            {row.map((cell) => (
              <Table.Td
                key={cell.label}
                bg={shade(cell.correct, cell.rate)}
                data-testid={`confusion-${cell.label}`}
                style={{ whiteSpace: 'nowrap' }}
              >
                <Text size="sm" ff="monospace" fw={600}>
                  {cell.count}
                </Text>
                <Text size="xs">
                  {cell.label} · {cell.rateName} {percent(cell.rate)}
                </Text>
              </Table.Td>
            ))}
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

function ClassConfusion({ classes, counts }: { classes: string[]; counts: number[][] }) {
  return (
    <Table
      withTableBorder
      withColumnBorders
      verticalSpacing={2}
      aria-label="Class confusion matrix"
      maw={160 + classes.length * 110}
    >
      <Table.Thead>
        <Table.Tr>
          <Table.Th />
          {classes.map((c) => (
            <Table.Th key={c}>{c}</Table.Th>
          ))}
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {counts.map((row, i) => {
          const total = row.reduce((a, b) => a + b, 0);
          return (
            <Table.Tr key={i}>
              <Table.Th>{classes[i]}</Table.Th>
              {row.map((n, j) => (
                <Table.Td key={j} bg={shade(i === j, total ? n / total : 0)}>
                  <Text size="sm" ff="monospace" fw={i === j ? 700 : 400}>
                    {n}
                  </Text>
                  <Text size="xs">{total ? percent(n / total) : '–'}</Text>
                </Table.Td>
              ))}
            </Table.Tr>
          );
        })}
      </Table.Tbody>
    </Table>
  );
}

/** Signed bars around a zero line: a feature whose shuffling improved the score draws to the left, in red. */
function ImportanceChart({ items, metric }: { items: { feature: string; importance: number }[]; metric: string }) {
  const bars = importanceBars(items);
  const anyNegative = bars.some((b) => b.sign < 0);
  const half = anyNegative ? 110 : 220;
  return (
    <Stack gap={4}>
      <Text fw={600} size="sm">
        Permutation importance (drop in test {metric} when the feature is shuffled)
      </Text>
      <Stack gap={3} aria-label="Feature importance">
        {bars.map((bar) => (
          <Group key={bar.feature} gap="xs" wrap="nowrap" data-testid="importance-row" data-sign={bar.sign}>
            <Text size="sm" w={180} truncate title={bar.feature}>
              {bar.feature}
            </Text>
            <div style={{ display: 'flex', alignItems: 'center', flex: 'none' }}>
              {anyNegative && (
                <div style={{ width: half, display: 'flex', justifyContent: 'flex-end' }}>
                  {bar.sign < 0 && (
                    <div
                      style={{
                        height: 8,
                        width: Math.max(2, bar.fraction * half),
                        background: 'var(--mantine-color-red-5)',
                        borderRadius: 4,
                      }}
                    />
                  )}
                </div>
              )}
              <div style={{ width: 1, height: 14, background: 'var(--mantine-color-default-border)' }} />
              <div style={{ width: half }}>
                {bar.sign > 0 && (
                  <div
                    style={{
                      height: 8,
                      width: Math.max(2, bar.fraction * half),
                      background: 'var(--mantine-color-blue-5)',
                      borderRadius: 4,
                    }}
                  />
                )}
              </div>
            </div>
            <Text size="xs" ff="monospace" data-testid="importance-value">
              {bar.value === 0 ? '0' : bar.value.toFixed(4)}
            </Text>
          </Group>
        ))}
      </Stack>
    </Stack>
  );
}
