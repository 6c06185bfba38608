/** A version's profile: one card per column with its statistics and a chart, type overrides, and sample rows. */
import { Fragment, useMemo, useState } from 'react';
import {
  Badge,
  Button,
  Group,
  Paper,
  Select,
  SimpleGrid,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
  Tooltip,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type {
  ColumnProfile,
  ColumnType,
  DatasetColumn,
  DatasetProfile,
  DatasetVersion,
} from '../../../../shared/contract/index';
import { quantileLevels } from '../../../../shared/contract/index';
import { useClient } from '../../api/hooks';
import { refreshAfter } from '../../api/queries';
import { ClientError } from '../../api/client-error';
import { formatNumber } from '../../../../shared/format';
import { binAxis, Chart } from './Chart';
import { DataGrid } from './DataGrid';

const typeColors: Record<ColumnType, string> = {
  integer: 'blue',
  float: 'cyan',
  boolean: 'grape',
  categorical: 'orange',
  datetime: 'teal',
  text: 'gray',
};
const types: ColumnType[] = ['integer', 'float', 'boolean', 'categorical', 'datetime', 'text'];
const pageSize = 24;

/** A column type as a colored badge. */
export function TypeBadge({ type }: { type: ColumnType }) {
  return (
    <Badge variant="light" color={typeColors[type]} size="sm">
      {type}
    </Badge>
  );
}

function ColumnChart({ column }: { column: ColumnProfile }) {
  const option = useMemo(() => {
    if (column.histogram) {
      return {
        grid: { left: 4, right: 8, top: 8, bottom: 4, containLabel: true },
        tooltip: { trigger: 'axis' },
        xAxis: binAxis(column.histogram.edges),
        yAxis: { type: 'value', axisLabel: { fontSize: 9 }, splitNumber: 3 },
        series: [{ type: 'bar', data: column.histogram.counts, barCategoryGap: '4%', name: 'rows' }],
      };
    }
    if (column.top && column.top.length > 0 && !(column.type === 'text' && column.top[0]!.count <= 1)) {
      const top = [...column.top].reverse();
      return {
        grid: { left: 90, right: 12, top: 4, bottom: 18 },
        tooltip: { trigger: 'axis' },
        xAxis: { type: 'value', axisLabel: { fontSize: 9 }, splitNumber: 3 },
        yAxis: {
          type: 'category',
          data: top.map((t) => (t.value.length > 14 ? `${t.value.slice(0, 13)}…` : t.value)),
          axisLabel: { fontSize: 9 },
        },
        series: [{ type: 'bar', data: top.map((t) => t.count), name: 'rows' }],
      };
    }
    return null;
  }, [column]);
  if (!option) {
    const why =
      column.type === 'datetime'
        ? 'Dates: see the first and last below.'
        : column.type === 'text'
          ? 'Every value is different (free text): see the sample rows.'
          : 'No values to chart.';
    return (
      <Text size="xs" c="dimmed" h={140} pt="xl" ta="center">
        {why}
      </Text>
    );
  }
  return (
    <Chart option={option} label={`${column.histogram ? 'Histogram' : 'Most frequent values'} of ${column.name}`} />
  );
}

function ColumnCard({
  column,
  schema,
  reference,
  onRetype,
  retyping,
}: {
  column: ColumnProfile;
  schema: DatasetColumn | undefined;
  reference: string;
  onRetype: (type: ColumnType | null) => void;
  retyping: boolean;
}) {
  const total = column.count + column.missing;
  const rows: [string, string][] = [
    ['count', formatNumber(column.count)],
    [
      'missing',
      `${formatNumber(column.missing)}${total > 0 ? ` (${((100 * column.missing) / total).toFixed(1)}%)` : ''}`,
    ],
    ['unique', `${column.uniqueExact ? '' : '≈ '}${formatNumber(column.unique)}`],
  ];
  if (column.min !== null)
    rows.push(
      [
        column.type === 'datetime' ? 'first' : 'min',
        typeof column.min === 'number' ? formatNumber(column.min) : String(column.min),
      ],
      [
        column.type === 'datetime' ? 'last' : 'max',
        typeof column.max === 'number' ? formatNumber(column.max) : String(column.max),
      ],
    );
  if (column.mean !== null) rows.push([column.type === 'boolean' ? 'share true' : 'mean', formatNumber(column.mean)]);
  if (column.std !== null) rows.push(['std', formatNumber(column.std)]);
  const overridden = schema !== undefined && schema.type !== schema.inferredType;
  return (
    <Paper withBorder p="sm" data-testid={`column-card-${column.name}`}>
      <Stack gap={6}>
        <Group justify="space-between" wrap="nowrap" gap="xs">
          <Text fw={600} truncate title={column.name}>
            {column.name}
          </Text>
          <Tooltip
            label={
              overridden
                ? `Inferred: ${schema.inferredType}. Choose the inferred type to undo.`
                : 'Inferred type; change it if Lathe guessed wrong'
            }
          >
            <Select
              size="xs"
              w={190}
              aria-label={`Type of ${column.name} in ${reference}`}
              data={types.map((t) => ({
                value: t,
                label: schema && t === schema.inferredType ? `${t} (inferred)` : t,
              }))}
              value={column.type}
              allowDeselect={false}
              disabled={retyping}
              onChange={(value) =>
                value &&
                value !== column.type &&
                onRetype(schema && value === schema.inferredType ? null : (value as ColumnType))
              }
              leftSection={
                <span
                  style={{
                    width: 8,
                    height: 8,
                    borderRadius: 4,
                    background: `var(--mantine-color-${typeColors[column.type]}-filled)`,
                  }}
                />
              }
            />
          </Tooltip>
        </Group>
        <ColumnChart column={column} />
        <Table withRowBorders={false} verticalSpacing={1} fz="xs">
          <Table.Tbody>
            {rows.map(([label, value]) => (
              <Table.Tr key={label}>
                <Table.Td c="dimmed" w={90}>
                  {label}
                </Table.Td>
                <Table.Td
                  className="mono"
                  style={{ overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap', maxWidth: 180 }}
                  title={value}
                >
                  {value}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
        {column.quantiles && (
          <Text size="xs" c="dimmed" className="mono" title="Quantiles 1, 5, 25, 50, 75, 95, 99 %">
            {/* Each quantile keeps its value on its own line; lines break only between quantiles. */}
            {column.quantiles.map((q, i) => (
              <Fragment key={i}>
                {i > 0 && ' · '}
                <span style={{ whiteSpace: 'nowrap' }}>
                  p{Math.round(quantileLevels[i]! * 100)} {formatNumber(q, 2)}
                </span>
              </Fragment>
            ))}
          </Text>
        )}
      </Stack>
    </Paper>
  );
}

/** The profile of one version. */
export function ProfileView({ version, profile }: { version: DatasetVersion; profile: DatasetProfile }) {
  const client = useClient();
  const queryClient = useQueryClient();
  const [filter, setFilter] = useState('');
  const [shown, setShown] = useState(pageSize);
  const reference = `${version.name}@${version.version}`;
  const retype = useMutation({
    mutationFn: (input: { column: string; type: ColumnType | null }) =>
      client['datasets.setColumnType']({ ref: reference, column: input.column, type: input.type }),
    onSuccess: (_result, input) => {
      notifications.show({
        message: input.type ? `${input.column} is now ${input.type}` : `${input.column} is back to its inferred type`,
        color: 'green',
      });
      void refreshAfter(queryClient, 'datasets.changed');
    },
    onError: (error) =>
      notifications.show({
        title: 'Could not change the type',
        message: ClientError.from(error).message,
        color: 'red',
      }),
  });
  const columns = profile.columns.filter((c) => c.name.toLowerCase().includes(filter.trim().toLowerCase()));
  const schema = new Map(version.columns.map((c) => [c.name, c]));
  const missingCells = profile.columns.reduce((s, c) => s + c.missing, 0);
  return (
    <Stack gap="md">
      <SimpleGrid cols={{ base: 2, md: 5 }}>
        {[
          ['Rows', formatNumber(profile.rows)],
          ['Columns', formatNumber(profile.columns.length)],
          [
            'Missing cells',
            `${formatNumber(missingCells)}${profile.rows > 0 && profile.columns.length > 0 ? ` (${((100 * missingCells) / (profile.rows * profile.columns.length)).toFixed(1)}%)` : ''}`,
          ],
          ['Size', `${formatNumber(version.size)} bytes`],
          ['Profiled in', `${formatNumber(profile.elapsedMs)} ms`],
        ].map(([label, value]) => (
          <Paper key={label} withBorder p="sm">
            <Text size="xs" c="dimmed">
              {label}
            </Text>
            <Text fw={600}>{value}</Text>
          </Paper>
        ))}
      </SimpleGrid>
      <Group justify="space-between">
        <Title order={4}>Columns</Title>
        {profile.columns.length > pageSize && (
          <TextInput
            size="xs"
            placeholder="Filter columns"
            value={filter}
            onChange={(e) => setFilter(e.currentTarget.value)}
            aria-label="Filter columns"
          />
        )}
      </Group>
      <div className="profile-cards">
        {columns.slice(0, shown).map((column) => (
          <ColumnCard
            key={column.name}
            column={column}
            schema={schema.get(column.name)}
            reference={reference}
            retyping={retype.isPending}
            onRetype={(type) => retype.mutate({ column: column.name, type })}
          />
        ))}
      </div>
      {columns.length > shown && (
        <Button variant="default" onClick={() => setShown((n) => n + pageSize * 2)} style={{ alignSelf: 'center' }}>
          Show more columns ({formatNumber(columns.length - shown)} left)
        </Button>
      )}
      <Title order={4}>Sample rows</Title>
      <Text size="xs" c="dimmed">
        {profile.sample.rows.length} rows drawn reproducibly from the whole version (in file order). The Rows tab
        scrolls through all of them.
      </Text>
      <DataGrid
        label={`Sample rows of ${reference}`}
        columns={profile.sample.columns}
        rowCount={profile.sample.rows.length}
        getRow={(i) => profile.sample.rows[i]}
        height={320}
      />
    </Stack>
  );
}

export { types as columnTypes };
