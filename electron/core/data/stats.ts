/**
 * Distribution distances used by dataset diffs (and later by drift reports), following Evidently's
 * stattests (src/evidently/calculations/stattests/): PSI over reference-quantile bins, Wasserstein-1
 * between empirical distributions, Jensen–Shannon distance between category frequencies.
 */

/** Bins with an empty share get this share instead, so PSI stays finite (Evidently uses the same 0.0001). */
export const psiEpsilon = 1e-4;

function shares(counts: readonly number[]): number[] {
  const total = counts.reduce((s, c) => s + c, 0);
  return counts.map((c) => (total > 0 ? c / total : 0));
}

/**
 * Population Stability Index of `actual` against `expected`, both counts over the same bins:
 * Σ (a − e) · ln(a / e) over the bins' shares. Under 0.1: no significant change; over 0.25: a major one.
 */
export function populationStabilityIndex(expected: readonly number[], actual: readonly number[]): number {
  if (expected.length !== actual.length) throw new Error('PSI needs counts over the same bins');
  const e = shares(expected).map((v) => Math.max(v, psiEpsilon));
  const a = shares(actual).map((v) => Math.max(v, psiEpsilon));
  let psi = 0;
  for (let i = 0; i < e.length; i++) psi += (a[i]! - e[i]!) * Math.log(a[i]! / e[i]!);
  return psi;
}

/**
 * Jensen–Shannon distance (the square root of the divergence, base 2, so it lies in [0, 1]) between
 * two frequency vectors over the same categories; equal to scipy.spatial.distance.jensenshannon(p, q, base=2).
 */
export function jensenShannonDistance(p: readonly number[], q: readonly number[]): number {
  if (p.length !== q.length) throw new Error('Jensen–Shannon needs frequencies over the same categories');
  const ps = shares(p);
  const qs = shares(q);
  let divergence = 0;
  for (let i = 0; i < ps.length; i++) {
    const m = (ps[i]! + qs[i]!) / 2;
    if (ps[i]! > 0) divergence += 0.5 * ps[i]! * Math.log2(ps[i]! / m);
    if (qs[i]! > 0) divergence += 0.5 * qs[i]! * Math.log2(qs[i]! / m);
  }
  return Math.sqrt(Math.max(0, divergence));
}

/**
 * Wasserstein-1 distance between two samples given as sorted arrays: the area between their
 * empirical CDFs (as scipy.stats.wasserstein_distance). The diff computes the same integral in SQL;
 * this version serves small in-memory samples and tests.
 */
export function wassersteinSorted(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length === 0 || b.length === 0) return Number.NaN;
  let i = 0;
  let j = 0;
  let distance = 0;
  let previous = Math.min(a[0]!, b[0]!);
  while (i < a.length || j < b.length) {
    const x = j >= b.length || (i < a.length && a[i]! <= b[j]!) ? a[i]! : b[j]!;
    distance += Math.abs(i / a.length - j / b.length) * (x - previous);
    previous = x;
    while (i < a.length && a[i]! === x) i++;
    while (j < b.length && b[j]! === x) j++;
  }
  return distance;
}
