import { describe, expect, it } from 'vitest';
import { boxOfStep, edgesOf, layoutKeyOf, layoutRequestOfSteps, styleOfStatus, type GraphStep } from './pipeline-graph';

const steps: GraphStep[] = [
  { name: 'load', kind: 'ingest', needs: [], status: 'succeeded' },
  { name: 'train', kind: 'train', needs: ['load'], status: 'running' },
  { name: 'check', kind: 'validate-data', needs: ['load'], status: 'pending' },
  // A repeated need, a need of itself and one naming no step: none makes an extra edge.
  { name: 'tell', kind: 'notify', needs: ['train', 'check', 'train', 'tell', 'ghost'], status: null },
];

describe('the pipeline DAG mapping', () => {
  it('draws one edge per needed step that exists, from it to the step', () => {
    expect(edgesOf(steps)).toEqual([
      { id: 'load->train', from: 'load', to: 'train' },
      { id: 'load->check', from: 'load', to: 'check' },
      { id: 'train->tell', from: 'train', to: 'tell' },
      { id: 'check->tell', from: 'check', to: 'tell' },
    ]);
  });

  it('asks elkjs for every step, left to right', () => {
    const request = layoutRequestOfSteps(steps);
    expect(request.direction).toBe('RIGHT');
    expect(request.nodes.map((node) => node.id)).toEqual(['load', 'train', 'check', 'tell']);
    expect(request.edges).toHaveLength(4);
  });

  it('sizes a box by its name, not its status, so a status change needs no new layout', () => {
    const long = boxOfStep({ name: 'a-rather-long-step-name-for-a-box', kind: 'train' });
    expect(long.width).toBeGreaterThan(boxOfStep({ name: 'x', kind: 'train' }).width);
    const recoloured = steps.map((step) => ({ ...step, status: 'failed' }));
    expect(layoutKeyOf(recoloured)).toBe(layoutKeyOf(steps));
    expect(layoutKeyOf([...steps, { name: 'more', kind: 'notify', needs: ['tell'], status: null }])).not.toBe(
      layoutKeyOf(steps),
    );
  });

  it('colours statuses, finished ones still and the rest moving', () => {
    expect(styleOfStatus('succeeded')).toMatchObject({ color: 'green', active: false });
    expect(styleOfStatus('reused')).toMatchObject({ color: 'green', active: false });
    expect(styleOfStatus('running')).toMatchObject({ color: 'blue', active: true });
    expect(styleOfStatus('failed').color).toBe('red');
    expect(styleOfStatus(null).label).toBe('not run');
    expect(styleOfStatus('Something-New')).toEqual({ color: 'gray', label: 'something-new', active: false });
  });
});
