/**
 * The other drift statistics, each equal to its scipy counterpart: chisquare (goodness of fit),
 * wasserstein_distance (1-D, merge walk over sorted samples), jensenshannon (base 2), entropy-based KL
 * divergence, PSI as Evidently computes it, the two-proportion Z-test, and anderson_ksamp with midranks
 * (including scipy's interpolated, capped p-value).
 */
import { chiSquareSurvival, normalSurvival } from './special.js';
import { sortedFinite } from './ks.js';

/** A statistic with its p-value. */
export interface TestResult {
  statistic: number;
  pvalue: number;
}

/** scipy.stats.chisquare(observed, expected): Pearson's statistic with k - 1 degrees of freedom. */
export function chiSquareTest(observed: ArrayLike<number>, expected: ArrayLike<number>): TestResult {
  let statistic = 0;
  for (let index = 0; index < observed.length; index++) {
    const difference = observed[index]! - expected[index]!;
    statistic += (difference * difference) / expected[index]!;
  }
  return { statistic, pvalue: chiSquareSurvival(statistic, observed.length - 1) };
}

/** scipy.stats.wasserstein_distance on samples sorted ascending. */
export function wassersteinSorted(u: Float64Array, v: Float64Array): number {
  const nu = u.length;
  const nv = v.length;
  if (nu === 0 || nv === 0) return Number.NaN;
  // One step per value in merged order: the gap up to it is weighted by the CDF difference before it
  // (ties give zero-width gaps, so they need no special case).
  let i = 0;
  let j = 0;
  let total = 0;
  let previous = u[0]! <= v[0]! ? u[0]! : v[0]!;
  while (i < nu && j < nv) {
    const a = u[i]!;
    const b = v[j]!;
    const value = a <= b ? a : b;
    total += Math.abs(i / nu - j / nv) * (value - previous);
    previous = value;
    if (a <= b) i++;
    else j++;
  }
  while (i < nu) {
    const value = u[i]!;
    total += Math.abs(i / nu - j / nv) * (value - previous);
    previous = value;
    i++;
  }
  while (j < nv) {
    const value = v[j]!;
    total += Math.abs(i / nu - j / nv) * (value - previous);
    previous = value;
    j++;
  }
  return total;
}

/** scipy.stats.wasserstein_distance; missing values (NaN) are dropped. */
export function wasserstein(u: Float64Array, v: Float64Array): number {
  return wassersteinSorted(sortedFinite(u), sortedFinite(v));
}

function normalised(values: ArrayLike<number>): Float64Array {
  let sum = 0;
  for (let index = 0; index < values.length; index++) sum += values[index]!;
  const out = new Float64Array(values.length);
  for (let index = 0; index < values.length; index++) out[index] = values[index]! / sum;
  return out;
}

// scipy.special.rel_entr
function relativeEntropy(x: number, y: number): number {
  if (x > 0 && y > 0) return x * Math.log(x / y);
  if (x === 0 && y >= 0) return 0;
  return Infinity;
}

/** scipy.spatial.distance.jensenshannon(p, q, base=2): the square root of the JS divergence, in [0, 1]. */
export function jensenShannonDistance(p: ArrayLike<number>, q: ArrayLike<number>): number {
  const pn = normalised(p);
  const qn = normalised(q);
  let left = 0;
  let right = 0;
  for (let index = 0; index < pn.length; index++) {
    const middle = (pn[index]! + qn[index]!) / 2;
    left += relativeEntropy(pn[index]!, middle);
    right += relativeEntropy(qn[index]!, middle);
  }
  const divergence = (left + right) / Math.LN2;
  return Math.sqrt(divergence / 2);
}

/** scipy.stats.entropy(p, q): Kullback–Leibler divergence of the normalised distributions, natural log. */
export function kullbackLeibler(p: ArrayLike<number>, q: ArrayLike<number>): number {
  const pn = normalised(p);
  const qn = normalised(q);
  let sum = 0;
  for (let index = 0; index < pn.length; index++) sum += relativeEntropy(pn[index]!, qn[index]!);
  return sum;
}

/** Population stability index of two binned shares (Evidently's formula; shares must have no zeros). */
export function populationStabilityIndex(reference: ArrayLike<number>, current: ArrayLike<number>): number {
  let sum = 0;
  for (let index = 0; index < reference.length; index++) {
    const r = reference[index]!;
    const c = current[index]!;
    sum += (r - c) * Math.log(r / c);
  }
  return sum;
}

/** Two-proportion Z-test: `k1` successes of `n1` against `k2` of `n2`, two-sided p-value. */
export function twoProportionZTest(n1: number, k1: number, n2: number, k2: number): TestResult {
  const p1 = k1 / n1;
  const p2 = k2 / n2;
  const pooled = (p1 * n1 + p2 * n2) / (n1 + n2);
  const denominator = Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
  if (denominator === 0) return { statistic: 0, pvalue: 1 };
  const statistic = (p1 - p2) / denominator;
  return { statistic, pvalue: Math.min(1, 2 * normalSurvival(Math.abs(statistic))) };
}

// Upper-tail significance levels and Scholz & Stephens' Table 2 interpolation coefficients.
const SIGNIFICANCE = [0.25, 0.1, 0.05, 0.025, 0.01, 0.005, 0.001];
const B0 = [0.675, 1.281, 1.645, 1.96, 2.326, 2.573, 3.085];
const B1 = [-0.245, 0.25, 0.678, 1.149, 1.822, 2.364, 3.615];
const B2 = [-0.105, -0.305, -0.362, -0.391, -0.396, -0.345, -0.154];

