import { useState } from 'react';
import {
  Alert,
  Anchor,
  Badge,
  Breadcrumbs,
  Button,
  Code,
  Group,
  Loader,
  NumberInput,
  Paper,
  Select,
  SimpleGrid,
  Stack,
  Table,
  Tabs,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link, useParams, useSearchParams } from 'react-router';
import { PageHeader, PageLayout } from '../../components/Page';
import type { ModelVersion, TensorSpec } from '../../../../shared/contract/index';
import { useClient } from '../../api/hooks';
import { refreshAfter, useLatheQuery } from '../../api/queries';
import { formatNumber } from '../../../../shared/format';
import { ClientError } from '../../api/client-error';
import { routeOfEntity } from '../../app/entity-routes';
import { AliasBadges } from '../registry/AliasBadges';
import { RegistryPanel } from '../registry/RegistryPanel';
import { MlflowVersionInfo } from '../registry/MlflowVersionInfo';
import { Evaluation } from './Evaluation';
import { ScorePanel } from './ScorePanel';
import { ValidateButton } from '../validation/ValidateButton';
import { BundlesButton } from '../bundles/BundlesModal';

const headlineMetrics = ['accuracy', 'f1', 'roc_auc', 'log_loss', 'rmse', 'mae', 'r2'];

function shape(spec: TensorSpec): string {
  return `${spec.type}[${spec.shape.map((d) => d ?? '?').join(', ')}]`;
}

