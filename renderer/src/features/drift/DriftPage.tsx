/**
 * Drift: the stored reports and a form to make one (/drift), and one report (/drift/ID): its verdict,
 * the columns table sorted by severity, the reference and current distributions of the selected column
 * overlaid, and downloads of the JSON and the standalone HTML report.
 */
import { useMemo, useState } from 'react';
import {
  Alert,
  Autocomplete,
  Badge,
  Button,
  Group,
  Loader,
  NumberInput,
  Paper,
  Stack,
  Table,
  Text,
  Title,
} from '@mantine/core';
import { IconDownload } from '@tabler/icons-react';
import { useMutation } from '@tanstack/react-query';
import { Link, Route, Routes, useNavigate, useParams } from 'react-router';
import type { ColumnDrift, DriftReport } from '../../../../shared/contract/index';
import { formatStatistic, verdictLabels } from '../../../../shared/drift-format';
import { useClient } from '../../api/hooks';
import { useLatheQuery } from '../../api/queries';
import { ClientError } from '../../api/client-error';
import { EmptyState } from '../../components/EmptyState';
import { EChart } from '../../components/EChart';
import { BreakableText } from '../../components/BreakableText';
import { PageHeader, PageLayout } from '../../components/Page';
import { looksLikeFreeText, orderDriftColumns } from './column-order';

const verdictColors: Record<ColumnDrift['verdict'], string> = {
  drift: 'red',
  no_drift: 'green',
  type_mismatch: 'orange',
  no_values: 'gray',
  not_tested: 'gray',
};
const referenceColor = '#748ffc';
const currentColor = '#ff922b';

function download(fileName: string, text: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.click();
  URL.revokeObjectURL(url);
}

function percent(share: number): number {
  return Math.round(share * 10000) / 100;
}

function DistributionChart({ column, report }: { column: ColumnDrift; report: DriftReport }) {
  const option = useMemo(() => {
    const distribution = column.distribution!;
    const labels =
      distribution.kind === 'histogram'
        ? distribution.edges
            .slice(0, -1)
            .map((edge, index) => `${formatStatistic(edge)} – ${formatStatistic(distribution.edges[index + 1]!)}`)
        : distribution.categories;
    return {
      animation: false,
      grid: { left: 48, right: 12, top: 30, bottom: 40 },
      legend: { top: 0 },
      tooltip: { trigger: 'axis', valueFormatter: (value: number) => `${value}%` },
      xAxis: { type: 'category', data: labels, axisLabel: { fontSize: 10, hideOverlap: true } },
      yAxis: { type: 'value', axisLabel: { formatter: '{value}%' } },
      series: [
        {
          name: `reference ${report.reference.label}`,
          type: 'bar',
          data: distribution.reference.map(percent),
          itemStyle: { color: referenceColor, opacity: 0.6 },
          barGap: '-100%',
          barCategoryGap: distribution.kind === 'histogram' ? '2%' : '20%',
        },
        {
          name: `current ${report.current.label}`,
          type: 'bar',
          data: distribution.current.map(percent),
          itemStyle: { color: currentColor, opacity: 0.6 },
        },
      ],
    };
  }, [column, report]);
  return (
    <EChart
      option={option}
      height={280}
      label={`${column.distribution!.kind === 'histogram' ? 'Histograms' : 'Category shares'} of ${column.column}`}
    />
  );
}

