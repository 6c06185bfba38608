/**
 * A pipeline's DAG: steps as boxes coloured by their status in the run shown, edges from the steps whose
 * outputs they take. elkjs lays it out in the registry's layout worker (the one the model graph and the
 * lineage page use), off the UI thread, and only when the steps or edges change: a status change
 * recolours the boxes in place. Steps are buttons (Tab reaches them, Enter or Space selects one).
 */
import { useEffect, useState } from 'react';
import { Alert, Loader, Paper } from '@mantine/core';
import { useElementSize } from '@mantine/hooks';
import type { LayoutReply } from '../registry/graph-layout.worker';
import './pipelines.css';
import { layoutKeyOf, styleOfStatus, type GraphStep } from './pipeline-graph';
import { ArrowMarker } from '../../components/ArrowMarker';

/** Lays out `steps` in the layout worker; answers null until the reply for these steps arrives. */
function useStepLayout(steps: readonly GraphStep[]): LayoutReply | null {
  const key = layoutKeyOf(steps);
  const [layout, setLayout] = useState<{ key: string; reply: LayoutReply } | null>(null);
  useEffect(() => {
    const worker = new Worker(new URL('../registry/graph-layout.worker.ts', import.meta.url), { type: 'module' });
    worker.onmessage = (event: MessageEvent<LayoutReply>) => setLayout({ key, reply: event.data });
    worker.onerror = (event) =>
      setLayout({ key, reply: { ok: false, message: event.message || 'the layout worker failed' } });
    worker.postMessage(JSON.parse(key));
    return () => worker.terminate();
  }, [key]);
  return layout?.key === key ? layout.reply : null;
}

/** The panel's height before the layout arrives, and its least. */
const minHeight = 96;

/** The DAG of a pipeline, with each step's status; `onSelect` is called with a step's name. */
export function PipelineGraph({
  steps,
  selected,
  onSelect,
  maxHeight = 280,
  label,
}: {
  steps: readonly GraphStep[];
  selected?: string | null;
  onSelect?: (name: string) => void;
  /** The panel grows with the DAG up to this height (then the DAG is scaled down to fit). */
  maxHeight?: number;
  /** The accessible name of the drawing. */
  label: string;
}) {
  const layout = useStepLayout(steps);
  const ready = layout?.ok ? layout : null;
  const { ref, width: panelWidth } = useElementSize();
  const margin = 16;
  // The panel is as tall as the DAG drawn at the panel's width (a two-step DAG gets no empty band), within
  // bounds; the whole DAG fits, never enlarged past 1:1.
  const widthScale = ready && panelWidth > 0 ? Math.min(1, (panelWidth - 2 * margin) / Math.max(1, ready.width)) : 1;
  const height = ready
    ? Math.round(Math.min(maxHeight, Math.max(minHeight, ready.height * widthScale + 2 * margin)))
    : minHeight;
  const scale = ready ? Math.max(0.2, Math.min(widthScale, (height - 2 * margin) / Math.max(1, ready.height))) : 1;
  const left = ready ? Math.max(margin, (panelWidth - ready.width * scale) / 2) : margin;
  const top = ready ? Math.max(margin, (height - ready.height * scale) / 2) : margin;
  return (
    <Paper ref={ref} withBorder style={{ height, overflow: 'hidden', position: 'relative' }}>
      {!layout && <Loader size="xs" m="sm" aria-label="Laying out the steps" />}
      {layout && !layout.ok && <Alert color="red">Layout failed: {layout.message}</Alert>}
      {ready && (
        <svg role="group" aria-label={label} width="100%" height="100%">
          <defs>
            <ArrowMarker id="pipeline-arrow" />
          </defs>
          <g transform={`translate(${left},${top}) scale(${scale})`}>
            {ready.edges.map((edge) => (
              <polyline
                key={edge.id}
                data-edge={edge.id}
                points={edge.points.map((p) => `${p.x},${p.y}`).join(' ')}
                fill="none"
                stroke="var(--mantine-color-dimmed)"
                strokeWidth={1.2}
                markerEnd="url(#pipeline-arrow)"
              />
            ))}
            {steps.map((step) => {
              const box = ready.nodes[step.name];
              if (!box) return null;
              const style = styleOfStatus(step.status);
              const chosen = selected === step.name;
              const select = () => onSelect?.(step.name);
              return (
                <g
                  key={step.name}
                  transform={`translate(${box.x},${box.y})`}
                  data-step={step.name}
                  data-status={step.status ?? 'none'}
                  role={onSelect ? 'button' : 'img'}
                  tabIndex={onSelect ? 0 : undefined}
                  aria-pressed={onSelect ? chosen : undefined}
                  aria-label={`Step ${step.name} (${step.kind}): ${style.label}`}
                  style={{ cursor: onSelect ? 'pointer' : 'default' }}
                  onClick={select}
                  onKeyDown={(event) => {
                    if (event.key === 'Enter' || event.key === ' ') {
                      event.preventDefault();
                      select();
                    }
                  }}
                  className="pipeline-step"
                >
                  <title>{`${step.name} (${step.kind}): ${style.label}`}</title>
                  <rect
                    width={box.width}
                    height={box.height}
                    rx={6}
                    fill={`var(--mantine-color-${style.color}-light)`}
                    stroke={`var(--mantine-color-${style.color}-filled)`}
                    strokeWidth={chosen ? 3 : 1.2}
                  />
                  <circle cx={14} cy={17} r={5} fill={`var(--mantine-color-${style.color}-filled)`}>
                    {style.label === 'running' && (
                      <animate attributeName="opacity" values="1;0.3;1" dur="1.2s" repeatCount="indefinite" />
                    )}
                  </circle>
                  <text x={26} y={21} fontSize={12} fontWeight={chosen ? 700 : 600} fill="var(--mantine-color-text)">
                    {step.name}
                  </text>
                  <text x={12} y={39} fontSize={10.5} fill={`var(--mantine-color-${style.color}-light-color)`}>
                    {step.kind} · {style.label}
                  </text>
                </g>
              );
            })}
          </g>
        </svg>
      )}
    </Paper>
  );
}
