/**
 * A version's deployable bundles (issue 13): export it for a target (server, AWS Lambda, Google Cloud
 * Functions) into a folder or zip with progress, see past exports, and open one to read its manifest
 * (files with sizes and hashes, schema, metrics, lineage, validation) and run its self-test.
 */
import { useEffect, useState } from 'react';
import {
  Alert,
  Badge,
  Button,
  Code,
  Group,
  Loader,
  Modal,
  Radio,
  ScrollArea,
  Stack,
  Table,
  Tabs,
  Text,
  TextInput,
} from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import type { BundleExport, BundleProgress, BundleTarget, ModelVersion } from '../../../../shared/contract/index';
import { formatNumber } from '../../../../shared/format';
import { useClient } from '../../api/hooks';
import { useLatheQuery } from '../../api/queries';
import { useLinkedModal } from '../../app/linked-modal';
import { ClientError } from '../../api/client-error';

/** What each target makes, in one line. */
const targets: { value: BundleTarget; label: string; line: string }[] = [
  {
    value: 'server',
    label: 'Dedicated server',
    line: 'A Node HTTP server (POST /predict with JSON or Apache Arrow bodies, /health, /metadata, Prometheus /metrics) with a Dockerfile on node:20-slim.',
  },
  {
    value: 'lambda',
    label: 'AWS Lambda',
    line: 'A handler for API Gateway (payload 1.0 and 2.0), zipped for direct upload; checked against 50 MB zipped, 250 MB unzipped.',
  },
  {
    value: 'gcf',
    label: 'Google Cloud Functions',
    line: '2nd gen HTTP function `predict` on the Functions Framework, with its package.json.',
  },
];

const megabytes = (bytes: number) => `${(bytes / 1048576).toFixed(1)} MB`;

/** The button on a version's page, and the modal it opens. */
export function BundlesButton({ version }: { version: ModelVersion }) {
  // `?bundle=ID` (a lineage node's link) opens that export when it is one of this version's.
  const modal = useLinkedModal('bundle', 'bundles.list', `${version.model}@${version.version}`);
  return (
    <>
      <Button variant="default" onClick={modal.open} style={{ flex: 'none' }}>
        Export bundle
      </Button>
      {modal.opened && <BundlesModal version={version} onClose={modal.close} linked={modal.linked} />}
    </>
  );
}

