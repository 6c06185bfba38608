/**
 * One ONNX model as a layered graph (`/models/-/graph?ref=NAME@V`): laid out in a web worker (elkjs for
 * small graphs, the linear-pass layout of fast-layout.ts for big ones), with the worker's progress shown
 * while it works; drawn as SVG with wheel zoom and drag to pan, only the nodes and edges in view (so a graph
 * of thousands of nodes pans smoothly); a click shows a node's attributes, inputs, outputs and weight
 * shapes; search by node name or op jumps to the first match and highlights every match.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import {
  Alert,
  Anchor,
  Breadcrumbs,
  Code,
  Group,
  Loader,
  Paper,
  Progress,
  Stack,
  Table,
  Text,
  TextInput,
} from '@mantine/core';
import { useElementSize } from '@mantine/hooks';
import { useLatheQuery } from '../../api/queries';
import { Link, useSearchParams } from 'react-router';
import type { ModelGraph } from '../../../../shared/contract/index';
import { ClientError } from '../../api/client-error';
import type { LayoutProgress, LayoutReply, LayoutRequest } from './graph-layout.worker';
import { modelNodeBox } from './layout-settings';
import { PageHeader, PageLayout } from '../../components/Page';

/** The graph page. */
export function ModelGraphPage() {
  const [params] = useSearchParams();
  const ref = params.get('ref') ?? '';
  const graph = useLatheQuery(
    'registry.graph',
    { ref },
    {
      enabled: ref !== '',
      staleTime: Infinity,
    },
  );
  return (
    <PageLayout>
      <Breadcrumbs>
        <Anchor component={Link} to="/models" size="sm">
          Models
        </Anchor>
        <Anchor component={Link} to={`/models/${encodeURIComponent(ref.split('@')[0] ?? '')}`} size="sm">
          {ref.split('@')[0]}
        </Anchor>
        <Text size="sm">Graph</Text>
      </Breadcrumbs>
      <PageHeader title={`Graph of ${ref}`} />
      {graph.isPending && <Loader size="sm" aria-label="Loading graph" />}
      {graph.isError && (
        <Alert color="red" title="Could not read the graph">
          {ClientError.from(graph.error).message}
        </Alert>
      )}
      {graph.data && <GraphView graph={graph.data} />}
    </PageLayout>
  );
}

/** The worker's answer, and while it works its latest progress message. */
function useLayout(graph: ModelGraph): { layout: LayoutReply | null; progress: LayoutProgress | null } {
  const [layout, setLayout] = useState<LayoutReply | null>(null);
  const [progress, setProgress] = useState<LayoutProgress | null>(null);
  useEffect(() => {
    const worker = new Worker(new URL('./graph-layout.worker.ts', import.meta.url), { type: 'module' });
    worker.onmessage = (event: MessageEvent<LayoutReply | LayoutProgress>) => {
      if ('progress' in event.data) setProgress(event.data);
      else setLayout(event.data);
    };
    worker.onerror = (event) => setLayout({ ok: false, message: event.message || 'the layout worker failed' });
    const request: LayoutRequest = {
      nodes: graph.nodes.map((n) => ({ id: n.key, ...modelNodeBox(n.opType) })),
      edges: graph.edges.map((e, i) => ({ id: `e${i}`, from: e.from, to: e.to })),
      progress: true,
    };
    worker.postMessage(request);
    return () => worker.terminate();
  }, [graph]);
  return { layout, progress };
}

/** Margin (in screen pixels) around the panel within which nodes are still drawn, so panning shows no gaps. */
const drawMargin = 200;

/** A node matches a search by part of its name or key, or by its whole op type. */
function matchesQuery(node: ModelGraph['nodes'][number], text: string): boolean {
  return (
    node.name.toLowerCase().includes(text) ||
    node.key.toLowerCase().includes(text) ||
    node.opType.toLowerCase() === text
  );
}

