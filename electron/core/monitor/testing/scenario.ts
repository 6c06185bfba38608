/** Test helpers: the monitor scenario's data (a boundary x1 + x2 = 0 classifier; drifted rows crowd the boundary). */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Core } from '../../core.js';
import { seededRandom } from '../../train/random.js';
import { writeCsv } from '../../drift/testing/drift-tables.js';

function gaussian(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

/** Rows of x1, x2, label (label = 1 when x1 + x2 + noise > 0), with a leading day column when `firstDay` is given. */
export function scenarioRows(count: number, seed: number, drifted: boolean, firstDay?: Date): (string | number)[][] {
  const random = seededRandom(seed);
  return Array.from({ length: count }, (_, index) => {
    const x1 = drifted ? 0.8 + 0.4 * gaussian(random) : gaussian(random);
    const x2 = drifted ? -x1 + 0.35 * gaussian(random) : gaussian(random);
    const label = x1 + x2 + 0.3 * gaussian(random) > 0 ? 1 : 0;
    const row: (string | number)[] = [x1.toFixed(5), x2.toFixed(5), label];
    if (firstDay) row.unshift(new Date(firstDay.getTime() + (index % 7) * 86_400_000).toISOString().slice(0, 10));
    return row;
  });
}

/** The Monday of the first week. */
export const firstMonday = Date.UTC(2024, 0, 1);

/** Adds `train@1` and `reference@1`, trains a small MLP on train, writes 8 weekly files (weeks 5–8 drifted) to `folder`/weeks. */
export async function prepareScenario(core: Core, folder: string): Promise<{ model: string; stream: string }> {
  await core.datasets.add({
    path: writeCsv(folder, 'train.csv', ['x1', 'x2', 'label'], scenarioRows(1500, 1, false)),
    name: 'train',
  });
  await core.datasets.add({
    path: writeCsv(folder, 'reference.csv', ['x1', 'x2', 'label'], scenarioRows(800, 2, false)),
    name: 'reference',
  });
  const trained = await core.training.train({
    data: 'train@1',
    target: 'label',
    task: 'classification',
    features: ['x1', 'x2'],
    hidden: [8],
    epochs: 30,
    batchSize: 32,
    learningRate: 0.01,
    backend: 'wasm',
  });
  const stream = join(folder, 'weeks');
  mkdirSync(stream);
  for (let week = 0; week < 8; week++) {
    writeCsv(
      stream,
      `week-${week + 1}.csv`,
      ['day', 'x1', 'x2', 'label'],
      scenarioRows(400, 100 + week, week >= 4, new Date(firstMonday + week * 7 * 86_400_000)),
    );
  }
  return { model: `${trained.model}@${trained.version}`, stream };
}

/** Rows of x1, x2, y for a regressor (y = 2·x1 − x2 + noise); drifted rows move x1 up and bend y (y gains x1²). */
export function regressionRows(count: number, seed: number, drifted: boolean, firstDay?: Date): (string | number)[][] {
  const random = seededRandom(seed);
  return Array.from({ length: count }, (_, index) => {
    const x1 = drifted ? 1.5 + 0.5 * gaussian(random) : gaussian(random);
    const x2 = gaussian(random);
    const y = 2 * x1 - x2 + (drifted ? x1 * x1 : 0) + 0.2 * gaussian(random);
    const row: (string | number)[] = [x1.toFixed(5), x2.toFixed(5), y.toFixed(5)];
    if (firstDay) row.unshift(new Date(firstDay.getTime() + (index % 7) * 86_400_000).toISOString().slice(0, 10));
    return row;
  });
}

/** Adds `rtrain@1` and `rreference@1`, trains a small regressor, writes 4 weekly files (weeks 3–4 drifted) to `folder`/rweeks. */
export async function prepareRegressionScenario(
  core: Core,
  folder: string,
): Promise<{ model: string; stream: string }> {
  await core.datasets.add({
    path: writeCsv(folder, 'rtrain.csv', ['x1', 'x2', 'y'], regressionRows(800, 3, false)),
    name: 'rtrain',
  });
  await core.datasets.add({
    path: writeCsv(folder, 'rreference.csv', ['x1', 'x2', 'y'], regressionRows(400, 4, false)),
    name: 'rreference',
  });
  const trained = await core.training.train({
    data: 'rtrain@1',
    target: 'y',
    task: 'regression',
    features: ['x1', 'x2'],
    hidden: [8],
    epochs: 30,
    batchSize: 32,
    learningRate: 0.01,
    backend: 'wasm',
  });
  const stream = join(folder, 'rweeks');
  mkdirSync(stream);
  for (let week = 0; week < 4; week++)
    writeCsv(
      stream,
      `week-${week + 1}.csv`,
      ['day', 'x1', 'x2', 'y'],
      regressionRows(300, 300 + week, week >= 2, new Date(firstMonday + week * 7 * 86_400_000)),
    );
  return { model: `${trained.model}@${trained.version}`, stream };
}