// Least-squares quadratic through (x, y) by Householder QR on column-scaled Vandermonde rows (as np.polyfit).
function quadraticFit(x: number[], y: number[]): [number, number, number] {
  const rows = x.length;
  const a = x.map((value) => [value * value, value, 1]);
  const scales = [0, 1, 2].map((column) => Math.sqrt(a.reduce((sum, row) => sum + row[column]! ** 2, 0)));
  for (const row of a) for (let column = 0; column < 3; column++) row[column]! /= scales[column]!;
  const b = [...y];
  for (let column = 0; column < 3; column++) {
    let norm = 0;
    for (let row = column; row < rows; row++) norm += a[row]![column]! ** 2;
    norm = Math.sqrt(norm);
    const alpha = a[column]![column]! > 0 ? -norm : norm;
    const v: number[] = [];
    for (let row = column; row < rows; row++) v.push(a[row]![column]!);
    v[0]! -= alpha;
    const vNorm = v.reduce((sum, value) => sum + value * value, 0);
    if (vNorm === 0) continue;
    for (let other = column; other < 3; other++) {
      let dot = 0;
      for (let row = column; row < rows; row++) dot += v[row - column]! * a[row]![other]!;
      const factor = (2 * dot) / vNorm;
      for (let row = column; row < rows; row++) a[row]![other]! -= factor * v[row - column]!;
    }
    let dot = 0;
    for (let row = column; row < rows; row++) dot += v[row - column]! * b[row]!;
    const factor = (2 * dot) / vNorm;
    for (let row = column; row < rows; row++) b[row]! -= factor * v[row - column]!;
  }
  const solution = [0, 0, 0];
  for (let row = 2; row >= 0; row--) {
    let sum = b[row]!;
    for (let column = row + 1; column < 3; column++) sum -= a[row]![column]! * solution[column]!;
    solution[row] = sum / a[row]![row]!;
  }
  return [solution[0]! / scales[0]!, solution[1]! / scales[1]!, solution[2]! / scales[2]!];
}

/** The Anderson–Darling result, with whether scipy would cap (0.25) or floor (0.001) the p-value. */
export interface AndersonResult extends TestResult {
  pvalueBound: 'capped' | 'floored' | null;
}

/** scipy.stats.anderson_ksamp([a, b], midrank=True) for two samples; missing values (NaN) are dropped. */
export function andersonDarlingTwoSample(first: Float64Array, second: Float64Array): AndersonResult {
  const samples = [sortedFinite(first), sortedFinite(second)];
  const sizes = samples.map((sample) => sample.length);
  if (sizes.some((size) => size === 0)) throw new Error('anderson_ksamp needs two non-empty samples');
  const all = new Float64Array(sizes[0]! + sizes[1]!);
  all.set(samples[0]!);
  all.set(samples[1]!, sizes[0]!);
  all.sort();
  const total = all.length;
  const k = 2;
  // Midrank statistic (Scholz & Stephens eq. 7) over the distinct values, walking every sorted sample once.
  const positions = [0, 0];
  let statistic = 0;
  const sums = [0, 0];
  let distinct = 0;
  let start = 0;
  while (start < total) {
    const value = all[start]!;
    let end = start;
    while (end < total && all[end] === value) end++;
    distinct++;
    const tied = end - start;
    const before = start + tied / 2;
    for (let sample = 0; sample < k; sample++) {
      const values = samples[sample]!;
      let position = positions[sample]!;
      const left = position;
      while (position < values.length && values[position] === value) position++;
      positions[sample] = position;
      const midrankCount = position - (position - left) / 2;
      const inner =
        ((tied / total) * (total * midrankCount - before * sizes[sample]!) ** 2) /
        (before * (total - before) - (total * tied) / 4);
      sums[sample]! += inner;
    }
    start = end;
  }
  if (distinct < 2) throw new Error('anderson_ksamp needs more than one distinct observation');
  for (let sample = 0; sample < k; sample++) statistic += sums[sample]! / sizes[sample]!;
  statistic *= (total - 1) / total;
  const harmonicSizes = 1 / sizes[0]! + 1 / sizes[1]!;
  let cumulative = 0;
  let g = 0;
  // hs_cs[i] = sum_{j<=i} 1/(N-1-j), i = 0..N-3; g = sum hs_cs[i]/(i+2).
  for (let index = 0; index <= total - 3; index++) {
    cumulative += 1 / (total - 1 - index);
    g += cumulative / (index + 2);
  }
  const h = cumulative + 1;
  const a = (4 * g - 6) * (k - 1) + (10 - 6 * g) * harmonicSizes;
  const b = (2 * g - 4) * k ** 2 + 8 * h * k + (2 * g - 14 * h - 4) * harmonicSizes - 8 * h + 4 * g - 6;
  const c = (6 * h + 2 * g - 2) * k ** 2 + (4 * h - 4 * g + 6) * k + (2 * h - 6) * harmonicSizes + 4 * h;
  const d = (2 * h + 6) * k ** 2 - 4 * h * k;
  const variance = (a * total ** 3 + b * total ** 2 + c * total + d) / ((total - 1) * (total - 2) * (total - 3));
  const m = k - 1;
  const standardised = (statistic - m) / Math.sqrt(variance);
  const critical = B0.map((value, index) => value + B1[index]! / Math.sqrt(m) + B2[index]! / m);
  if (standardised < Math.min(...critical)) return { statistic: standardised, pvalue: 0.25, pvalueBound: 'capped' };
  if (standardised > Math.max(...critical)) return { statistic: standardised, pvalue: 0.001, pvalueBound: 'floored' };
  const [c2, c1, c0] = quadraticFit(
    critical,
    SIGNIFICANCE.map((value) => Math.log(value)),
  );
  return { statistic: standardised, pvalue: Math.exp((c2 * standardised + c1) * standardised + c0), pvalueBound: null };
}