function ColumnsTable({
  columns,
  selected,
  onSelect,
}: {
  columns: ColumnDrift[];
  selected: string | null;
  onSelect: (column: string) => void;
}) {
  return (
    <Table highlightOnHover aria-label="Drift by column" stickyHeader>
      <Table.Thead style={{ whiteSpace: 'nowrap' }}>
        <Table.Tr>
          <Table.Th>Column</Table.Th>
          <Table.Th>Verdict</Table.Th>
          <Table.Th>Test</Table.Th>
          <Table.Th ta="right">Statistic</Table.Th>
          <Table.Th ta="right">p-value</Table.Th>
          <Table.Th>Threshold</Table.Th>
          <Table.Th>Kind</Table.Th>
          <Table.Th>Note</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {columns.map((column) => {
          const freeText = looksLikeFreeText(column);
          const note = freeText
            ? 'Mostly distinct values (free text or an id): a chi-square on them says little.'
            : column.note;
          return (
            <Table.Tr
              key={column.column}
              onClick={() => onSelect(column.column)}
              bg={selected === column.column ? 'var(--mantine-color-blue-light)' : undefined}
              style={{ cursor: 'pointer' }}
              aria-selected={selected === column.column}
            >
              <Table.Td>
                <Group gap={6} wrap="nowrap">
                  <Text fw={500} size="sm">
                    <BreakableText text={column.column} />
                  </Text>
                  {freeText && (
                    <Badge color="gray" variant="outline" size="xs">
                      free text
                    </Badge>
                  )}
                </Group>
              </Table.Td>
              <Table.Td>
                <Badge color={freeText ? 'gray' : verdictColors[column.verdict]} variant="light">
                  {verdictLabels[column.verdict]}
                </Badge>
              </Table.Td>
              <Table.Td>{column.test ?? '—'}</Table.Td>
              <Table.Td ta="right" className="mono" style={{ whiteSpace: 'nowrap' }}>
                {formatStatistic(column.statistic)}
              </Table.Td>
              <Table.Td ta="right" className="mono" style={{ whiteSpace: 'nowrap' }}>
                {formatStatistic(column.pvalue)}
              </Table.Td>
              <Table.Td style={{ whiteSpace: 'nowrap' }}>
                {column.threshold === null
                  ? '—'
                  : `${column.thresholdKind === 'pvalue' ? 'p <' : '≥'} ${column.threshold}`}
              </Table.Td>
              <Table.Td>{column.kind ?? '—'}</Table.Td>
              <Table.Td maw={420}>
                <Text size="xs" c="dimmed" lineClamp={2} title={note ?? undefined}>
                  {note}
                </Text>
              </Table.Td>
            </Table.Tr>
          );
        })}
      </Table.Tbody>
    </Table>
  );
}

function ReportView() {
  const { id } = useParams();
  const client = useClient();
  const report = useLatheQuery('drift.get', { id: id! });
  const [selected, setSelected] = useState<string | null>(null);
  if (report.isPending) return <Loader />;
  if (report.isError) return <Alert color="red">{ClientError.from(report.error).message}</Alert>;
  const data = report.data;
  const columns = orderDriftColumns([...data.columns, ...data.predictions]);
  const shown =
    columns.find((column) => column.column === selected) ??
    columns.find((column) => column.distribution && !looksLikeFreeText(column)) ??
    columns.find((column) => column.distribution);
  return (
    <PageLayout>
      <PageHeader
        back={{ to: '/drift', label: 'Reports' }}
        title={`${data.current.label} vs ${data.reference.label}`}
        description={`Made ${new Date(data.createdAt).toLocaleString()} in ${data.seconds.toFixed(2)} s`}
        actions={
          <>
            <Button
              variant="default"
              leftSection={<IconDownload size={16} />}
              onClick={() =>
                download(`drift-${data.id.slice(0, 8)}.json`, JSON.stringify(data, null, 2), 'application/json')
              }
            >
              JSON
            </Button>
            <Button
              variant="default"
              leftSection={<IconDownload size={16} />}
              onClick={() =>
                void client['drift.html']({ id: data.id }).then((file) =>
                  download(file.fileName, file.html, 'text/html'),
                )
              }
            >
              HTML report
            </Button>
          </>
        }
      />
      <Paper withBorder p="md" data-testid="drift-summary">
        <Group wrap="nowrap" align="center">
          <Badge size="lg" color={data.datasetDrift ? 'red' : 'green'}>
            {data.datasetDrift ? 'Dataset drift' : 'No dataset drift'}
          </Badge>
          <Text>
            {data.columnsDrifted} of {data.columnsTested} tested columns drift ({(data.driftShare * 100).toFixed(1)}%;
            dataset drift from {(data.driftShareThreshold * 100).toFixed(0)}%). Reference{' '}
            {data.reference.rows.toLocaleString()} rows, current {data.current.rows.toLocaleString()} rows
            {data.model ? `, model ${data.model.ref}` : ''}.
          </Text>
        </Group>
      </Paper>
      {shown?.distribution && (
        <Paper withBorder p="md">
          <Text fw={500} mb="xs">
            {shown.column}: {verdictLabels[shown.verdict]} ({shown.test}, statistic {formatStatistic(shown.statistic)}
            {shown.pvalue !== null ? `, p ${formatStatistic(shown.pvalue)}` : ''})
          </Text>
          <DistributionChart column={shown} report={data} />
        </Paper>
      )}
      <ColumnsTable columns={columns} selected={shown?.column ?? null} onSelect={setSelected} />
    </PageLayout>
  );
}

