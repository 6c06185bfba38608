/**
 * Scores a whole dataset version with a model version into a CSV or Parquet file, with live progress,
 * and shows what came out: metrics when the data has the label, the first rows, and a download of the
 * file in the browser. In the web shell the user picks only the format: a path on the server is nothing a
 * browser user can type or open, so the file goes to Lathe's home under a name made from the model and the
 * data, and comes to them as a download. The desktop shell offers that same path, editable.
 */
import { useState } from 'react';
import {
  Alert,
  Badge,
  Button,
  Group,
  MultiSelect,
  Progress,
  ScrollArea,
  SegmentedControl,
  Stack,
  Table,
  Text,
  TextInput,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation } from '@tanstack/react-query';
import type { DatasetVersion, ModelVersion } from '../../../../shared/contract/index';
import { formatNumber } from '../../../../shared/format';
import { useClient } from '../../api/hooks';
import { ClientError } from '../../api/client-error';
import { ProgressStatus } from '../../components/ProgressStatus';
import { choiceRef, DatasetVersionPicker, type DatasetChoice } from './DatasetVersionPicker';
import { useLatheQuery } from '../../api/queries';
import { BreakableText } from '../../components/BreakableText';
import { defaultScoresPath } from './scores-path';

/** Saves base64 bytes as a file through a temporary link. */
function saveBase64(base64: string, fileName: string): void {
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  const url = URL.createObjectURL(new Blob([bytes], { type: 'application/octet-stream' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** The scoring panel of a model version's page. */
export function ScorePanel({ version }: { version: ModelVersion }) {
  const client = useClient();
  const ref = `${version.model}@${version.version}`;
  const [dataset, setDataset] = useState<DatasetChoice | null>(null);
  const [datasetVersion, setDatasetVersion] = useState<DatasetVersion | null>(null);
  const data = choiceRef(dataset) ?? '';
  const info = useLatheQuery('app.info', {}, { staleTime: Infinity });
  const web = info.data?.shell !== 'electron';
  const [format, setFormat] = useState<'csv' | 'parquet'>('csv');
  const [typedOut, setTypedOut] = useState<string | null>(null);
  const suggested = info.data && data ? defaultScoresPath(info.data.home, ref, data, format) : '';
  // The web shell always writes the suggested path; the desktop shell writes what was typed, if anything.
  const out = web ? suggested : (typedOut ?? suggested);
  const [keep, setKeep] = useState<string[]>([]);
  const [progress, setProgress] = useState<{ rows: number; totalRows: number | null } | null>(null);
  const columnNames = datasetVersion?.columns.map((c) => c.name) ?? [];
  // Set by Cancel: the scoring then ends in a "cancelled" error, shown as what it is rather than a failure.
  const [cancelled, setCancelled] = useState(false);
  const cancel = useMutation({
    mutationFn: () => client['models.cancelPredict']({ ref }),
    onMutate: () => setCancelled(true),
  });
  const score = useMutation({
    mutationFn: () => {
      setProgress(null);
      setCancelled(false);
      const off = client.on('models.predictProgress', (p) => {
        if (p.ref === ref) setProgress({ rows: p.rows, totalRows: p.totalRows });
      });
      const kept = keep.filter((name) => columnNames.includes(name));
      return client['models.predict']({ ref, data, out: out.trim(), ...(kept.length ? { keep: kept } : {}) }).finally(
        off,
      );
    },
  });
  const download = useMutation({
    mutationFn: (path: string) => client['models.downloadScores']({ out: path }),
    onSuccess: (file) => saveBase64(file.base64, file.fileName),
    onError: (error) =>
      notifications.show({ title: 'Download failed', message: ClientError.from(error).message, color: 'red' }),
  });
  const result = score.data;
  return (
    <Stack gap="sm" mt="xl">
      <Text fw={600} size="sm">
        Score a dataset
      </Text>
      <DatasetVersionPicker value={dataset} onChange={setDataset} onVersion={setDatasetVersion} label="Data" />
      <MultiSelect
        label="Keep columns"
        description="Input columns copied to the output beside the scores (an id, say)"
        placeholder={columnNames.length ? 'Choose columns' : 'Choose a dataset first'}
        data={columnNames}
        value={keep.filter((name) => columnNames.includes(name))}
        onChange={setKeep}
        searchable
        clearable
        nothingFoundMessage="No such column"
        maw={640}
      />
      <Group align="flex-end">
        {web ? (
          <Stack gap={4}>
            <Text size="sm" fw={500}>
              Output
            </Text>
            <SegmentedControl
              aria-label="Output format"
              value={format}
              onChange={(value) => setFormat(value as 'csv' | 'parquet')}
              data={[
                { value: 'csv', label: 'CSV' },
                { value: 'parquet', label: 'Parquet' },
              ]}
            />
          </Stack>
        ) : (
          <TextInput
            label="Output file"
            description="Path ending in .csv or .parquet"
            placeholder="/home/me/scores.parquet"
            value={out}
            onChange={(e) => setTypedOut(e.currentTarget.value)}
            w={420}
          />
        )}
        <Button onClick={() => score.mutate()} loading={score.isPending} disabled={!data || !out.trim()}>
          Score
        </Button>
        {!data ? (
          <Text size="sm" c="dimmed">
            Choose a dataset version to score
          </Text>
        ) : (
          web && (
            <Text size="sm" c="dimmed" data-testid="score-destination">
              Saved in Lathe&apos;s home as <span className="mono">{out.split(/[\\/]/).pop()}</span>; download it here
              once scored.
            </Text>
          )
        )}
      </Group>
      {score.isPending && (
        <Group gap="sm" wrap="nowrap" maw={640}>
          <Progress
            style={{ flex: 1 }}
            value={progress?.totalRows ? (progress.rows / progress.totalRows) * 100 : 2}
            animated
            aria-label="Scoring progress"
          />
          <ProgressStatus
            status={
              progress
                ? `${progress.rows.toLocaleString()}${progress.totalRows ? ` of ${progress.totalRows.toLocaleString()}` : ''} rows`
                : null
            }
            cancelling={cancelled}
            onCancel={() => cancel.mutate()}
            cancelTestId="score-cancel"
          />
        </Group>
      )}
      {score.isError && cancelled && (
        <Text size="sm" c="dimmed" data-testid="score-cancelled">
          Scoring cancelled: nothing was written.
        </Text>
      )}
      {score.isError && !cancelled && (
        <Alert color="red" title="Could not score">
          {ClientError.from(score.error).message}
        </Alert>
      )}
      {result && (
        <Stack gap="xs">
          <Group justify="space-between" wrap="nowrap">
            <Text size="sm" data-testid="score-result">
              Scored {result.rows.toLocaleString()} rows in {result.seconds.toFixed(2)} s →{' '}
              <BreakableText text={web ? (result.out.split(/[\\/]/).pop() ?? result.out) : result.out} />
            </Text>
            <Button
              variant="default"
              onClick={() => download.mutate(result.out)}
              loading={download.isPending}
              style={{ flex: 'none' }}
            >
              Download {web ? (result.out.endsWith('.parquet') ? 'Parquet' : 'CSV') : 'output'}
            </Button>
          </Group>
          {result.evaluation ? (
            <Group gap="xs" aria-label="Scoring metrics">
              <Text size="sm" c="dimmed">
                Against {result.evaluation.label} ({result.evaluation.labeledRows.toLocaleString()} labeled rows):
              </Text>
              {Object.entries(result.evaluation.metrics).map(([name, value]) => (
                <Badge key={name} variant="light" size="lg" tt="none" data-testid={`score-metric-${name}`}>
                  {name} {formatNumber(value)}
                </Badge>
              ))}
            </Group>
          ) : (
            <Text size="sm" c="dimmed">
              No metrics: the data has no {version.target ? `"${version.target}" ` : ''}label column.
            </Text>
          )}
          <ScrollArea type="auto" offsetScrollbars="present">
            <Table striped withTableBorder fz="xs" aria-label="Output preview" style={{ whiteSpace: 'nowrap' }}>
              <Table.Thead>
                <Table.Tr>
                  {result.preview.columns.map((name) => (
                    <Table.Th key={name}>{name}</Table.Th>
                  ))}
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {result.preview.rows.map((row, i) => (
                  <Table.Tr key={i}>
                    {row.map((value, j) => (
                      <Table.Td key={j} ff={typeof value === 'number' ? 'monospace' : undefined}>
                        {value === null ? '' : typeof value === 'number' ? formatNumber(value) : String(value)}
                      </Table.Td>
                    ))}
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </ScrollArea>
          <Text size="xs" c="dimmed">
            First {result.preview.rows.length} of {result.rows.toLocaleString()} rows.
          </Text>
        </Stack>
      )}
    </Stack>
  );
}
