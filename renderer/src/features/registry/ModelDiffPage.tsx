/**
 * Two model versions side by side (`/models/-/diff?a=NAME@V&b=NAME@V`): settings, metrics with deltas and
 * better/worse, training data, schema, and the ONNX graph (operators, nodes, weights). Only differences by
 * default; "Show equal" lists everything. The refs live in the address so a diff can be shared.
 */
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
  Paper,
  SimpleGrid,
  Stack,
  Switch,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useLatheQuery } from '../../api/queries';
import { Link, useSearchParams } from 'react-router';
import type { ModelDiff } from '../../../../shared/contract/index';
import { BreakableText } from '../../components/BreakableText';
import { ClientError } from '../../api/client-error';
import { PageHeader, PageLayout } from '../../components/Page';

const format = (v: number | null) =>
  v === null
    ? '–'
    : Number.isInteger(v)
      ? v.toLocaleString()
      : Math.abs(v) < 1e-3 && v !== 0
        ? v.toExponential(2)
        : v.toFixed(4);

/** The diff page. */
export function ModelDiffPage() {
  const [params, setParams] = useSearchParams();
  const a = params.get('a') ?? '';
  const b = params.get('b') ?? '';
  const all = params.get('all') === '1';
  const [draftA, setDraftA] = useState(a);
  const [draftB, setDraftB] = useState(b);
  const diff = useLatheQuery('registry.diff', { a, b, all }, { enabled: a !== '' && b !== '' });
  const update = (next: Record<string, string>) => setParams({ a, b, ...(all ? { all: '1' } : {}), ...next });
  return (
    <PageLayout>
      <Breadcrumbs>
        <Anchor component={Link} to="/models" size="sm">
          Models
        </Anchor>
        <Text size="sm">Compare versions</Text>
      </Breadcrumbs>
      <PageHeader title="Compare versions" />
      <Group align="flex-end">
        <TextInput label="A" value={draftA} onChange={(e) => setDraftA(e.currentTarget.value)} placeholder="NAME@V" />
        <TextInput label="B" value={draftB} onChange={(e) => setDraftB(e.currentTarget.value)} placeholder="NAME@V" />
        <Button onClick={() => update({ a: draftA.trim(), b: draftB.trim() })}>Compare</Button>
        <Switch
          label="Show equal"
          checked={all}
          onChange={(e) => setParams({ a, b, ...(e.currentTarget.checked ? { all: '1' } : {}) })}
        />
      </Group>
      {diff.isFetching && <Loader size="sm" aria-label="Comparing" />}
      {diff.isError && (
        <Alert color="red" title="Could not compare">
          {ClientError.from(diff.error).message}
        </Alert>
      )}
      {diff.data && <DiffView diff={diff.data} />}
      {diff.data && <PredictionsSection a={a} b={b} />}
    </PageLayout>
  );
}

