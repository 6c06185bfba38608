/**
 * The lineage page (`/lineage?entity=model:churn@1&direction=both&depth=10`): the graph of dataset
 * versions, runs, model versions (with their registry aliases) and what else the core links, around one
 * focused entity. elkjs lays it out left to right in the registry's layout worker, off the UI thread; a
 * click on a node refocuses the page on it, and the side panel links to the focused entity's own page.
 * Everything lives in the URL, so a focused graph is a link one can share or reload.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import {
  Alert,
  Anchor,
  Badge,
  ColorSwatch,
  Group,
  Loader,
  NumberInput,
  Paper,
  SegmentedControl,
  Select,
  Stack,
  Text,
} from '@mantine/core';
import { useElementSize } from '@mantine/hooks';
import { Link, useSearchParams } from 'react-router';
import type { LineageEntity, LineageGraph } from '../../../../shared/contract/index';
import { useLatheQuery } from '../../api/queries';
import { ClientError } from '../../api/client-error';
import { routeOfEntity } from '../../app/entity-routes';
import type { LayoutReply } from '../registry/graph-layout.worker';
import {
  aliasLine,
  drawnEdges,
  kindsOf,
  layoutRequestOf,
  nodeKey,
  referenceOf,
  shownLabel,
  fitToPanel,
  offsetAlong,
  styleOfKind,
  relationLabel,
} from './lineage-layout';
import { PageHeader, PageLayout } from '../../components/Page';
import { ArrowMarker } from '../../components/ArrowMarker';

type Direction = 'upstream' | 'downstream' | 'both';
const directions: { value: Direction; label: string }[] = [
  { value: 'upstream', label: 'Ancestry' },
  { value: 'downstream', label: 'Descendants' },
  { value: 'both', label: 'Both' },
];

/** The lineage page. */
export function LineagePage() {
  const [params, setParams] = useSearchParams();
  const entity = params.get('entity') ?? '';
  const direction = (directions.find((d) => d.value === params.get('direction'))?.value ?? 'both') as Direction;
  const depth = Math.min(50, Math.max(1, Number(params.get('depth')) || 10));
  const update = (changes: Record<string, string>) => {
    const next = new URLSearchParams(params);
    for (const [key, value] of Object.entries(changes)) next.set(key, value);
    setParams(next);
  };
  const graph = useLatheQuery('lineage.graph', { entity, direction, depth }, { enabled: entity !== '' });
  return (
    <PageLayout>
      <PageHeader title="Lineage" />
      <Group align="flex-end" gap="md">
        <EntityPicker value={entity} onChange={(reference) => update({ entity: reference })} />
        <Stack gap={2}>
          <Text size="sm" fw={500}>
            Direction
          </Text>
          <SegmentedControl
            aria-label="Direction"
            data={directions}
            value={direction}
            onChange={(value) => update({ direction: value })}
          />
        </Stack>
        <NumberInput
          label="Depth"
          min={1}
          max={50}
          w={90}
          value={depth}
          onChange={(value) => {
            if (typeof value === 'number' && value >= 1 && value <= 50) update({ depth: String(value) });
          }}
        />
      </Group>
      {entity === '' && (
        <Paper withBorder p="xl" data-testid="lineage-empty">
          <Text fw={600}>Choose a dataset, model or run</Text>
          <Text size="sm" c="dimmed">
            Pick one above (or open Lineage from a dataset or model page) to see what it came from and what was made
            from it: dataset versions, training runs and model versions. Click any node to focus on it.
          </Text>
        </Paper>
      )}
      {entity !== '' && graph.isPending && <Loader size="sm" aria-label="Loading lineage" />}
      {graph.isError && (
        <Alert color="red" title="Could not read the lineage">
          {ClientError.from(graph.error).message}
        </Alert>
      )}
      {entity !== '' && graph.data && (
        <LineageView
          key={graph.data.root.kind + graph.data.root.id}
          graph={graph.data}
          onFocus={(node) => update({ entity: referenceOf(node) })}
        />
      )}
    </PageLayout>
  );
}

