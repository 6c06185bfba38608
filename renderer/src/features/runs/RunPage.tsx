/** One run: status, duration, params, tags, metric charts and the artifact browser. */
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import {
  Alert,
  Anchor,
  Badge,
  Breadcrumbs,
  Button,
  Group,
  Loader,
  Modal,
  Paper,
  SimpleGrid,
  Stack,
  Table,
  Tabs,
  Text,
  TextInput,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconTrash } from '@tabler/icons-react';
import { useMutation } from '@tanstack/react-query';
import { useClient } from '../../api/hooks';
import { ClientError } from '../../api/client-error';
import { ArtifactBrowser } from './ArtifactBrowser';
import { ChartControls } from './ChartControls';
import { durationText, metricText, statusColor } from './format';
import { useLatheQuery } from '../../api/queries';
import type { ChartSettings } from './MetricChart';
import { RunCharts } from './RunCharts';
import { PageHeader, PageLayout } from '../../components/Page';
import { BreakableText } from '../../components/BreakableText';
import { routeOfValue, type KnownEntities } from '../../app/entity-routes';

/** The page of one run. */
export function RunPage() {
  const { experimentId = '0', runId = '' } = useParams();
  const client = useClient();
  const navigate = useNavigate();
  const [settings, setSettings] = useState<ChartSettings>({ xAxis: 'step', smoothing: 0, logScale: false });
  const [metricFilter, setMetricFilter] = useState('');
  const [confirming, setConfirming] = useState(false);
  const run = useLatheQuery('runs.get', { id: runId }, { retry: false });
  const experiments = useLatheQuery('experiments.list', { includeDeleted: true });
  const experiment = experiments.data?.find((e) => e.id === experimentId);
  const datasets = useLatheQuery('datasets.list', {});
  const models = useLatheQuery('models.list', {});
  const known: KnownEntities = {
    datasets: new Map((datasets.data ?? []).map((d) => [d.name, d.latest.version])),
    models: new Map((models.data ?? []).flatMap((m) => (m.latestVersion === null ? [] : [[m.name, m.latestVersion]]))),
  };
  const linkOf = (key: string, value: string) => routeOfValue(key, value, known);

  const purge = useMutation({
    mutationFn: () => client['runs.purge']({ ids: [runId] }),
    onSuccess: (result) => {
      notifications.show({
        color: 'gray',
        message: `Deleted the run for good; ${result.objectsRemoved} artifact file(s) removed.`,
      });
      navigate(`/experiments/${experimentId}`);
    },
    onError: (error) =>
      notifications.show({ title: 'Could not delete', message: ClientError.from(error).message, color: 'red' }),
  });

  if (run.isPending) return <Loader size="sm" aria-label="Loading run" />;
  if (run.isError) {
    return (
      <Stack maw={700}>
        <Alert color="red" title="Could not open this run">
          {ClientError.from(run.error).message}
        </Alert>
        <Anchor component={Link} to={`/experiments/${experimentId}`}>
          Back to the runs
        </Anchor>
      </Stack>
    );
  }
  const r = run.data;
  const metrics = Object.values(r.metrics).sort((a, b) => a.key.localeCompare(b.key));
  const chartKeys = metrics.map((m) => m.key).filter((k) => k.toLowerCase().includes(metricFilter.toLowerCase()));
  const userTags = Object.entries(r.tags).filter(([k]) => !k.startsWith('mlflow.'));
  const systemTags = Object.entries(r.tags).filter(([k]) => k.startsWith('mlflow.'));

  return (
    <PageLayout>
      <Breadcrumbs>
        <Anchor component={Link} to="/experiments" size="sm">
          Experiments
        </Anchor>
        <Anchor component={Link} to={`/experiments/${experimentId}`} size="sm">
          {experiment?.name ?? experimentId}
        </Anchor>
        <Text size="sm">{r.name}</Text>
      </Breadcrumbs>
      <PageHeader
        title={r.name}
        badges={
          <>
            <Badge variant="light" color={statusColor[r.status]} data-testid="run-status">
              {r.status.toLowerCase()}
            </Badge>
            {r.lifecycleStage === 'deleted' && <Badge color="gray">deleted</Badge>}
          </>
        }
        description={
          <>
            Started {new Date(r.startTime).toLocaleString()} · duration {durationText(r)} ·{' '}
            <span className="mono">{r.id}</span>
          </>
        }
        actions={
          <Button variant="light" color="red" leftSection={<IconTrash size={16} />} onClick={() => setConfirming(true)}>
            Delete for good
          </Button>
        }
      />

      <Tabs defaultValue="overview" keepMounted={false}>
        <Tabs.List>
          <Tabs.Tab value="overview">Overview</Tabs.Tab>
          <Tabs.Tab value="charts">Charts ({metrics.length})</Tabs.Tab>
          <Tabs.Tab value="artifacts">Artifacts</Tabs.Tab>
        </Tabs.List>

        <Tabs.Panel value="overview" pt="md">
          <SimpleGrid cols={{ base: 1, md: 3 }}>
            <KeyValues title="Params" rows={Object.entries(r.params)} empty="No params logged." linkOf={linkOf} />
            <KeyValues
              title="Metrics (latest)"
              rows={metrics.map((m) => [m.key, metricText(m), `step ${m.step}`])}
              empty="No metrics logged."
              mono
            />
            <KeyValues title="Tags" rows={[...userTags, ...systemTags]} empty="No tags." linkOf={linkOf} />
          </SimpleGrid>
        </Tabs.Panel>

        <Tabs.Panel value="charts" pt="md">
          <Stack>
            <Group justify="space-between">
              <ChartControls settings={settings} onChange={setSettings} />
              <TextInput
                size="xs"
                placeholder="Filter charts"
                value={metricFilter}
                onChange={(e) => setMetricFilter(e.currentTarget.value)}
                aria-label="Filter charts"
                w={200}
              />
            </Group>
            {metrics.length === 0 && (
              <Text c="dimmed" size="sm">
                No metrics yet. They appear here live as the run logs them.
              </Text>
            )}
            <RunCharts run={r} keys={chartKeys} settings={settings} />
          </Stack>
        </Tabs.Panel>

        <Tabs.Panel value="artifacts" pt="md">
          <ArtifactBrowser runId={r.id} />
        </Tabs.Panel>
      </Tabs>

      <Modal opened={confirming} onClose={() => setConfirming(false)} title="Delete this run for good?" centered>
        <Stack>
          <Text size="sm">
            Delete <b>{r.name}</b> with its params, metrics, tags and artifacts? Artifact files nothing else uses are
            removed from disk. <b>This cannot be undone.</b>
          </Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setConfirming(false)} data-autofocus>
              Cancel
            </Button>
            <Button color="red" loading={purge.isPending} onClick={() => purge.mutate()}>
              Delete for good
            </Button>
          </Group>
        </Stack>
      </Modal>
    </PageLayout>
  );
}

