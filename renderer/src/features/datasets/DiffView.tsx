/** Comparing two versions side by side: schema, rows, statistics, distribution distances, rows by key. */
import { useMemo, useState } from 'react';
import {
  Alert,
  Badge,
  Group,
  Loader,
  Paper,
  Select,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Title,
  Tooltip,
} from '@mantine/core';
import type { Cell, ColumnDiff, DatasetDiff, DatasetVersion } from '../../../../shared/contract/index';
import { useLatheQuery } from '../../api/queries';
import { formatNumber } from '../../../../shared/format';
import { binLabels, Chart } from './Chart';

/** PSI bands as commonly read (and as Evidently reports them): < 0.1 stable, 0.1–0.25 moderate, > 0.25 major shift. */
function psiColor(psi: number): string {
  return psi < 0.1 ? 'green' : psi < 0.25 ? 'orange' : 'red';
}
function jsColor(js: number): string {
  return js < 0.1 ? 'green' : js < 0.2 ? 'orange' : 'red';
}

const colorA = '#748ffc';
const colorB = '#ff922b';

function shares(counts: number[]): number[] {
  const total = counts.reduce((s, c) => s + c, 0);
  return counts.map((c) => (total > 0 ? Math.round((10000 * c) / total) / 100 : 0));
}

function DistributionChart({ column, labelA, labelB }: { column: ColumnDiff; labelA: string; labelB: string }) {
  const option = useMemo(() => {
    const base = {
      grid: { left: 40, right: 8, top: 26, bottom: 22 },
      legend: { top: 0, itemWidth: 10, itemHeight: 10, textStyle: { fontSize: 10 } },
      tooltip: { trigger: 'axis', valueFormatter: (v: number) => `${v}%` },
      yAxis: { type: 'value', axisLabel: { fontSize: 9, formatter: '{value}%' }, splitNumber: 3 },
    };
    if (column.histograms) {
      return {
        ...base,
        xAxis: {
          type: 'category',
          data: binLabels(column.histograms.edges),
          axisLabel: { fontSize: 9, hideOverlap: true },
        },
        series: [
          {
            name: labelA,
            type: 'bar',
            data: shares(column.histograms.a),
            itemStyle: { color: colorA, opacity: 0.6 },
            barGap: '-100%',
            barCategoryGap: '4%',
          },
          { name: labelB, type: 'bar', data: shares(column.histograms.b), itemStyle: { color: colorB, opacity: 0.6 } },
        ],
      };
    }
    if (column.categories) {
      return {
        ...base,
        xAxis: {
          type: 'category',
          data: column.categories.values.map((v) => (v.length > 12 ? `${v.slice(0, 11)}…` : v)),
          axisLabel: { fontSize: 9, hideOverlap: true },
        },
        series: [
          { name: labelA, type: 'bar', data: shares(column.categories.a), itemStyle: { color: colorA } },
          { name: labelB, type: 'bar', data: shares(column.categories.b), itemStyle: { color: colorB } },
        ],
      };
    }
    return null;
  }, [column, labelA, labelB]);
  if (!option) return null;
  return <Chart option={option} height={160} label={`Distribution of ${column.name}: ${labelA} against ${labelB}`} />;
}