function NewReportForm() {
  const client = useClient();
  const navigate = useNavigate();
  const datasets = useLatheQuery('datasets.list', {});
  const models = useLatheQuery('models.list', {});
  const [reference, setReference] = useState('');
  const [current, setCurrent] = useState('');
  const [model, setModel] = useState('');
  const [driftShare, setDriftShare] = useState<number | string>(0.5);
  const refs = useMemo(
    () =>
      (datasets.data ?? []).flatMap((dataset) =>
        Array.from(
          { length: dataset.latest.version },
          (_, index) => `${dataset.name}@${dataset.latest.version - index}`,
        ),
      ),
    [datasets.data],
  );
  const modelRefs = useMemo(
    () => (models.data ?? []).filter((m) => m.latestVersion !== null).map((m) => `${m.name}@${m.latestVersion}`),
    [models.data],
  );
  const run = useMutation({
    mutationFn: () =>
      client['drift.run']({
        reference,
        current,
        model: model || undefined,
        driftShare: typeof driftShare === 'number' ? driftShare : Number(driftShare),
      }),
    onSuccess: (report) => void navigate(`/drift/${report.id}`),
  });
  return (
    <Paper withBorder p="md">
      <Stack gap="sm">
        <Title order={4}>New drift report</Title>
        <Group align="end" grow>
          <Autocomplete label="Reference" placeholder="NAME@V" data={refs} value={reference} onChange={setReference} />
          <Autocomplete
            label="Current"
            placeholder="NAME@V or a file path"
            data={refs}
            value={current}
            onChange={setCurrent}
          />
          <Autocomplete
            label="Model (optional)"
            placeholder="NAME@V"
            data={modelRefs}
            value={model}
            onChange={setModel}
          />
          <NumberInput
            label="Drift share"
            min={0.01}
            max={1}
            step={0.05}
            decimalScale={2}
            value={driftShare}
            onChange={setDriftShare}
          />
          <Button onClick={() => run.mutate()} loading={run.isPending} disabled={!reference || !current}>
            Compare
          </Button>
        </Group>
        {run.isError && <Alert color="red">{ClientError.from(run.error).message}</Alert>}
      </Stack>
    </Paper>
  );
}

function ReportList() {
  const list = useLatheQuery('drift.list', {});
  return (
    <PageLayout>
      <PageHeader
        title="Drift"
        description="Whether a current set of rows still looks like the reference a model was trained on, column by column."
      />
      <NewReportForm />
      {list.isPending && <Loader />}
      {list.isError && <Alert color="red">{ClientError.from(list.error).message}</Alert>}
      {list.data && list.data.length === 0 && (
        <EmptyState title="No drift reports yet">
          Compare a current set with a reference above, or run{' '}
          <code>lathe drift --reference NAME@V --current FILE</code>.
        </EmptyState>
      )}
      {list.data && list.data.length > 0 && (
        <Table highlightOnHover aria-label="Drift reports">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>When</Table.Th>
              <Table.Th>Reference</Table.Th>
              <Table.Th>Current</Table.Th>
              <Table.Th>Model</Table.Th>
              <Table.Th>Drifting columns</Table.Th>
              <Table.Th>Verdict</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {list.data.map((report) => (
              <Table.Tr key={report.id}>
                <Table.Td>
                  <Link to={`/drift/${report.id}`}>{new Date(report.createdAt).toLocaleString()}</Link>
                </Table.Td>
                <Table.Td>{report.reference.label}</Table.Td>
                <Table.Td>{report.current.label}</Table.Td>
                <Table.Td>{report.model?.ref ?? '—'}</Table.Td>
                <Table.Td>
                  {report.columnsDrifted} / {report.columnsTested}
                </Table.Td>
                <Table.Td>
                  <Badge color={report.datasetDrift ? 'red' : 'green'} variant="light">
                    {report.datasetDrift ? 'Dataset drift' : 'No dataset drift'}
                  </Badge>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </PageLayout>
  );
}

/** The drift section. */
export function DriftPage() {
  return (
    <Routes>
      <Route index element={<ReportList />} />
      <Route path=":id" element={<ReportView />} />
    </Routes>
  );
}
