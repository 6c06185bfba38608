/** Seeded train / validation / test split; stratified by class for classification (each class split in the same proportions). */
import { LatheError } from '../../../../shared/errors.js';
import { seededRandom, shuffleInPlace } from '../random.js';

/** Row indices of each part. */
export interface Split {
  train: Int32Array;
  validation: Int32Array;
  test: Int32Array;
}

/** Fractions of the rows that go to validation and test; the rest trains. */
export const splitFractions = { validation: 0.15, test: 0.15 } as const;

/** Splits `rows` rows; `labels` (class indices) makes it stratified; `fractions` defaults to 15 % / 15 %. */
export function splitRows(
  rows: number,
  seed: number,
  labels?: Int32Array,
  fractions: { validation: number; test: number } = splitFractions,
): Split {
  if (rows < 10)
    throw new LatheError('BAD_INPUT', `Training needs at least 10 rows with a target value; the data has ${rows}`);
  const random = seededRandom(seed ^ 0x5eed);
  const train: number[] = [];
  const validation: number[] = [];
  const test: number[] = [];
  const groups = new Map<number, number[]>();
  for (let i = 0; i < rows; i++) {
    const key = labels ? labels[i]! : 0;
    let group = groups.get(key);
    if (!group) groups.set(key, (group = []));
    group.push(i);
  }
  for (const key of [...groups.keys()].sort((a, b) => a - b)) {
    const group = groups.get(key)!;
    shuffleInPlace(group, random);
    const nTest = Math.round(group.length * fractions.test);
    const nValidation = Math.round(group.length * fractions.validation);
    test.push(...group.slice(0, nTest));
    validation.push(...group.slice(nTest, nTest + nValidation));
    train.push(...group.slice(nTest + nValidation));
  }
  if (validation.length === 0 || test.length === 0)
    throw new LatheError('BAD_INPUT', `Too few rows (${rows}) to hold out validation and test rows`);
  // Sorted so that the order of rows within a part does not depend on the class grouping.
  const sorted = (values: number[]) => Int32Array.from(values.sort((a, b) => a - b));
  return { train: sorted(train), validation: sorted(validation), test: sorted(test) };
}
