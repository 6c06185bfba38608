/**
 * Pure mapping from a pipeline's steps to what the DAG draws: the elkjs request the registry's layout
 * worker receives (the same worker the model graph and lineage pages use; steps run left to right), each
 * step's box, and each status's colour and word. Kept free of React so it is unit-tested directly.
 */
import type { LayoutRequest } from '../registry/graph-layout.worker';

/** One node of the DAG: a step, the steps whose outputs it needs, and its status in the run shown. */
export interface GraphStep {
  name: string;
  kind: string;
  /** Names of the steps this one takes inputs from (its edges come from them). */
  needs: readonly string[];
  /** The status in the run shown, or null when no run is shown. */
  status: string | null;
}

/** How a status looks: a Mantine palette name, the word shown, and whether it is still moving. */
export interface StatusStyle {
  color: string;
  label: string;
  active: boolean;
}

/** Every step status and run status of the contract, with its look. */
const statusStyles: Record<string, StatusStyle> = {
  queued: { color: 'gray', label: 'queued', active: true },
  pending: { color: 'gray', label: 'pending', active: true },
  running: { color: 'blue', label: 'running', active: true },
  retrying: { color: 'yellow', label: 'retrying', active: true },
  succeeded: { color: 'green', label: 'succeeded', active: false },
  // Done before on the same inputs: its recorded outputs were taken, so it counts as green.
  reused: { color: 'green', label: 'reused', active: false },
  failed: { color: 'red', label: 'failed', active: false },
  cancelled: { color: 'orange', label: 'cancelled', active: false },
  skipped: { color: 'gray', label: 'skipped', active: false },
};

/** The look of a status (case-insensitive); an unknown one is gray and shown as it is. */
export function styleOfStatus(status: string | null): StatusStyle {
  if (status === null) return { color: 'gray', label: 'not run', active: false };
  return statusStyles[status.toLowerCase()] ?? { color: 'gray', label: status.toLowerCase(), active: false };
}

const characterWidth = 7.2;

/** Room kept for the longest status word, so a status change recolours a box without a new layout. */
const statusRoom = 'succeeded'.length + 3;

/** A step's box: wide enough for its name, and its kind beside any status word. */
export function boxOfStep(step: Pick<GraphStep, 'name' | 'kind'>): { width: number; height: number } {
  const longest = Math.max(step.name.length, step.kind.length + statusRoom);
  return { width: Math.max(130, Math.ceil(longest * characterWidth) + 34), height: 50 };
}

/** The edges drawn: one per (needed step → step), only between steps that exist, each once. */
export function edgesOf(steps: readonly GraphStep[]): { id: string; from: string; to: string }[] {
  const names = new Set(steps.map((step) => step.name));
  const seen = new Set<string>();
  const edges: { id: string; from: string; to: string }[] = [];
  for (const step of steps)
    for (const need of step.needs) {
      const id = `${need}->${step.name}`;
      if (!names.has(need) || need === step.name || seen.has(id)) continue;
      seen.add(id);
      edges.push({ id, from: need, to: step.name });
    }
  return edges;
}

/** The elkjs request for a pipeline's DAG, laid out left to right. */
export function layoutRequestOfSteps(steps: readonly GraphStep[]): LayoutRequest {
  return {
    direction: 'RIGHT',
    layerSpacing: 48,
    nodes: steps.map((step) => ({ id: step.name, ...boxOfStep(step) })),
    edges: edgesOf(steps),
  };
}

/** A key that changes when the layout must (names, kinds, edges), not when only statuses do. */
export function layoutKeyOf(steps: readonly GraphStep[]): string {
  return JSON.stringify(layoutRequestOfSteps(steps));
}