/** One model: its versions, and the chosen version's metrics, schema, lineage, benchmark and predict panel. */
export function ModelDetail() {
  const { name = '' } = useParams();
  const model = useLatheQuery('models.get', { name });
  const [searchParams] = useSearchParams();
  // A link to one version (`?v=2`, from a run's tags) opens on it.
  const [selected, setSelected] = useState<number | null>(() => Number(searchParams.get('v')) || null);
  const versions = model.data?.versions ?? [];
  const version = versions.find((v) => v.version === selected) ?? versions[0];

  return (
    <PageLayout>
      <Breadcrumbs>
        <Anchor component={Link} to="/models" size="sm">
          Models
        </Anchor>
        <Text size="sm">{name}</Text>
      </Breadcrumbs>
      <PageHeader title={name} />
      {model.isPending && <Loader size="sm" aria-label="Loading model" />}
      {model.isError && (
        <Alert color="red" title="Could not load this model">
          {ClientError.from(model.error).message}
        </Alert>
      )}
      {versions.length > 0 && (
        <Table highlightOnHover verticalSpacing={4} aria-label="Versions">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Version</Table.Th>
              <Table.Th>Source</Table.Th>
              <Table.Th>Task</Table.Th>
              <Table.Th>Key metric</Table.Th>
              <Table.Th>Backend</Table.Th>
              <Table.Th>Created</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {versions.map((v) => {
              const key = headlineMetrics.find((m) => m in v.metrics);
              return (
                <Table.Tr
                  key={v.id}
                  onClick={() => setSelected(v.version)}
                  style={{ cursor: 'pointer' }}
                  bg={v.version === version?.version ? 'var(--mantine-color-blue-light)' : undefined}
                >
                  <Table.Td>
                    @{v.version} <AliasBadges aliases={v.aliases} />
                  </Table.Td>
                  <Table.Td>{v.source}</Table.Td>
                  <Table.Td>{v.task ?? '–'}</Table.Td>
                  <Table.Td>{key ? `${key} ${formatNumber(v.metrics[key]!)}` : '–'}</Table.Td>
                  <Table.Td>{v.backend ?? '–'}</Table.Td>
                  <Table.Td>{new Date(v.createdAt).toLocaleString()}</Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      )}
      {version && <VersionPanel key={version.id} version={version} />}
      {model.data && <RegistryPanel model={model.data.model} versions={versions} />}
    </PageLayout>
  );
}

function VersionPanel({ version }: { version: ModelVersion }) {
  const ref = `${version.model}@${version.version}`;
  return (
    <Paper withBorder p="md">
      <Group justify="space-between" mb="sm" wrap="nowrap" align="flex-start">
        <div>
          <Title order={4}>{ref}</Title>
          <Text size="xs" c="dimmed">
            {version.producer} · opset {version.opset} · {version.nodes} nodes · {version.parameters.toLocaleString()}{' '}
            parameters · {version.size.toLocaleString()} bytes · sha256 {version.hash.slice(0, 12)}…
          </Text>
        </div>
        <Group gap="xs" wrap="nowrap">
          <ValidateButton version={version} />
          <BundlesButton version={version} />
          <ExportButton version={version} />
        </Group>
      </Group>
      <MlflowVersionInfo version={version} />
      <Tabs defaultValue="overview" keepMounted={false}>
        <Tabs.List>
          <Tabs.Tab value="overview">Overview</Tabs.Tab>
          <Tabs.Tab value="predict">Predict</Tabs.Tab>
          <Tabs.Tab value="bench">Benchmark</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="overview" pt="sm">
          <Overview version={version} />
        </Tabs.Panel>
        <Tabs.Panel value="predict" pt="sm">
          <PredictPanel version={version} />
          <ScorePanel version={version} />
        </Tabs.Panel>
        <Tabs.Panel value="bench" pt="sm">
          <BenchPanel version={version} />
        </Tabs.Panel>
      </Tabs>
    </Paper>
  );
}

function Overview({ version }: { version: ModelVersion }) {
  const detail = useLatheQuery('models.version', { ref: `${version.model}@${version.version}` });
  const metrics = Object.entries(version.metrics);
  return (
    <Stack gap="lg">
      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="lg">
        <Stack gap="xs">
          <Text fw={600} size="sm">
            Metrics (test split)
          </Text>
          {metrics.length === 0 ? (
            <Text size="sm" c="dimmed">
              Imported models carry no metrics; run a benchmark or score a dataset.
            </Text>
          ) : (
            <Table withRowBorders={false} verticalSpacing={2} aria-label="Metrics">
              <Table.Tbody>
                {metrics.map(([k, v]) => (
                  <Table.Tr key={k}>
                    <Table.Td>
                      <Text size="sm">{k}</Text>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm" ff="monospace">
                        {formatNumber(v)}
                      </Text>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
          <Group gap="xs" mt="sm">
            <Text fw={600} size="sm">
              Lineage
            </Text>
            <Anchor
              component={Link}
              to={`/lineage?entity=${encodeURIComponent(`model:${version.model}@${version.version}`)}`}
              size="sm"
            >
              Lineage graph
            </Anchor>
          </Group>
          {detail.data?.lineage.length === 0 && (
            <Text size="sm" c="dimmed">
              Imported from a file; nothing upstream in Lathe.
            </Text>
          )}
          {detail.data?.lineage.map((link) => (
            <Text size="sm" key={`${link.kind}-${link.id}-${link.relation}`}>
              {link.direction === 'upstream' ? '←' : '→'} {link.relation.replace('_', ' ')}:{' '}
              {routeOfEntity(link) ? (
                <Anchor component={Link} to={routeOfEntity(link)!} size="sm">
                  {link.label}
                </Anchor>
              ) : (
                <Code>{link.label}</Code>
              )}
            </Text>
          ))}
        </Stack>
        <Stack gap="xs">
          <Text fw={600} size="sm">
            Inputs
          </Text>
          <SchemaTable specs={version.inputs} label="Inputs" />
          {version.features.length > 0 && (
            <Text size="xs" c="dimmed">
              Feature columns: {version.features.join(', ')}
            </Text>
          )}
          <Text fw={600} size="sm" mt="sm">
            Outputs
          </Text>
          <SchemaTable specs={version.outputs} label="Outputs" />
          {version.classes && (
            <Text size="xs" c="dimmed">
              Classes: {version.classes.join(', ')}
            </Text>
          )}
        </Stack>
      </SimpleGrid>
      {version.runId && <Evaluation version={version} />}
    </Stack>
  );
}

/** Downloads the version's ONNX file in the browser (named NAME-vN.onnx). */
function ExportButton({ version }: { version: ModelVersion }) {
  const client = useClient();
  const download = useMutation({
    mutationFn: () => client['models.download']({ ref: `${version.model}@${version.version}` }),
    onSuccess: (file) => {
      const bytes = Uint8Array.from(atob(file.base64), (c) => c.charCodeAt(0));
      const url = URL.createObjectURL(new Blob([bytes], { type: 'application/octet-stream' }));
      const link = document.createElement('a');
      link.href = url;
      link.download = file.fileName;
      link.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    },
    onError: (error) =>
      notifications.show({ title: 'Export failed', message: ClientError.from(error).message, color: 'red' }),
  });
  return (
    <Button variant="default" onClick={() => download.mutate()} loading={download.isPending} style={{ flex: 'none' }}>
      Export ONNX
    </Button>
  );
}

function SchemaTable({ specs, label }: { specs: TensorSpec[]; label: string }) {
  return (
    <Table withTableBorder verticalSpacing={2} aria-label={label}>
      <Table.Tbody>
        {specs.map((s) => (
          <Table.Tr key={s.name}>
            <Table.Td>
              <Text size="sm">{s.name}</Text>
            </Table.Td>
            <Table.Td>
              <Text size="sm" ff="monospace">
                {shape(s)}
              </Text>
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

/** The fields of the predict form: named inputs, or the feature columns of a single tensor input. */
function fieldsOf(version: ModelVersion): { name: string; kind: 'number' | 'text'; options?: string[] }[] {
  if (version.featureSpecs)
    return version.featureSpecs.map((f) => ({
      name: f.name,
      kind: f.kind === 'numeric' ? 'number' : 'text',
      options: f.categories,
    }));
  const [only] = version.inputs;
  if (version.inputs.length === 1 && only && only.shape.length === 2 && version.features.length > 0)
    return version.features.map((f) => ({ name: f, kind: 'number' }));
  return version.inputs.map((i) => ({ name: i.name, kind: i.type === 'string' ? 'text' : 'number' }));
}

function PredictPanel({ version }: { version: ModelVersion }) {
  const client = useClient();
  const fields = fieldsOf(version);
  const [row, setRow] = useState<Record<string, string | number>>({});
  const predict = useMutation({
    mutationFn: () =>
      client['models.predictRow']({
        ref: `${version.model}@${version.version}`,
        row: Object.fromEntries(
          fields.map((f) => [f.name, row[f.name] === undefined || row[f.name] === '' ? null : row[f.name]!]),
        ),
      }),
  });
  // A sample row of the data the version was trained on (its lineage names the dataset version).
  const detail = useLatheQuery('models.version', { ref: `${version.model}@${version.version}` });
  const source = detail.data?.lineage.find((l) => l.kind === 'dataset_version' && l.direction === 'upstream')?.label;
  const [samples, setSamples] = useState(0);
  const [filled, setFilled] = useState<{ row: number; target: string | null } | null>(null);
  const fill = useMutation({
    mutationFn: () => client['datasets.rows']({ ref: source!, offset: 0, limit: 200 }),
    onSuccess: (result) => {
      if (result.rows.length === 0) return;
      // Walks the first 200 rows with a stride, so successive clicks give different rows.
      const index = (samples * 37) % result.rows.length;
      const cells = result.rows[index]!;
      const column = (name: string) => result.columns.findIndex((c) => c.name === name);
      const next: Record<string, string | number> = {};
      for (const f of fields) {
        const value = cells[column(f.name)];
        if (value === null || value === undefined) continue;
        next[f.name] = f.kind === 'number' && typeof value === 'number' ? value : String(value);
      }
      setRow(next);
      const targetValue = version.target ? cells[column(version.target)] : undefined;
      setFilled({
        row: index + 1,
        target: targetValue === undefined || targetValue === null ? null : String(targetValue),
      });
      setSamples((n) => n + 1);
    },
    onError: (error) =>
      notifications.show({
        title: 'Could not read a sample row',
        message: ClientError.from(error).message,
        color: 'red',
      }),
  });
  const [only] = version.inputs;
  const unsupported =
    version.features.length === 0 &&
    version.inputs.length === 1 &&
    only &&
    only.shape.length === 2 &&
    typeof only.shape[1] === 'number' &&
    only.shape[1] > 1;
  if (unsupported) {
    return (
      <Text size="sm" c="dimmed">
        This model takes one {shape(only)} tensor; import it with feature names (--features) to enter a row here.
      </Text>
    );
  }
  return (
    <Stack gap="sm">
      <Group justify="space-between" align="center">
        <Text size="sm" c="dimmed">
          Enter one row; empty fields are missing values (imputed for Lathe-trained models).
        </Text>
        {source && (
          <Button variant="light" size="compact-sm" onClick={() => fill.mutate()} loading={fill.isPending}>
            Fill from a row of {source}
          </Button>
        )}
      </Group>
      {filled && (
        <Text size="xs" c="dimmed" data-testid="sample-row">
          Row {filled.row} of {source}
          {version.target && filled.target !== null ? ` (its ${version.target}: ${filled.target})` : ''}
        </Text>
      )}
      <SimpleGrid cols={{ base: 2, md: 4 }}>
        {fields.map((f) =>
          f.kind === 'number' ? (
            <NumberInput
              key={f.name}
              label={f.name}
              value={row[f.name] ?? ''}
              onChange={(v) => setRow((r) => ({ ...r, [f.name]: v }))}
              decimalScale={6}
            />
          ) : f.options && f.options.length > 0 ? (
            <Select
              key={f.name}
              label={f.name}
              data={f.options}
              value={(row[f.name] as string) ?? null}
              onChange={(v) => setRow((r) => ({ ...r, [f.name]: v ?? '' }))}
              clearable
              searchable
            />
          ) : (
            <TextInput
              key={f.name}
              label={f.name}
              value={(row[f.name] as string) ?? ''}
              onChange={(e) => setRow((r) => ({ ...r, [f.name]: e.currentTarget.value }))}
            />
          ),
        )}
      </SimpleGrid>
      <Group>
        <Button onClick={() => predict.mutate()} loading={predict.isPending}>
          Predict
        </Button>
      </Group>
      {predict.isError && (
        <Alert color="red" title="Could not predict">
          {ClientError.from(predict.error).message}
        </Alert>
      )}
      {predict.data && (
        <Paper withBorder p="sm" aria-label="Prediction">
          {Object.entries(predict.data.outputs).map(([name, value]) => (
            <Group key={name} gap="xs" align="baseline">
              <Text size="sm" fw={600}>
                {name}
              </Text>
              {Array.isArray(value) ? (
                <Group gap={6}>
                  {value.map((v, i) => (
                    <Badge key={i} variant="light" size="lg" tt="none">
                      {version.classes && name === 'probabilities' ? `${version.classes[i]}: ` : ''}
                      {typeof v === 'number' ? formatNumber(v) : v}
                    </Badge>
                  ))}
                </Group>
              ) : (
                <Text size="sm" ff="monospace" data-testid={`prediction-${name}`}>
                  {typeof value === 'number' ? formatNumber(value) : value}
                </Text>
              )}
            </Group>
          ))}
        </Paper>
      )}
    </Stack>
  );
}

function BenchPanel({ version }: { version: ModelVersion }) {
  const client = useClient();
  const queryClient = useQueryClient();
  const bench = useMutation({
    mutationFn: () => client['models.bench']({ ref: `${version.model}@${version.version}` }),
    onSuccess: () => void refreshAfter(queryClient, 'models.changed'),
    onError: (error) =>
      notifications.show({ title: 'Benchmark failed', message: ClientError.from(error).message, color: 'red' }),
  });
  const result = bench.data ?? version.bench;
  return (
    <Stack gap="sm">
      <Group>
        <Button onClick={() => bench.mutate()} loading={bench.isPending} variant={result ? 'default' : 'filled'}>
          {result ? 'Run again' : 'Run benchmark'}
        </Button>
        <Text size="sm" c="dimmed">
          Latency at batch 1 and throughput at batch 1, 64 and 1024 on synthetic rows (a few seconds).
        </Text>
      </Group>
      {!result && !bench.isPending && (
        <Text size="sm" c="dimmed">
          Not benchmarked yet.
        </Text>
      )}
      {result && (
        <Table withTableBorder aria-label="Benchmark" maw={560}>
          <Table.Tbody>
            <Table.Tr>
              <Table.Td>Provider</Table.Td>
              <Table.Td>{result.provider}</Table.Td>
            </Table.Tr>
            <Table.Tr>
              <Table.Td>Latency p50 / p95 / p99</Table.Td>
              <Table.Td ff="monospace">
                {result.latencyMs.p50.toFixed(3)} / {result.latencyMs.p95.toFixed(3)} /{' '}
                {result.latencyMs.p99.toFixed(3)} ms
              </Table.Td>
            </Table.Tr>
            <Table.Tr>
              <Table.Td>Throughput, batch 1</Table.Td>
              <Table.Td ff="monospace">
                {Math.round(result.throughputRowsPerSecond.batch1).toLocaleString()} rows/s
              </Table.Td>
            </Table.Tr>
            <Table.Tr>
              <Table.Td>Throughput, batch 64</Table.Td>
              <Table.Td ff="monospace">
                {Math.round(result.throughputRowsPerSecond.batch64).toLocaleString()} rows/s
              </Table.Td>
            </Table.Tr>
            <Table.Tr>
              <Table.Td>Throughput, batch 1024</Table.Td>
              <Table.Td ff="monospace">
                {Math.round(result.throughputRowsPerSecond.batch1024).toLocaleString()} rows/s
              </Table.Td>
            </Table.Tr>
            <Table.Tr>
              <Table.Td>Measured</Table.Td>
              <Table.Td>{new Date(result.measuredAt).toLocaleString()}</Table.Td>
            </Table.Tr>
          </Table.Tbody>
        </Table>
      )}
    </Stack>
  );
}