/** A searchable list of every dataset version, model version and recent run, by name. */
function EntityPicker({ value, onChange }: { value: string; onChange: (reference: string) => void }) {
  const datasets = useLatheQuery('datasets.list', {});
  const models = useLatheQuery('models.list', {});
  const experiments = useLatheQuery('experiments.list', {});
  const experimentIds = (experiments.data ?? []).map((e) => e.id).slice(0, 100);
  const runs = useLatheQuery(
    'runs.search',
    { experimentIds, maxResults: 200, orderBy: ['attributes.start_time DESC'] },
    { enabled: experimentIds.length > 0 },
  );
  const data = useMemo(() => {
    const versionsOf = (prefix: string, name: string, latest: number) =>
      Array.from({ length: latest }, (_, index) => latest - index).map((version) => ({
        value: `${prefix}:${name}@${version}`,
        label: `${name}@${version}`,
      }));
    const groups = [
      {
        group: 'Datasets',
        items: (datasets.data ?? []).flatMap((d) => versionsOf('dataset', d.name, d.latest.version)),
      },
      {
        group: 'Models',
        items: (models.data ?? []).flatMap((m) =>
          m.latestVersion === null ? [] : versionsOf('model', m.name, m.latestVersion),
        ),
      },
      {
        group: 'Runs',
        items: (runs.data?.runs ?? []).map((r) => ({ value: `run:${r.id}`, label: `${r.name} (${r.id.slice(0, 8)})` })),
      },
    ];
    const known = groups.some((g) => g.items.some((item) => item.value === value));
    // A focus reached by clicking a node (a file, a drift report) stays shown even when no list names it.
    if (value && !known) groups.push({ group: 'Focused', items: [{ value, label: value }] });
    return groups.filter((g) => g.items.length > 0);
  }, [datasets.data, models.data, runs.data, value]);
  return (
    <Select
      label="Entity"
      placeholder="Search datasets, models and runs"
      searchable
      w={340}
      data={data}
      value={value || null}
      onChange={(next) => next && onChange(next)}
      nothingFoundMessage="Nothing by that name"
      maxDropdownHeight={320}
    />
  );
}

function useLayout(graph: LineageGraph): LayoutReply | null {
  // The reply is kept with the graph it lays out, so a new graph shows the loader, not the old layout.
  const [layout, setLayout] = useState<{ graph: LineageGraph; reply: LayoutReply } | null>(null);
  useEffect(() => {
    const worker = new Worker(new URL('../registry/graph-layout.worker.ts', import.meta.url), { type: 'module' });
    worker.onmessage = (event: MessageEvent<LayoutReply>) => setLayout({ graph, reply: event.data });
    worker.onerror = (event) =>
      setLayout({ graph, reply: { ok: false, message: event.message || 'the layout worker failed' } });
    worker.postMessage(layoutRequestOf(graph));
    return () => worker.terminate();
  }, [graph]);
  return layout?.graph === graph ? layout.reply : null;
}