function BundlesModal({
  version,
  onClose,
  linked,
}: {
  version: ModelVersion;
  onClose: () => void;
  linked: string | null;
}) {
  const ref = `${version.model}@${version.version}`;
  const exports = useLatheQuery('bundles.list', { ref });
  const [shown, setShown] = useState<string | null>(linked);
  const current = exports.data?.find((e) => e.id === shown) ?? null;
  return (
    <Modal opened onClose={onClose} title={`Bundles of ${ref}`} size="xl">
      <Stack gap="md">
        <ExportForm version={version} onExported={(exported) => setShown(exported.id)} />
        <Stack gap={4}>
          <Text fw={600} size="sm">
            Past exports
          </Text>
          {exports.isPending && <Loader size="sm" />}
          {exports.data?.length === 0 && (
            <Text size="sm" c="dimmed">
              None yet.
            </Text>
          )}
          {exports.data && exports.data.length > 0 && (
            <Table highlightOnHover aria-label="Past exports" verticalSpacing={4}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>When</Table.Th>
                  <Table.Th>Target</Table.Th>
                  <Table.Th>Output</Table.Th>
                  <Table.Th>Size</Table.Th>
                  <Table.Th>Self-test</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {exports.data.map((row) => (
                  <Table.Tr
                    key={row.id}
                    onClick={() => setShown(row.id)}
                    style={{ cursor: 'pointer' }}
                    bg={row.id === shown ? 'var(--mantine-color-blue-light)' : undefined}
                    data-testid="bundle-export-row"
                  >
                    <Table.Td style={{ whiteSpace: 'nowrap' }}>
                      <Text size="sm">{new Date(row.createdAt).toLocaleString()}</Text>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm">{row.target}</Text>
                    </Table.Td>
                    <Table.Td style={{ wordBreak: 'break-all' }}>
                      <Text size="sm" ff="monospace">
                        {row.out}
                      </Text>
                      {!row.present && (
                        <Badge color="gray" size="xs">
                          gone
                        </Badge>
                      )}
                    </Table.Td>
                    <Table.Td style={{ whiteSpace: 'nowrap' }}>
                      <Text size="sm">{megabytes(row.zippedBytes ?? row.unzippedBytes)}</Text>
                    </Table.Td>
                    <Table.Td style={{ whiteSpace: 'nowrap', minWidth: 96 }}>
                      <SelftestBadge result={row.selftest} />
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
        </Stack>
        {current && <ManifestView exported={current} />}
      </Stack>
    </Modal>
  );
}

function SelftestBadge({ result }: { result: BundleExport['selftest'] }) {
  if (!result)
    return (
      <Text size="sm" c="dimmed">
        not run
      </Text>
    );
  // The badge keeps its whole word: Mantine's label would otherwise cut it to fit a narrow column.
  return (
    <Badge color={result.passed ? 'green' : 'red'} style={{ overflow: 'visible' }}>
      {result.passed ? 'passed' : 'failed'}
    </Badge>
  );
}

function ExportForm({ version, onExported }: { version: ModelVersion; onExported: (e: BundleExport) => void }) {
  const client = useClient();
  const ref = `${version.model}@${version.version}`;
  const [target, setTarget] = useState<BundleTarget>('server');
  const [out, setOut] = useState('');
  const [golden, setGolden] = useState('');
  const [progress, setProgress] = useState<BundleProgress | null>(null);
  const exporting = useMutation({
    mutationFn: () => {
      setProgress(null);
      const off = client.on('bundles.progress', (p) => {
        if (p.ref === ref && p.target === target) setProgress(p);
      });
      return client['bundles.export']({
        ref,
        target,
        out: out.trim(),
        ...(golden.trim() ? { golden: golden.trim() } : {}),
      }).finally(off);
    },
    onSuccess: (exported) => onExported(exported),
  });
  const blocked = out.trim() === '' ? 'Give an output folder or a .zip path.' : null;
  return (
    <Stack gap="xs">
      <Radio.Group value={target} onChange={(value) => setTarget(value as BundleTarget)} label="Target">
        <Stack gap={6} mt={4}>
          {targets.map((t) => (
            <Radio
              key={t.value}
              value={t.value}
              label={t.label}
              description={t.line}
              data-testid={`bundle-target-${t.value}`}
            />
          ))}
        </Stack>
      </Radio.Group>
      <TextInput
        label="Output"
        description="A folder that does not exist yet (or is empty), or a new file ending in .zip, on the machine running Lathe."
        placeholder={target === 'lambda' ? '/home/me/bundles/model-lambda.zip' : '/home/me/bundles/model-server'}
        value={out}
        onChange={(e) => setOut(e.currentTarget.value)}
      />
      <TextInput
        label="Golden rows from"
        description="A dataset NAME@V or a file with the model's fields; empty: the version's training data."
        placeholder="training data"
        value={golden}
        onChange={(e) => setGolden(e.currentTarget.value)}
      />
      {exporting.isPending && (
        <Group gap="xs" data-testid="bundle-progress">
          <Loader size="xs" />
          <Text size="sm">{progress ? `${progress.phase}: ${progress.detail}` : 'starting…'}</Text>
        </Group>
      )}
      {exporting.error != null && (
        <Alert color="red" title="Export failed">
          {ClientError.from(exporting.error).message}
        </Alert>
      )}
      {exporting.data && !exporting.isPending && (
        <Alert color="green" title="Exported">
          {exporting.data.out} ({megabytes(exporting.data.zippedBytes ?? exporting.data.unzippedBytes)}
          {exporting.data.zippedBytes !== null && `, ${megabytes(exporting.data.unzippedBytes)} unzipped`})
        </Alert>
      )}
      <Group justify="flex-end">
        {blocked && (
          <Text size="sm" c="dimmed">
            {blocked}
          </Text>
        )}
        <Button onClick={() => exporting.mutate()} loading={exporting.isPending} disabled={blocked !== null}>
          Export
        </Button>
      </Group>
    </Stack>
  );
}

function ManifestView({ exported }: { exported: BundleExport }) {
  const client = useClient();
  const { manifest } = exported;
  const selftest = useMutation({ mutationFn: () => client['bundles.selftest']({ id: exported.id }) });
  // A different export shown: forget the last self-test's answer (the stored one is on the row).
  const reset = selftest.reset;
  useEffect(() => reset(), [exported.id, reset]);
  const result = selftest.data ?? exported.selftest;
  return (
    <Stack gap="xs" data-testid="bundle-manifest">
      <Group justify="space-between" wrap="nowrap" align="flex-start">
        <div style={{ minWidth: 0 }}>
          <Text fw={600} size="sm">
            {manifest.model.name}@{manifest.model.version} · {exported.target} · {exported.format}
          </Text>
          <Text size="xs" c="dimmed" style={{ wordBreak: 'break-all' }}>
            {exported.out} · {megabytes(exported.unzippedBytes)} unzipped
            {exported.zippedBytes !== null && ` · ${megabytes(exported.zippedBytes)} zipped`} · sha256 {exported.sha256}
          </Text>
        </div>
        <Button
          variant="light"
          onClick={() => selftest.mutate()}
          loading={selftest.isPending}
          disabled={!exported.present}
          style={{ flex: 'none' }}
        >
          Run self-test
        </Button>
      </Group>
      {selftest.error != null && (
        <Alert color="red" title="Self-test could not run">
          {ClientError.from(selftest.error).message}
        </Alert>
      )}
      {result && (
        <Alert
          color={result.passed ? 'green' : 'red'}
          title={result.passed ? 'Self-test passed' : 'Self-test FAILED'}
          data-testid="bundle-selftest"
        >
          <Stack gap={2}>
            {result.checks.map((check) => (
              <Text size="sm" key={check.name}>
                {check.passed ? '✓' : '✗'} {check.name}: {check.detail}
              </Text>
            ))}
            <Text size="xs" c="dimmed">
              {new Date(result.at).toLocaleString()} · {result.seconds.toFixed(1)} s
            </Text>
          </Stack>
        </Alert>
      )}
      <Tabs defaultValue="files" keepMounted={false}>
        <Tabs.List>
          <Tabs.Tab value="files">Files ({manifest.files.length})</Tabs.Tab>
          <Tabs.Tab value="schema">Schema</Tabs.Tab>
          <Tabs.Tab value="metrics">Metrics</Tabs.Tab>
          <Tabs.Tab value="lineage">Lineage</Tabs.Tab>
          <Tabs.Tab value="validation">Validation</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="files" pt="xs">
          <ScrollArea.Autosize mah={280}>
            <Table verticalSpacing={2} aria-label="Bundle files">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Path</Table.Th>
                  <Table.Th style={{ textAlign: 'right' }}>Bytes</Table.Th>
                  <Table.Th>SHA-256</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {manifest.files.map((file) => (
                  <Table.Tr key={file.path}>
                    <Table.Td style={{ wordBreak: 'break-all' }}>
                      <Text size="xs" ff="monospace">
                        {file.path}
                      </Text>
                    </Table.Td>
                    <Table.Td style={{ textAlign: 'right' }}>
                      <Text size="xs" ff="monospace">
                        {file.size.toLocaleString()}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <Text size="xs" ff="monospace" title={file.sha256}>
                        {file.sha256.slice(0, 16)}…
                      </Text>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </ScrollArea.Autosize>
        </Tabs.Panel>
        <Tabs.Panel value="schema" pt="xs">
          <Table verticalSpacing={2} aria-label="Request fields">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Field</Table.Th>
                <Table.Th>JSON</Table.Th>
                <Table.Th>ONNX input</Table.Th>
                <Table.Th>Categories</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {manifest.schema.input.fields.map((field) => (
                <Table.Tr key={field.name}>
                  <Table.Td>
                    <Code>{field.name}</Code>
                  </Table.Td>
                  <Table.Td>{field.type}</Table.Td>
                  <Table.Td>
                    <Text size="xs" ff="monospace">
                      {field.input} ({field.onnxType})
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Text size="xs">{field.categories?.join(', ') ?? '—'}</Text>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          <Text size="sm" mt="xs">
            Answers: {manifest.schema.output.map((o) => `${o.name} (${o.type})`).join(', ')}
          </Text>
          <Text size="xs" c="dimmed">
            Golden rows: {manifest.golden.rows} from {manifest.golden.source} · entry {manifest.entry} ·
            onnxruntime-node {manifest.runtime.onnxruntime} ({manifest.runtime.platform})
          </Text>
        </Tabs.Panel>
        <Tabs.Panel value="metrics" pt="xs">
          {Object.keys(manifest.metrics).length === 0 ? (
            <Text size="sm" c="dimmed">
              This version carries no metrics.
            </Text>
          ) : (
            <Table verticalSpacing={2} aria-label="Bundle metrics" withRowBorders={false}>
              <Table.Tbody>
                {Object.entries(manifest.metrics).map(([name, value]) => (
                  <Table.Tr key={name}>
                    <Table.Td>{name}</Table.Td>
                    <Table.Td>
                      <Text size="sm" ff="monospace">
                        {formatNumber(value)}
                      </Text>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
        </Tabs.Panel>
        <Tabs.Panel value="lineage" pt="xs">
          <Stack gap={4}>
            <Text size="sm">
              Run: {manifest.lineage.run ? <Code>{manifest.lineage.run.name ?? manifest.lineage.run.id}</Code> : 'none'}
            </Text>
            {manifest.lineage.datasets.length === 0 && (
              <Text size="sm" c="dimmed">
                No dataset version upstream (an imported model).
              </Text>
            )}
            {manifest.lineage.datasets.map((dataset) => (
              <Text size="sm" key={dataset.id}>
                {dataset.relation.replace('_', ' ')}: <Code>{dataset.label}</Code> sha256{' '}
                <Text span size="xs" ff="monospace">
                  {dataset.sha256 ?? 'unknown'}
                </Text>
              </Text>
            ))}
          </Stack>
        </Tabs.Panel>
        <Tabs.Panel value="validation" pt="xs">
          {manifest.validation === null ? (
            <Text size="sm" c="dimmed">
              No validation report for this version when it was exported.
            </Text>
          ) : (
            <Stack gap={2}>
              <Group gap="xs">
                <Badge color={manifest.validation.passed ? 'green' : 'red'}>
                  {manifest.validation.passed ? 'passed' : 'failed'}
                </Badge>
                <Text size="sm">
                  suite {manifest.validation.suite} · {new Date(manifest.validation.createdAt).toLocaleString()}
                </Text>
              </Group>
              {manifest.validation.checks.map((check) => (
                <Text size="sm" key={check.name}>
                  {check.passed ? '✓' : '✗'} {check.name}: {check.detail}
                </Text>
              ))}
            </Stack>
          )}
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}