/** Scores a chosen dataset version with both (on demand: it runs both models over the data). */
function PredictionsSection({ a, b }: { a: string; b: string }) {
  const [draft, setDraft] = useState('');
  const [data, setData] = useState('');
  const result = useLatheQuery('registry.diffPredictions', { a, b, data }, { enabled: data !== '' });
  const p = result.data;
  return (
    <Paper withBorder p="md" component="section" aria-label="Predictions">
      <Title order={4} mb="xs">
        Predictions
      </Title>
      <Group align="flex-end" mb="sm">
        <TextInput
          label="Dataset"
          placeholder="NAME@V"
          value={draft}
          onChange={(e) => setDraft(e.currentTarget.value)}
        />
        <Button variant="light" onClick={() => setData(draft.trim())} disabled={draft.trim() === ''}>
          Score with both
        </Button>
        {result.isFetching && <Loader size="sm" aria-label="Scoring" />}
      </Group>
      {result.isError && (
        <Alert color="red" title="Could not compare predictions">
          {ClientError.from(result.error).message}
        </Alert>
      )}
      {p && (
        <Stack gap="xs">
          {p.kind === 'classification' && p.confusion ? (
            <>
              <Text size="sm" aria-label="Agreement">
                {p.rows.toLocaleString()} rows · agreement {((p.agreement ?? 0) * 100).toFixed(2)}%
              </Text>
              <Table verticalSpacing={2} fz="sm" aria-label="Cross-confusion" maw={600} withColumnBorders>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>A ↓ · B →</Table.Th>
                    {p.confusion.labelsB.map((label) => (
                      <Table.Th key={label} ta="right">
                        {label}
                      </Table.Th>
                    ))}
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {p.confusion.labelsA.map((label, i) => (
                    <Table.Tr key={label}>
                      <Table.Td fw={600}>{label}</Table.Td>
                      {p.confusion!.counts[i]!.map((count, j) => (
                        <Table.Td key={j} ta="right" fw={label === p.confusion!.labelsB[j] ? 600 : undefined}>
                          {count.toLocaleString()}
                        </Table.Td>
                      ))}
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </>
          ) : (
            p.regression && (
              <Text size="sm">
                {p.rows.toLocaleString()} rows · {p.regression.output}: mean |b − a| {format(p.regression.meanAbsDelta)}
                , max {format(p.regression.maxAbsDelta)}, RMSE between {format(p.regression.rmseBetween)}
              </Text>
            )
          )}
          {p.topRows.length > 0 && (
            <Table verticalSpacing={2} fz="xs" aria-label="Rows that differ most">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Row</Table.Th>
                  <Table.Th>A</Table.Th>
                  <Table.Th>B</Table.Th>
                  <Table.Th>Inputs</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {p.topRows.map((row) => (
                  <Table.Tr key={row.row}>
                    <Table.Td>{row.row}</Table.Td>
                    <Table.Td ff="monospace">{row.a}</Table.Td>
                    <Table.Td ff="monospace">{row.b}</Table.Td>
                    <Table.Td ff="monospace">
                      {Object.entries(row.inputs)
                        .map(([k, v]) => `${k}=${v ?? '∅'}`)
                        .join(', ')}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
        </Stack>
      )}
    </Paper>
  );
}

function Section({ title, children, empty }: { title: string; children: React.ReactNode; empty: boolean }) {
  return (
    <Paper withBorder p="md" component="section" aria-label={title}>
      <Title order={4} mb="xs">
        {title}
      </Title>
      {empty ? (
        <Text size="sm" c="dimmed">
          No differences.
        </Text>
      ) : (
        children
      )}
    </Paper>
  );
}

const verdictColor = { better: 'green', worse: 'red', same: 'gray', unknown: 'gray' } as const;

function DiffView({ diff }: { diff: ModelDiff }) {
  const modelRoute = (ref: string) => `/models/${encodeURIComponent(ref.split('@')[0]!)}`;
  return (
    <Stack gap="md">
      <Group gap="xs">
        <Anchor component={Link} to={modelRoute(diff.a.ref)}>
          <Code>{diff.a.ref}</Code>
        </Anchor>
        <Text>→</Text>
        <Anchor component={Link} to={modelRoute(diff.b.ref)}>
          <Code>{diff.b.ref}</Code>
        </Anchor>
      </Group>
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        <Section title="Metrics" empty={diff.metrics.length === 0}>
          <Table verticalSpacing={2} fz="sm" aria-label="Metric changes" style={{ whiteSpace: 'nowrap' }}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Metric</Table.Th>
                <Table.Th ta="right">A</Table.Th>
                <Table.Th ta="right">B</Table.Th>
                <Table.Th ta="right">Δ</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {diff.metrics.map((m) => (
                <Table.Tr key={m.key}>
                  <Table.Td>{m.key}</Table.Td>
                  <Table.Td ta="right" ff="monospace">
                    {format(m.a)}
                  </Table.Td>
                  <Table.Td ta="right" ff="monospace">
                    {format(m.b)}
                  </Table.Td>
                  <Table.Td ta="right" ff="monospace">
                    {m.delta === null ? '–' : `${m.delta >= 0 ? '+' : ''}${format(m.delta)}`}
                  </Table.Td>
                  <Table.Td>
                    {m.verdict !== 'unknown' && (
                      <Badge size="xs" color={verdictColor[m.verdict]}>
                        {m.verdict}
                      </Badge>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Section>
        <Section title="Settings" empty={diff.settings.length === 0 && diff.data.same}>
          {!diff.data.same && (
            <Text size="sm" mb="xs">
              Training data: {diff.data.a?.label ?? '–'} → {diff.data.b?.label ?? '–'}
              {diff.data.b?.name && (
                <>
                  {' '}
                  <Anchor component={Link} to={`/datasets/${encodeURIComponent(diff.data.b.name)}`} size="sm">
                    open dataset
                  </Anchor>
                </>
              )}
            </Text>
          )}
          <Table verticalSpacing={2} fz="sm" aria-label="Setting changes">
            <Table.Tbody>
              {diff.settings.map((s) => (
                <Table.Tr key={s.key} c={s.same ? 'dimmed' : undefined}>
                  <Table.Td>{s.key}</Table.Td>
                  <Table.Td ff="monospace">
                    <BreakableText text={s.a ?? '–'} />
                  </Table.Td>
                  <Table.Td ff="monospace">
                    <BreakableText text={s.b ?? '–'} />
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Section>
      </SimpleGrid>
      <Section title="Schema" empty={diff.schema.length === 0}>
        <Table verticalSpacing={2} fz="sm" aria-label="Schema changes">
          <Table.Tbody>
            {diff.schema.map((s) => (
              <Table.Tr key={`${s.side}-${s.name}`}>
                <Table.Td>{s.side}</Table.Td>
                <Table.Td ff="monospace">{s.name}</Table.Td>
                <Table.Td>
                  <Badge size="xs" color={s.change === 'added' ? 'green' : s.change === 'removed' ? 'red' : 'yellow'}>
                    {s.change}
                  </Badge>
                </Table.Td>
                <Table.Td ff="monospace">{s.a ?? '–'}</Table.Td>
                <Table.Td ff="monospace">{s.b ?? '–'}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Section>
      {diff.graphNote && <Alert color="yellow">{diff.graphNote}</Alert>}
      {diff.graph && <GraphDiff graph={diff.graph} />}
    </Stack>
  );
}

function GraphDiff({ graph }: { graph: NonNullable<ModelDiff['graph']> }) {
  const moved = graph.initializers.filter((i) => (i.l2 ?? 0) > 0 || i.shapeA?.join() !== i.shapeB?.join());
  const shape = (dims: number[] | null) => (dims ? `[${dims.join(', ')}]` : '–');
  return (
    <Section title="ONNX graph" empty={false}>
      <Text size="sm" mb="xs" aria-label="Graph summary">
        {graph.nodeCount[0]} → {graph.nodeCount[1]} nodes · {graph.parameterCount[0].toLocaleString()} →{' '}
        {graph.parameterCount[1].toLocaleString()} parameters · opset {graph.opsets[0]['ai.onnx'] ?? '–'} →{' '}
        {graph.opsets[1]['ai.onnx'] ?? '–'} · {graph.producer[0]} → {graph.producer[1]}
      </Text>
      <Text size="sm" mb="xs">
        Nodes: {graph.nodes.added.length} added, {graph.nodes.removed.length} removed, {graph.nodes.changed.length}{' '}
        changed, {graph.nodes.unchanged} unchanged
      </Text>
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        <Table verticalSpacing={2} fz="sm" aria-label="Operators">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Operator</Table.Th>
              <Table.Th ta="right">A</Table.Th>
              <Table.Th ta="right">B</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {graph.operators.map((o) => (
              <Table.Tr key={o.op} fw={o.a !== o.b ? 600 : undefined}>
                <Table.Td>{o.op}</Table.Td>
                <Table.Td ta="right">{o.a}</Table.Td>
                <Table.Td ta="right">{o.b}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
        <Stack gap={2}>
          {graph.nodes.added.slice(0, 50).map((n) => (
            <Text size="xs" key={`+${n.key}`} c="green">
              + {n.key} ({n.op})
            </Text>
          ))}
          {graph.nodes.removed.slice(0, 50).map((n) => (
            <Text size="xs" key={`-${n.key}`} c="red">
              − {n.key} ({n.op})
            </Text>
          ))}
          {graph.nodes.changed.slice(0, 50).map((n) => (
            <Text size="xs" key={`~${n.key}`} c="yellow.8">
              ~ {n.key} ({n.op}): {n.changes.join('; ')}
            </Text>
          ))}
        </Stack>
      </SimpleGrid>
      <Text fw={600} size="sm" mt="sm">
        Weights
      </Text>
      {moved.length === 0 ? (
        <Text size="sm" c="dimmed">
          Every aligned weight is identical.
        </Text>
      ) : (
        <Table verticalSpacing={2} fz="sm" aria-label="Weight changes">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Initializer</Table.Th>
              <Table.Th>Shape A</Table.Th>
              <Table.Th>Shape B</Table.Th>
              <Table.Th ta="right">L2 of Δ</Table.Th>
              <Table.Th ta="right">max |Δ|</Table.Th>
              <Table.Th ta="right">relative</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {moved.slice(0, 200).map((w) => (
              <Table.Tr key={w.name}>
                <Table.Td ff="monospace">{w.name}</Table.Td>
                <Table.Td>{shape(w.shapeA)}</Table.Td>
                <Table.Td>{shape(w.shapeB)}</Table.Td>
                <Table.Td ta="right">{format(w.l2)}</Table.Td>
                <Table.Td ta="right">{format(w.maxAbs)}</Table.Td>
                <Table.Td ta="right">{w.relative === null ? '–' : `${(w.relative * 100).toFixed(2)}%`}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Section>
  );
}