function LineageView({ graph, onFocus }: { graph: LineageGraph; onFocus: (node: LineageEntity) => void }) {
  const layout = useLayout(graph);
  const ready = layout?.ok ? layout : null;
  // Pan and zoom are relative to a view that fits the whole graph in the panel; a small graph is enlarged to
  // fill the width and a short one gets a short panel, so the drawing is never small inside a big empty box.
  const [view, setView] = useState({ x: 0, y: 0, scale: 1 });
  const { ref: panelRef, width: panelWidth } = useElementSize();
  const margin = 24;
  const fit = ready ? fitToPanel(ready, panelWidth, 560, margin) : { scale: 1, height: 560 };
  const scale = fit.scale * view.scale;
  const rootKey = nodeKey(graph.root);
  // A graph too big to fit legibly starts on the focused node; the user pans to the rest.
  const focus = ready?.nodes[rootKey];
  const left = ready
    ? offsetAlong(panelWidth, ready.width, scale, focus ? focus.x + focus.width / 2 : ready.width / 2, margin)
    : margin;
  const top = ready
    ? offsetAlong(fit.height, ready.height, scale, focus ? focus.y + focus.height / 2 : ready.height / 2, margin)
    : margin;
  const drag = useRef<{ x: number; y: number; moved: boolean } | null>(null);
  const relations = useMemo(() => new Map(drawnEdges(graph).map((edge) => [edge.id, edge.relation])), [graph]);
  const root = graph.root;
  const route = routeOfEntity(root);
  return (
    <Group align="flex-start" wrap="nowrap" gap="sm">
      <Paper
        ref={panelRef}
        withBorder
        style={{ flex: 1, overflow: 'hidden', height: fit.height, position: 'relative' }}
        data-testid="lineage-panel"
      >
        {!layout && <Loader size="xs" m="sm" aria-label="Laying out" />}
        {layout && !layout.ok && <Alert color="red">Layout failed: {layout.message}</Alert>}
        {ready && (
          <svg
            role="img"
            aria-label="Lineage graph"
            width="100%"
            height="100%"
            style={{ userSelect: 'none', cursor: 'grab' }}
            onWheel={(e) => {
              const factor = e.deltaY < 0 ? 1.15 : 1 / 1.15;
              setView((v) => ({ ...v, scale: Math.min(8, Math.max(0.2, v.scale * factor)) }));
            }}
            onMouseDown={(e) => (drag.current = { x: e.clientX, y: e.clientY, moved: false })}
            onMouseMove={(e) => {
              if (!drag.current) return;
              const dx = e.clientX - drag.current.x;
              const dy = e.clientY - drag.current.y;
              drag.current = {
                x: e.clientX,
                y: e.clientY,
                moved: drag.current.moved || Math.abs(dx) + Math.abs(dy) > 2,
              };
              setView((v) => ({ ...v, x: v.x + dx, y: v.y + dy }));
            }}
            onMouseUp={() => setTimeout(() => (drag.current = null))}
            onMouseLeave={() => (drag.current = null)}
          >
            <defs>
              <ArrowMarker id="lineage-arrow" />
            </defs>
            <g transform={`translate(${view.x + left},${view.y + top}) scale(${scale})`}>
              {ready.edges.map((edge) => (
                <polyline
                  key={edge.id}
                  data-relation={relations.get(edge.id)}
                  points={edge.points.map((p) => `${p.x},${p.y}`).join(' ')}
                  fill="none"
                  stroke="var(--mantine-color-dimmed)"
                  strokeWidth={1.2}
                  markerEnd="url(#lineage-arrow)"
                >
                  <title>{relationLabel(relations.get(edge.id) ?? '')}</title>
                </polyline>
              ))}
              {graph.nodes.map((node) => {
                const key = nodeKey(node);
                const box = ready.nodes[key];
                if (!box) return null;
                const { color, name } = styleOfKind(node.kind);
                const focused = key === rootKey;
                const aliases = aliasLine(node);
                return (
                  <g
                    key={key}
                    transform={`translate(${box.x},${box.y})`}
                    style={{ cursor: focused ? 'default' : 'pointer' }}
                    data-node={key}
                    data-kind={node.kind}
                    role="button"
                    aria-label={`${name} ${node.label}`}
                    onClick={() => {
                      if (drag.current?.moved || focused) return;
                      onFocus(node);
                    }}
                  >
                    <title>{node.label}</title>
                    <rect
                      width={box.width}
                      height={box.height}
                      rx={6}
                      fill={`var(--mantine-color-${color}-light)`}
                      stroke={`var(--mantine-color-${color}-filled)`}
                      strokeWidth={focused ? 3 : 1}
                      strokeDasharray={node.exists ? undefined : '4 3'}
                    />
                    <text x={10} y={15} fontSize={10} fill={`var(--mantine-color-${color}-light-color)`}>
                      {name.toUpperCase()}
                      {node.exists ? '' : ' · GONE'}
                    </text>
                    <text x={10} y={32} fontSize={12} fontWeight={focused ? 700 : 500} fill="var(--mantine-color-text)">
                      {shownLabel(node)}
                    </text>
                    {aliases && (
                      <g transform="translate(8,39)">
                        <rect
                          width={aliases.length * 6.7 + 8}
                          height={15}
                          rx={7}
                          fill="var(--mantine-color-yellow-light)"
                          stroke="var(--mantine-color-yellow-outline)"
                          strokeWidth={0.5}
                        />
                        <text
                          x={4}
                          y={11}
                          fontSize={11}
                          fontFamily="monospace"
                          fill="var(--mantine-color-yellow-light-color)"
                        >
                          {aliases}
                        </text>
                      </g>
                    )}
                  </g>
                );
              })}
            </g>
          </svg>
        )}
      </Paper>
      <Stack w={300} gap="sm">
        <Paper withBorder p="sm" aria-label="Focused entity">
          <Stack gap={4}>
            <Text size="xs" c="dimmed" fw={600}>
              FOCUSED ON
            </Text>
            <Text fw={600} style={{ wordBreak: 'break-all' }}>
              {root.label}
            </Text>
            <Text size="xs" c="dimmed">
              {styleOfKind(root.kind).name}
            </Text>
            {root.aliases.length > 0 && (
              <Group gap={4}>
                {root.aliases.map((alias) => (
                  <Badge key={alias} size="sm" variant="light" color="yellow">
                    @{alias}
                  </Badge>
                ))}
              </Group>
            )}
            {route ? (
              <Anchor component={Link} to={route} size="sm">
                Open its page →
              </Anchor>
            ) : (
              <Text size="xs" c="dimmed">
                No page of its own.
              </Text>
            )}
            <Text size="xs" c="dimmed" aria-label="Graph size">
              {graph.nodes.length} nodes · {graph.edges.length} edges
              {graph.truncated ? ' · more beyond this depth' : ''}
            </Text>
            {graph.edges.length === 0 && (
              <Text size="sm" c="dimmed" data-testid="lineage-alone">
                Nothing is linked to it yet in this direction. Training a model on a dataset links the dataset, the run
                and the model version.
              </Text>
            )}
          </Stack>
        </Paper>
        <Paper withBorder p="sm" aria-label="Legend">
          <Stack gap={6}>
            {kindsOf(graph).map((kind) => (
              <Group key={kind} gap={8}>
                <ColorSwatch size={14} color={`var(--mantine-color-${styleOfKind(kind).color}-filled)`} />
                <Text size="sm">{styleOfKind(kind).name}</Text>
              </Group>
            ))}
            <Text size="xs" c="dimmed">
              Click a node to focus on it. Scroll to zoom, drag to pan.
            </Text>
          </Stack>
        </Paper>
      </Stack>
    </Group>
  );
}
