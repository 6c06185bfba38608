import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { jensenShannonDistance, populationStabilityIndex, wassersteinSorted } from './stats.js';

const samples = join(import.meta.dirname, '..', '..', '..', 'resources', 'samples');
const reference = JSON.parse(
  readFileSync(join(import.meta.dirname, 'fixtures', 'reference-stats.json'), 'utf8'),
) as Record<string, Record<string, number>>;

function column(file: string, name: string): number[] {
  const [header, ...lines] = readFileSync(join(samples, file), 'utf8').trim().split('\n');
  const index = header!.split(',').indexOf(name);
  return lines.map((line) => Number(line.split(',')[index]));
}

describe('distribution distances', () => {
  it('Wasserstein-1 matches scipy.stats.wasserstein_distance on the sample versions', () => {
    for (const name of ['age', 'income', 'customer_id']) {
      const a = Float64Array.from(column('customers-v1.csv', name)).sort();
      const b = Float64Array.from(column('customers-v2.csv', name)).sort();
      expect(wassersteinSorted(a, b)).toBeCloseTo(reference[name]!.wasserstein!, 6);
    }
    expect(wassersteinSorted([0, 1, 3], [5, 6, 8])).toBeCloseTo(5, 12);
    expect(wassersteinSorted([1, 2], [1, 2])).toBe(0);
  });

  it('Jensen-Shannon distance is scipy.spatial.distance.jensenshannon(p, q, base=2)', () => {
    expect(jensenShannonDistance([1, 0], [0, 1])).toBeCloseTo(1, 12);
    expect(jensenShannonDistance([3, 5, 2], [3, 5, 2])).toBe(0);
    // scipy: jensenshannon([1, 2, 3], [3, 2, 1], base=2)
    expect(jensenShannonDistance([1, 2, 3], [3, 2, 1])).toBeCloseTo(0.354703515198132, 12);
  });

  it('PSI is zero for equal shares, symmetric in sign, and floors empty bins at 1e-4', () => {
    expect(populationStabilityIndex([10, 20, 30], [1, 2, 3])).toBeCloseTo(0, 12);
    const shifted = populationStabilityIndex([50, 50], [90, 10]);
    expect(shifted).toBeCloseTo(0.4 * Math.log(0.9 / 0.5) + -0.4 * Math.log(0.1 / 0.5), 12);
    expect(populationStabilityIndex([100, 0], [50, 50])).toBeCloseTo(
      (0.5 - 0.9999 * 1) * Math.log(0.5 / 1) + (0.5 - 1e-4) * Math.log(0.5 / 1e-4),
      3,
    );
  });
});