function KeyValues({
  title,
  rows,
  empty,
  mono,
  linkOf,
}: {
  title: string;
  /** Key, value and an optional dimmed detail (a metric's step) kept on the value's line. */
  rows: [string, string, string?][];
  empty: string;
  mono?: boolean;
  /** The page a value names (a dataset or model version), shown as a link to it. */
  linkOf?: (key: string, value: string) => string | null;
}) {
  return (
    <Paper withBorder p="sm">
      <Text fw={600} size="sm" mb="xs">
        {title}
      </Text>
      {rows.length === 0 ? (
        <Text size="sm" c="dimmed">
          {empty}
        </Text>
      ) : (
        <Table fz="sm" verticalSpacing={4} aria-label={title}>
          <Table.Tbody>
            {rows.map(([key, value, detail]) => (
              <Table.Tr key={key}>
                <Table.Td c="dimmed">
                  <BreakableText text={key} />
                </Table.Td>
                <Table.Td className={mono ? 'mono' : undefined} style={{ whiteSpace: mono ? 'nowrap' : undefined }}>
                  {mono ? value : <ValueCell route={linkOf?.(key, value) ?? null} value={value} />}
                </Table.Td>
                {detail !== undefined && (
                  <Table.Td c="dimmed" fz="xs" style={{ whiteSpace: 'nowrap' }}>
                    {detail}
                  </Table.Td>
                )}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Paper>
  );
}

/** A value, or a link to the page it names. */
function ValueCell({ route, value }: { route: string | null; value: string }) {
  if (!route) return <BreakableText text={value} />;
  return (
    <Anchor component={Link} to={route} size="sm">
      <BreakableText text={value} />
    </Anchor>
  );
}
