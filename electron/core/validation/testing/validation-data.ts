/**
 * Test helpers: a small classification world for validation tests. `label` is 1 when x1 + x2 > 0, except in
 * the region `south`, where it is a coin flip: a model trained on it is good overall and poor on that slice,
 * so a slice check has a known worst slice. The holdout can be shifted to make its inputs drift.
 */
import type { Core } from '../../core.js';
import { writeCsv } from '../../drift/testing/drift-tables.js';
import { seededRandom } from '../../train/random.js';

const regions = ['north', 'east', 'west', 'south'];

/** Rows of x1, x2, region, label; `shift` moves x1 (input drift). */
export function regionRows(count: number, seed: number, shift = 0): (string | number)[][] {
  const random = seededRandom(seed);
  const gaussian = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  return Array.from({ length: count }, (_, index) => {
    const region = regions[index % regions.length]!;
    const x1 = gaussian() + shift;
    const x2 = gaussian();
    const label = region === 'south' ? (random() < 0.5 ? 1 : 0) : x1 + x2 > 0 ? 1 : 0;
    return [x1.toFixed(5), x2.toFixed(5), region, label];
  });
}

/** The column names of {@link regionRows}. */
export const regionHeader = ['x1', 'x2', 'region', 'label'];

/**
 * Adds `train@1`, `holdout@1` (same distribution), `holdout@2` (x1 shifted by 3) and `nolabel@1` (no label
 * column), and trains `clf@1` on train; returns the model reference.
 */
export async function prepareValidationWorld(core: Core, folder: string, epochs = 20): Promise<string> {
  await core.datasets.add({ path: writeCsv(folder, 'train.csv', regionHeader, regionRows(1200, 1)), name: 'train' });
  await core.datasets.add({ path: writeCsv(folder, 'holdout.csv', regionHeader, regionRows(600, 2)), name: 'holdout' });
  await core.datasets.add({
    path: writeCsv(folder, 'shifted.csv', regionHeader, regionRows(600, 3, 3)),
    name: 'holdout',
  });
  await core.datasets.add({
    path: writeCsv(
      folder,
      'nolabel.csv',
      ['x1', 'x2', 'region'],
      regionRows(50, 4).map((row) => row.slice(0, 3)),
    ),
    name: 'nolabel',
  });
  const trained = await core.training.train({
    data: 'train@1',
    target: 'label',
    task: 'classification',
    features: ['x1', 'x2', 'region'],
    hidden: [8],
    epochs,
    batchSize: 32,
    learningRate: 0.02,
    backend: 'wasm',
    modelName: 'clf',
  });
  return `${trained.model}@${trained.version}`;
}
