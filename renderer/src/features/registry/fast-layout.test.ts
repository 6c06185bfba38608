/**
 * The big-graph layout: every node placed, no two boxes overlapping, edges running from their source's
 * bottom to their target's top (through the layers between), chains drawn straight, cycles tolerated and
 * the left-to-right variant transposed.
 */
import { describe, expect, it } from 'vitest';
import { layeredLayout, type FastLayoutInput, type FastLayoutResult } from './fast-layout';

/** A residual network: a chain with a skip edge every five nodes and a side branch every ten. */
function residualGraph(count: number): FastLayoutInput {
  const nodes: FastLayoutInput['nodes'] = [{ id: 'n0', width: 60, height: 26 }];
  const edges: FastLayoutInput['edges'] = [];
  let previous = 'n0';
  let blockStart = 'n0';
  for (let i = 1; nodes.length < count; i++) {
    const id = `n${i}`;
    nodes.push({ id, width: 40 + (i % 7) * 10, height: 26 });
    edges.push({ id: `e${edges.length}`, from: previous, to: id });
    if (i % 6 === 0) {
      edges.push({ id: `e${edges.length}`, from: blockStart, to: id });
      blockStart = id;
    }
    if (i % 10 === 0 && nodes.length < count) {
      const side = `s${i}`;
      nodes.push({ id: side, width: 60, height: 26 });
      edges.push(
        { id: `e${edges.length}`, from: previous, to: side },
        { id: `e${edges.length + 1}`, from: side, to: id },
      );
    }
    previous = id;
  }
  return { nodes, edges };
}

function overlaps(result: FastLayoutResult): string[] {
  const boxes = Object.entries(result.nodes).sort((a, b) => a[1].y - b[1].y || a[1].x - b[1].x);
  const found: string[] = [];
  for (let i = 1; i < boxes.length; i++) {
    const [idA, a] = boxes[i - 1]!;
    const [idB, b] = boxes[i]!;
    if (a.y === b.y && a.x + a.width > b.x) found.push(`${idA}/${idB}`);
  }
  return found;
}

describe('layeredLayout', () => {
  it('places a 2,000-node residual graph without overlaps, edges flowing down from bottom to top', () => {
    const input = residualGraph(2000);
    const steps: string[] = [];
    const result = layeredLayout(input, (step, fraction) => steps.push(`${step} ${fraction.toFixed(2)}`));
    expect(Object.keys(result.nodes)).toHaveLength(2000);
    expect(overlaps(result)).toEqual([]);
    for (const edge of input.edges) {
      const from = result.nodes[edge.from]!;
      const to = result.nodes[edge.to]!;
      const points = result.edges.find((e) => e.id === edge.id)!.points;
      expect(points[0]).toEqual({ x: from.x + from.width / 2, y: from.y + from.height });
      expect(points.at(-1)).toEqual({ x: to.x + to.width / 2, y: to.y });
      for (let k = 1; k < points.length; k++) expect(points[k]!.y).toBeGreaterThanOrEqual(points[k - 1]!.y);
    }
    for (const box of Object.values(result.nodes)) {
      expect(box.x).toBeGreaterThanOrEqual(0);
      expect(box.x + box.width).toBeLessThanOrEqual(result.width + 1e-9);
      expect(box.y + box.height).toBeLessThanOrEqual(result.height + 1e-9);
    }
    expect(steps[0]).toMatch(/^breaking cycles/);
    expect(steps.at(-1)).toBe('done 1.00');
  });

  it('keeps the main chain of a residual graph in one straight column', () => {
    // (to a tenth of a pixel: the placement is least squares, so equal centres may differ in the last bits)
    const input = residualGraph(600);
    const result = layeredLayout(input);
    const centres = new Set(
      input.nodes.filter((n) => n.id.startsWith('n')).map((n) => (result.nodes[n.id]!.x + n.width / 2).toFixed(1)),
    );
    expect(centres.size).toBe(1);
    expect(result.width).toBeLessThan(300);
  });

  it('spreads branches around the node they fork from, and does not drift over many blocks of them', () => {
    const nodes: FastLayoutInput['nodes'] = [];
    const edges: FastLayoutInput['edges'] = [];
    const node = (id: string) => (nodes.push({ id, width: 60, height: 26 }), id);
    const edge = (from: string, to: string) => edges.push({ id: `e${edges.length}`, from, to });
    // Attention-like blocks: x forks into q, k, v; they meet again; a skip edge joins x to the block's end.
    let x = node('in');
    for (let b = 0; b < 40; b++) {
      const [q, k, v] = [node(`q${b}`), node(`k${b}`), node(`v${b}`)];
      for (const branch of [q, k, v]) edge(x, branch);
      const attend = node(`attend${b}`);
      edge(q, attend);
      edge(k, attend);
      const mix = node(`mix${b}`);
      edge(attend, mix);
      edge(v, mix);
      const out = node(`out${b}`);
      edge(mix, out);
      edge(x, out);
      x = out;
    }
    const result = layeredLayout({ nodes, edges });
    const centre = (id: string) => result.nodes[id]!.x + result.nodes[id]!.width / 2;
    for (const b of [0, 39]) {
      const fork = centre(b === 0 ? 'in' : `out${b - 1}`);
      expect(centre(`q${b}`)).toBeLessThan(centre(`k${b}`));
      expect(centre(`k${b}`)).toBeLessThan(centre(`v${b}`));
      expect(fork).toBeGreaterThan(centre(`q${b}`));
      expect(fork).toBeLessThan(centre(`v${b}`));
    }
    // The block outputs (the residual stream) stay one column: the skip edges run straight.
    expect(Math.abs(centre('out39') - centre('out0'))).toBeLessThan(1);
    expect(result.width).toBeLessThan(400);
    expect(overlaps(result)).toEqual([]);
  });

  it('lays out a graph with a cycle by reversing one edge, and transposes for a left-to-right layout', () => {
    const input: FastLayoutInput = {
      nodes: ['a', 'b', 'c'].map((id) => ({ id, width: 50, height: 20 })),
      edges: [
        { id: 'ab', from: 'a', to: 'b' },
        { id: 'bc', from: 'b', to: 'c' },
        { id: 'ca', from: 'c', to: 'a' },
        { id: 'ghost', from: 'a', to: 'nowhere' },
      ],
      direction: 'RIGHT',
    };
    const result = layeredLayout(input);
    expect(result.nodes.a!.x).toBeLessThan(result.nodes.b!.x);
    expect(result.nodes.b!.x).toBeLessThan(result.nodes.c!.x);
    expect(result.nodes.a!).toMatchObject({ width: 50, height: 20 });
    expect(result.edges.map((e) => e.id)).toEqual(['ab', 'bc', 'ca']);
    const back = result.edges.find((e) => e.id === 'ca')!.points;
    expect(back[0]!.x).toBeGreaterThan(back.at(-1)!.x);
  });
});
