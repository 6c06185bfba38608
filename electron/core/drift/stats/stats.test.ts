/**
 * Every drift statistic against scipy 1.10 values made once by fixtures/make-scipy-vectors.py and
 * committed: statistics and p-values must agree to 1e-9 relative (both KS modes, ties, tiny samples).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ksTwoSample } from './ks.js';
import {
  andersonDarlingTwoSample,
  chiSquareTest,
  jensenShannonDistance,
  kullbackLeibler,
  populationStabilityIndex,
  twoProportionZTest,
  wasserstein,
} from './distances.js';
import { chiSquareSurvival, normalSurvival } from './special.js';

type Number_ = number | 'inf' | '-inf' | 'nan';
interface Recipe {
  n: number;
  mult: number;
  mod: number;
  scale: number;
  offset: number;
}
interface Vectors {
  ks_2samp: {
    name: string;
    method: 'auto' | 'asymp';
    statistic: Number_;
    pvalue: Number_;
    a?: number[];
    b?: number[];
    recipes?: [Recipe, Recipe];
  }[];
  chisquare: { name: string; observed: number[]; expected: number[]; statistic: Number_; pvalue: Number_ }[];
  chi2_sf: { x: number; df: number; sf: Number_ }[];
  norm_sf: { z: number; sf: Number_ }[];
  wasserstein_distance: { name: string; a: number[]; b: number[]; distance: Number_ }[];
  jensenshannon_base2: { name: string; p: number[]; q: number[]; distance: Number_ }[];
  anderson_ksamp_midrank: { name: string; a: number[]; b: number[]; statistic: Number_; pvalue: Number_ }[];
  psi_kl: { name: string; p: number[]; q: number[]; psi: Number_; kl: Number_ }[];
  two_proportion_z: { name: string; n1: number; k1: number; n2: number; k2: number; z: Number_; pvalue: Number_ }[];
}

const vectors = JSON.parse(readFileSync(new URL('../fixtures/scipy-vectors.json', import.meta.url), 'utf8')) as Vectors;

function value(x: Number_): number {
  if (x === 'inf') return Infinity;
  if (x === '-inf') return -Infinity;
  if (x === 'nan') return Number.NaN;
  return x;
}

/** Equal to 1e-9 relative (absolute 1e-300 for values that underflow towards 0). */
function expectClose(actual: number, expected: Number_, label: string): void {
  const target = value(expected);
  if (!Number.isFinite(target)) {
    expect(actual, label).toBe(target);
    return;
  }
  const error = Math.abs(actual - target);
  expect(error <= 1e-9 * Math.abs(target) || error < 1e-300, `${label}: ${actual} vs scipy ${target}`).toBe(true);
}

// value_i = sqrt((i * mult) % mod) * scale + offset, evaluated as numpy does (exact integer, IEEE sqrt/mul/add).
function fromRecipe(recipe: Recipe): Float64Array {
  const out = new Float64Array(recipe.n);
  for (let i = 0; i < recipe.n; i++)
    out[i] = Math.sqrt(Number((BigInt(i) * BigInt(recipe.mult)) % BigInt(recipe.mod))) * recipe.scale + recipe.offset;
  return out;
}

describe('ks_2samp', () => {
  for (const testCase of vectors.ks_2samp) {
    it(`${testCase.name} (${testCase.method})`, () => {
      const [a, b] = testCase.recipes
        ? testCase.recipes.map(fromRecipe)
        : [Float64Array.from(testCase.a!), Float64Array.from(testCase.b!)];
      const result = ksTwoSample(a!, b!, testCase.method);
      expectClose(result.statistic, testCase.statistic, 'statistic');
      expectClose(result.pvalue, testCase.pvalue, 'pvalue');
    });
  }
  it('chooses the exact mode up to 10,000 values and the asymptotic one above, as scipy does', () => {
    expect(ksTwoSample(new Float64Array([1, 2, 3]), new Float64Array([2, 3, 4])).mode).toBe('exact');
    const large = new Float64Array(10001).map((_, index) => index);
    expect(ksTwoSample(large, new Float64Array([1, 2])).mode).toBe('asymp');
  });
  it('rejects an empty sample', () => {
    expect(() => ksTwoSample(new Float64Array(), new Float64Array([1]))).toThrow(/non-empty/);
  });
});

describe('chisquare and the chi-square survival function', () => {
  for (const testCase of vectors.chisquare) {
    it(testCase.name, () => {
      const result = chiSquareTest(testCase.observed, testCase.expected);
      expectClose(result.statistic, testCase.statistic, 'statistic');
      if (value(testCase.pvalue) !== value(testCase.pvalue)) expect(result.pvalue).toBeNaN();
      else expectClose(result.pvalue, testCase.pvalue, 'pvalue');
    });
  }
  for (const point of vectors.chi2_sf) {
    it(`chi2.sf(${point.x}, ${point.df})`, () => expectClose(chiSquareSurvival(point.x, point.df), point.sf, 'sf'));
  }
  for (const point of vectors.norm_sf) {
    it(`norm.sf(${point.z})`, () => expectClose(normalSurvival(point.z), point.sf, 'sf'));
  }
});

describe('wasserstein_distance', () => {
  for (const testCase of vectors.wasserstein_distance) {
    it(testCase.name, () =>
      expectClose(
        wasserstein(Float64Array.from(testCase.a), Float64Array.from(testCase.b)),
        testCase.distance,
        'distance',
      ),
    );
  }
});

describe('jensenshannon base 2, KL (entropy), PSI', () => {
  for (const testCase of vectors.jensenshannon_base2) {
    it(testCase.name, () => expectClose(jensenShannonDistance(testCase.p, testCase.q), testCase.distance, 'distance'));
  }
  for (const testCase of vectors.psi_kl) {
    it(testCase.name, () => {
      expectClose(populationStabilityIndex(testCase.p, testCase.q), testCase.psi, 'psi');
      expectClose(kullbackLeibler(testCase.p, testCase.q), testCase.kl, 'kl');
    });
  }
});

describe('anderson_ksamp (midrank)', () => {
  for (const testCase of vectors.anderson_ksamp_midrank) {
    it(testCase.name, () => {
      const result = andersonDarlingTwoSample(Float64Array.from(testCase.a), Float64Array.from(testCase.b));
      expectClose(result.statistic, testCase.statistic, 'statistic');
      expectClose(result.pvalue, testCase.pvalue, 'pvalue');
    });
  }
});

describe('two-proportion Z-test', () => {
  for (const testCase of vectors.two_proportion_z) {
    it(testCase.name, () => {
      const result = twoProportionZTest(testCase.n1, testCase.k1, testCase.n2, testCase.k2);
      expectClose(result.statistic, testCase.z, 'z');
      expectClose(result.pvalue, testCase.pvalue, 'pvalue');
    });
  }
});