function GraphView({ graph }: { graph: ModelGraph }) {
  const { layout, progress } = useLayout(graph);
  const { ref: panelRef, width: panelWidth, height: panelHeight } = useElementSize();
  const [selected, setSelected] = useState<string | null>(null);
  const [query, setQuery] = useState('');
  const [view, setView] = useState({ x: 0, y: 0, scale: 1 });
  const drag = useRef<{ x: number; y: number } | null>(null);
  const [dragging, setDragging] = useState(false);
  const matches = useMemo(() => {
    const text = query.trim().toLowerCase();
    if (!text) return new Set<string>();
    return new Set(
      graph.nodes
        .filter(
          (n) =>
            n.name.toLowerCase().includes(text) ||
            n.key.toLowerCase().includes(text) ||
            n.opType.toLowerCase() === text,
        )
        .map((n) => n.key),
    );
  }, [graph, query]);
  const ready = layout?.ok ? layout : null;
  // The part of the layout in view (layout coordinates), widened by the margin.
  const visible = {
    left: (-view.x - 20 - drawMargin) / view.scale,
    top: (-view.y - 20 - drawMargin) / view.scale,
    right: (-view.x - 20 + (panelWidth || 2000) + drawMargin) / view.scale,
    bottom: (-view.y - 20 + (panelHeight || 2000) + drawMargin) / view.scale,
  };
  const inView = (x0: number, y0: number, x1: number, y1: number) =>
    x1 >= visible.left && x0 <= visible.right && y1 >= visible.top && y0 <= visible.bottom;
  const drawnEdges = ready
    ? ready.edges.filter((edge) => {
        if (edge.points.length === 0) return false;
        let [x0, y0, x1, y1] = [Infinity, Infinity, -Infinity, -Infinity];
        for (const p of edge.points) {
          x0 = Math.min(x0, p.x);
          y0 = Math.min(y0, p.y);
          x1 = Math.max(x1, p.x);
          y1 = Math.max(y1, p.y);
        }
        return inView(x0, y0, x1, y1);
      })
    : [];
  const drawnNodes = ready
    ? graph.nodes.filter((n) => {
        const box = ready.nodes[n.key];
        return box !== undefined && inView(box.x, box.y, box.x + box.width, box.y + box.height);
      })
    : [];
  const node = graph.nodes.find((n) => n.key === selected);
  const weights = new Map(graph.initializers.map((i) => [i.name, i]));
  return (
    <Stack gap="xs">
      <Group>
        <TextInput
          placeholder="Search node name or op"
          aria-label="Search nodes"
          value={query}
          onChange={(e) => {
            const text = e.currentTarget.value;
            setQuery(text);
            // Jump to the first match as the person types.
            const first = text.trim() ? graph.nodes.find((n) => matchesQuery(n, text.trim().toLowerCase())) : undefined;
            const box = first && ready ? ready.nodes[first.key] : undefined;
            if (box) setView((v) => ({ ...v, x: -box.x * v.scale + 300, y: -box.y * v.scale + 200 }));
          }}
          w={280}
        />
        <Text size="sm" c="dimmed" aria-label="Graph size">
          {graph.nodes.length.toLocaleString()} nodes · {graph.edges.length.toLocaleString()} edges
          {query.trim() ? ` · ${matches.size} match${matches.size === 1 ? '' : 'es'}` : ''}
        </Text>
        {!layout && <Loader size="xs" aria-label="Laying out" />}
        {ready && drawnNodes.length < graph.nodes.length && (
          <Text size="xs" c="dimmed" aria-label="Nodes in view">
            {drawnNodes.length.toLocaleString()} in view
          </Text>
        )}
      </Group>
      {!layout && progress && (
        <Stack gap={2} maw={480} aria-label="Layout progress">
          <Text size="xs" c="dimmed">
            Laying out {graph.nodes.length.toLocaleString()} nodes
            {progress.engine === 'fast' ? ' (fast layered layout for big graphs)' : ''}: {progress.step}
          </Text>
          <Progress value={Math.round(progress.fraction * 100)} size="sm" animated />
        </Stack>
      )}
      {layout && !layout.ok && <Alert color="red">Layout failed: {layout.message}</Alert>}
      <Group align="flex-start" wrap="nowrap" gap="sm">
        <Paper ref={panelRef} withBorder style={{ flex: 1, overflow: 'hidden', height: 620 }}>
          {ready && (
            <svg
              role="img"
              aria-label="Model graph"
              width="100%"
              height="100%"
              style={{ cursor: dragging ? 'grabbing' : 'grab', userSelect: 'none' }}
              onWheel={(e) => {
                const factor = e.deltaY < 0 ? 1.15 : 1 / 1.15;
                setView((v) => ({ ...v, scale: Math.min(4, Math.max(0.05, v.scale * factor)) }));
              }}
              onMouseDown={(e) => {
                drag.current = { x: e.clientX, y: e.clientY };
                setDragging(true);
              }}
              onMouseMove={(e) => {
                if (!drag.current) return;
                const dx = e.clientX - drag.current.x;
                const dy = e.clientY - drag.current.y;
                drag.current = { x: e.clientX, y: e.clientY };
                setView((v) => ({ ...v, x: v.x + dx, y: v.y + dy }));
              }}
              onMouseUp={() => {
                drag.current = null;
                setDragging(false);
              }}
              onMouseLeave={() => {
                drag.current = null;
                setDragging(false);
              }}
            >
              <g transform={`translate(${view.x + 20},${view.y + 20}) scale(${view.scale})`}>
                {drawnEdges.map((edge) => (
                  <polyline
                    key={edge.id}
                    points={edge.points.map((p) => `${p.x},${p.y}`).join(' ')}
                    fill="none"
                    stroke="var(--mantine-color-gray-5)"
                    strokeWidth={1}
                  />
                ))}
                {drawnNodes.map((n) => {
                  const box = ready.nodes[n.key]!;
                  const hit = matches.has(n.key);
                  return (
                    <g
                      key={n.key}
                      transform={`translate(${box.x},${box.y})`}
                      onClick={() => setSelected(n.key)}
                      style={{ cursor: 'pointer' }}
                      data-node={n.key}
                    >
                      <rect
                        width={box.width}
                        height={box.height}
                        rx={4}
                        fill={hit ? 'var(--mantine-color-yellow-3)' : 'var(--mantine-color-blue-0)'}
                        stroke={n.key === selected ? 'var(--mantine-color-red-6)' : 'var(--mantine-color-blue-5)'}
                        strokeWidth={n.key === selected ? 2 : 1}
                      />
                      <text x={box.width / 2} y={17} textAnchor="middle" fontSize={12} fontFamily="monospace">
                        {n.opType}
                      </text>
                    </g>
                  );
                })}
              </g>
            </svg>
          )}
        </Paper>
        <Paper withBorder p="sm" w={340} aria-label="Node details">
          {!node ? (
            <Text size="sm" c="dimmed">
              Click a node to see its attributes, inputs and outputs. Scroll to zoom, drag to pan.
            </Text>
          ) : (
            <Stack gap={4}>
              <Text fw={600}>
                {node.opType} <Code>{node.name || node.key}</Code>
              </Text>
              <Text size="xs" fw={600}>
                Inputs
              </Text>
              {node.inputs.map((input) => (
                <Text size="xs" key={input} ff="monospace">
                  {input}
                  {weights.has(input) ? ` · weight [${weights.get(input)!.dims.join(', ')}]` : ''}
                </Text>
              ))}
              <Text size="xs" fw={600}>
                Outputs
              </Text>
              {node.outputs.map((output) => (
                <Text size="xs" key={output} ff="monospace">
                  {output}
                </Text>
              ))}
              {Object.keys(node.attributes).length > 0 && (
                <Table fz="xs" verticalSpacing={1} aria-label="Attributes">
                  <Table.Tbody>
                    {Object.entries(node.attributes).map(([k, v]) => (
                      <Table.Tr key={k}>
                        <Table.Td>{k}</Table.Td>
                        <Table.Td ff="monospace" style={{ wordBreak: 'break-all' }}>
                          {v}
                        </Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              )}
            </Stack>
          )}
        </Paper>
      </Group>
    </Stack>
  );
}
