/** Synthetic tables for the training tests and the compute bench: seeded, with a known signal. */
import type { ColumnValues } from '../../infer/scoring.js';
import { seededRandom } from '../random.js';

/**
 * Classification: three classes from two numeric features and a categorical one, with some missing
 * values in each feature column. Regression: a smooth function of the same features plus noise.
 */
export function syntheticTable(
  rows: number,
  seed: number,
  task: 'classification' | 'regression',
): Map<string, ColumnValues> {
  const random = seededRandom(seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const x1 = new Float64Array(rows);
  const x2 = new Float64Array(rows);
  const noise = new Float64Array(rows);
  const color: (string | null)[] = [];
  const colors = ['red', 'green', 'blue'];
  const target: (string | null)[] = [];
  const value = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    x1[i] = normal() * 2 + 10;
    x2[i] = normal() * 50;
    noise[i] = normal();
    const c = colors[Math.floor(random() * 3)]!;
    color.push(c);
    const score = (x1[i]! - 10) / 2 + x2[i]! / 50 + (c === 'red' ? 1.5 : c === 'blue' ? -1.5 : 0);
    target.push(score > 0.8 ? 'high' : score < -0.8 ? 'low' : 'mid');
    value[i] = 3 * x1[i]! - 0.05 * x2[i]! + (c === 'red' ? 4 : 0) + normal() * 0.5;
    // Missing values the preprocessing has to impute.
    if (random() < 0.03) x1[i] = NaN;
    if (random() < 0.03) color[i] = null;
  }
  const columns = new Map<string, ColumnValues>([
    ['x1', x1],
    ['x2', x2],
    ['noise', noise],
    ['color', color],
  ]);
  columns.set('target', task === 'classification' ? target : value);
  return columns;
}