/** The two versions' statistics of one column, side by side. */
function SideBySide({ column, labelA, labelB }: { column: ColumnDiff; labelA: string; labelB: string }) {
  const a = column.a;
  const b = column.b;
  if (!a || !b) return null;
  const stat = (value: Cell | number | undefined | null) =>
    value === null || value === undefined ? '—' : typeof value === 'number' ? formatNumber(value) : String(value);
  const rows: [string, string, string][] = [
    ['rows with a value', stat(a.count), stat(b.count)],
    ['missing', stat(a.missing), stat(b.missing)],
    ['unique', `${a.uniqueExact ? '' : '≈'}${stat(a.unique)}`, `${b.uniqueExact ? '' : '≈'}${stat(b.unique)}`],
  ];
  if (a.mean !== null || b.mean !== null) rows.push(['mean', stat(a.mean), stat(b.mean)]);
  if (a.std !== null || b.std !== null) rows.push(['std', stat(a.std), stat(b.std)]);
  if (a.quantiles || b.quantiles) rows.push(['median', stat(a.quantiles?.[3]), stat(b.quantiles?.[3])]);
  if (a.min !== null || b.min !== null)
    rows.push(['min … max', `${stat(a.min)} … ${stat(a.max)}`, `${stat(b.min)} … ${stat(b.max)}`]);
  if (a.top && b.top) rows.push(['most frequent', a.top[0]?.value ?? '—', b.top[0]?.value ?? '—']);
  return (
    <Table fz="xs" verticalSpacing={2} mt={6} aria-label={`Statistics of ${column.name}: ${labelA} and ${labelB}`}>
      <Table.Thead>
        <Table.Tr>
          <Table.Th />
          <Table.Th ta="right" c={colorA}>
            {labelA}
          </Table.Th>
          <Table.Th ta="right" c={colorB}>
            {labelB}
          </Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {rows.map(([label, x, y]) => (
          <Table.Tr key={label}>
            <Table.Td c="dimmed">{label}</Table.Td>
            <Table.Td ta="right" className="mono">
              {x}
            </Table.Td>
            <Table.Td ta="right" className="mono" fw={x !== y ? 600 : undefined}>
              {y}
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

function ChangeBadge({ column }: { column: ColumnDiff }) {
  if (column.change === 'same')
    return (
      <Text size="xs" c="dimmed">
        same type
      </Text>
    );
  const color = column.change === 'added' ? 'green' : column.change === 'removed' ? 'red' : 'orange';
  return (
    <Text size="xs" fw={600} c={`${color}.7`} style={{ whiteSpace: 'nowrap' }}>
      {column.change === 'retyped' ? `${column.typeA} → ${column.typeB}` : column.change}
    </Text>
  );
}

/** A distance with the color of its band. */
function Distance({ value, color }: { value: number; color: string }) {
  return (
    <Text span size="sm" fw={600} c={`${color}.7`} className="mono">
      {value.toFixed(3)}
    </Text>
  );
}

function cellText(value: Cell | undefined): string {
  if (value === null || value === undefined) return '∅';
  return typeof value === 'number' ? formatNumber(value) : String(value);
}

function SampleRows({ title, columns, rows }: { title: string; columns: string[]; rows: Cell[][] }) {
  if (rows.length === 0) return null;
  return (
    <Stack gap={4}>
      <Text size="sm" fw={600}>
        {title}
      </Text>
      <Table.ScrollContainer minWidth={400}>
        <Table fz="xs" withTableBorder striped>
          <Table.Thead>
            <Table.Tr>
              {columns.map((c) => (
                <Table.Th key={c}>{c}</Table.Th>
              ))}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((row, i) => (
              <Table.Tr key={i}>
                {row.map((v, j) => (
                  <Table.Td key={j} className="mono">
                    {cellText(v)}
                  </Table.Td>
                ))}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Stack>
  );
}

function KeyDiffView({ diff }: { diff: DatasetDiff }) {
  const key = diff.keyDiff!;
  return (
    <Paper withBorder p="md">
      <Stack gap="sm">
        <Title order={5}>Rows by key "{key.key}"</Title>
        <Group gap="lg" data-testid="key-diff-counts">
          <Text size="sm">
            <Badge color="green" variant="light">
              {formatNumber(key.added)}
            </Badge>{' '}
            added
          </Text>
          <Text size="sm">
            <Badge color="red" variant="light">
              {formatNumber(key.removed)}
            </Badge>{' '}
            removed
          </Text>
          <Text size="sm">
            <Badge color="yellow" variant="light">
              {formatNumber(key.changed)}
            </Badge>{' '}
            changed
          </Text>
          <Text size="sm">
            <Badge color="gray" variant="light">
              {formatNumber(key.unchanged)}
            </Badge>{' '}
            unchanged
          </Text>
        </Group>
        <Text size="xs" c="dimmed">
          Compared {key.columns.length} column{key.columns.length === 1 ? '' : 's'}
          {key.skipped.length > 0 ? `; not compared because their type changed: ${key.skipped.join(', ')}` : ''}.
        </Text>
        <SampleRows title="Added (sample)" columns={diff.b.columns.map((c) => c.name)} rows={key.samples.added} />
        <SampleRows title="Removed (sample)" columns={diff.a.columns.map((c) => c.name)} rows={key.samples.removed} />
        {key.samples.changed.length > 0 && (
          <Stack gap={4}>
            <Text size="sm" fw={600}>
              Changed (sample): before → after
            </Text>
            <Table fz="xs" withTableBorder>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{key.key}</Table.Th>
                  <Table.Th>Changes</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {key.samples.changed.map((change, i) => (
                  <Table.Tr key={i}>
                    <Table.Td className="mono">{cellText(change.key)}</Table.Td>
                    <Table.Td className="mono">
                      {key.columns
                        .map((name, c) => ({ name, before: change.before[c], after: change.after[c] }))
                        .filter((x) => String(x.before) !== String(x.after))
                        .map((x) => `${x.name}: ${cellText(x.before)} → ${cellText(x.after)}`)
                        .join('; ')}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Stack>
        )}
      </Stack>
    </Paper>
  );
}

/** The compare tab for one dataset. */
export function DiffView({ versions, selected }: { versions: DatasetVersion[]; selected: DatasetVersion }) {
  const name = selected.name;
  const defaultA =
    selected.parentVersion ?? versions.find((v) => v.version < selected.version)?.version ?? selected.version;
  const [a, setA] = useState(String(defaultA));
  const [b, setB] = useState(String(selected.version));
  const [key, setKey] = useState<string | null>(null);
  const versionA = versions.find((v) => String(v.version) === a);
  const versionB = versions.find((v) => String(v.version) === b);
  const keyOptions = useMemo(() => {
    const inB = new Set(versionB?.columns.map((c) => c.name));
    return (versionA?.columns ?? []).filter((c) => inB.has(c.name)).map((c) => c.name);
  }, [versionA, versionB]);
  const diff = useLatheQuery('datasets.diff', { a: `${name}@${a}`, b: `${name}@${b}`, ...(key ? { key } : {}) });
  const options = versions.map((v) => ({
    value: String(v.version),
    label: `@${v.version} · ${v.rows.toLocaleString()} rows${v.message ? ` · ${v.message}` : ''}`,
  }));
  const labelA = `${name}@${a}`;
  const labelB = `${name}@${b}`;
  const data = diff.data;
  const charted = data
    ? [...data.columns]
        .filter((c) => c.histograms || c.categories)
        .sort((x, y) => (y.psi ?? y.jensenShannon ?? 0) - (x.psi ?? x.jensenShannon ?? 0))
    : [];

  return (
    <Stack gap="md">
      <Group align="flex-end">
        <Select
          label="Before (A)"
          data={options}
          value={a}
          onChange={(v) => v && setA(v)}
          allowDeselect={false}
          w={260}
          aria-label="Version A"
        />
        <Select
          label="After (B)"
          data={options}
          value={b}
          onChange={(v) => v && setB(v)}
          allowDeselect={false}
          w={260}
          aria-label="Version B"
        />
        <Select
          label="Key column (optional)"
          description="Counts added, removed and changed rows"
          placeholder="No key"
          data={keyOptions}
          value={key}
          onChange={setKey}
          clearable
          searchable
          w={240}
          aria-label="Key column"
        />
      </Group>
      <Text size="xs" c="dimmed">
        From a terminal:{' '}
        <code>
          lathe data diff {labelA} {labelB}
          {key ? ` --key ${key}` : ''}
        </code>
      </Text>
      {diff.isPending && <Loader size="sm" aria-label="Comparing" />}
      {diff.isError && (
        <Alert color="red" title="Could not compare">
          {diff.error.message}
        </Alert>
      )}
      {data && (
        <>
          <Paper withBorder p="md" data-testid="diff-summary">
            <Group gap="xl">
              <div>
                <Text size="xs" c="dimmed">
                  Rows
                </Text>
                <Text fw={600}>
                  {formatNumber(data.a.rows)} → {formatNumber(data.b.rows)} ({data.rowDelta >= 0 ? '+' : ''}
                  {formatNumber(data.rowDelta)})
                </Text>
              </div>
              <div>
                <Text size="xs" c="dimmed">
                  Columns
                </Text>
                <Text fw={600}>
                  {data.a.columns.length} → {data.b.columns.length}
                </Text>
              </div>
              {data.a.hash === data.b.hash && <Badge color="gray">identical bytes</Badge>}
              {data.added.map((c) => (
                <Badge key={`+${c}`} color="green" variant="light">
                  + {c}
                </Badge>
              ))}
              {data.removed.map((c) => (
                <Badge key={`-${c}`} color="red" variant="light">
                  − {c}
                </Badge>
              ))}
              {data.retyped.map((r) => (
                <Badge key={`~${r.name}`} color="yellow" variant="light">
                  {r.name}: {r.from} → {r.to}
                </Badge>
              ))}
            </Group>
          </Paper>
          {data.keyDiff && <KeyDiffView diff={data} />}
          <Paper withBorder>
            <Table verticalSpacing="xs" fz="sm" aria-label="Column changes" highlightOnHover>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Column</Table.Th>
                  <Table.Th>Change</Table.Th>
                  <Table.Th ta="right">Δ missing</Table.Th>
                  <Table.Th ta="right">Δ unique</Table.Th>
                  <Table.Th ta="right">Δ mean</Table.Th>
                  <Table.Th ta="right">Δ median</Table.Th>
                  <Table.Th ta="right">
                    <Tooltip label="Population Stability Index over A's deciles: < 0.1 stable, > 0.25 major shift">
                      <span>PSI</span>
                    </Tooltip>
                  </Table.Th>
                  <Table.Th ta="right">
                    <Tooltip label="Wasserstein-1: how far values moved, in the column's units">
                      <span>Wasserstein</span>
                    </Tooltip>
                  </Table.Th>
                  <Table.Th ta="right">
                    <Tooltip label="Jensen–Shannon distance (base 2) between category frequencies, 0 to 1">
                      <span>Jensen–Shannon</span>
                    </Tooltip>
                  </Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {data.columns.map((c) => (
                  <Table.Tr key={c.name} data-testid={`diff-row-${c.name}`}>
                    <Table.Td fw={500}>{c.name}</Table.Td>
                    <Table.Td>
                      <ChangeBadge column={c} />
                    </Table.Td>
                    <Table.Td ta="right" className="mono">
                      {c.deltas.missing !== undefined ? formatNumber(c.deltas.missing) : ''}
                    </Table.Td>
                    <Table.Td ta="right" className="mono">
                      {c.deltas.unique !== undefined ? formatNumber(c.deltas.unique) : ''}
                    </Table.Td>
                    <Table.Td ta="right" className="mono">
                      {c.deltas.mean !== undefined ? formatNumber(c.deltas.mean) : ''}
                    </Table.Td>
                    <Table.Td ta="right" className="mono">
                      {c.deltas.median !== undefined ? formatNumber(c.deltas.median) : ''}
                    </Table.Td>
                    <Table.Td ta="right">
                      {c.psi !== null && <Distance value={c.psi} color={psiColor(c.psi)} />}
                    </Table.Td>
                    <Table.Td ta="right" className="mono">
                      {c.wasserstein !== null ? formatNumber(c.wasserstein) : ''}
                    </Table.Td>
                    <Table.Td ta="right">
                      {c.jensenShannon !== null && (
                        <Distance value={c.jensenShannon} color={jsColor(c.jensenShannon)} />
                      )}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Paper>
          {charted.length > 0 && (
            <>
              <Title order={4}>Side by side: distributions (share of rows) and statistics, most shifted first</Title>
              <SimpleGrid cols={{ base: 1, md: 2, lg: 3 }}>
                {charted.map((c) => (
                  <Paper key={c.name} withBorder p="sm">
                    <Group justify="space-between" mb={4}>
                      <Text fw={600} size="sm">
                        {c.name}
                      </Text>
                      {c.psi !== null && (
                        <Badge size="xs" variant="light" color={psiColor(c.psi)}>
                          PSI {c.psi.toFixed(3)}
                        </Badge>
                      )}
                      {c.jensenShannon !== null && (
                        <Badge size="xs" variant="light" color={jsColor(c.jensenShannon)}>
                          JS {c.jensenShannon.toFixed(3)}
                        </Badge>
                      )}
                    </Group>
                    <DistributionChart column={c} labelA={labelA} labelB={labelB} />
                    <SideBySide column={c} labelA={labelA} labelB={labelB} />
                  </Paper>
                ))}
              </SimpleGrid>
            </>
          )}
        </>
      )}
    </Stack>
  );
}
