/**
 * One column's drift: which test applies (Evidently's defaults, or the user's choice), the statistic,
 * the verdict, and the shares drawn in the drift view. Pure code on typed columns, so it runs in the
 * drift worker and in unit tests alike. Bad input becomes a verdict with a sentence, never a NaN.
 */
import type { ColumnDrift, DriftColumnKind, DriftDistribution, DriftTest } from '../../../shared/contract/index.js';
import { ksTwoSampleSorted, sortedFinite } from './stats/ks.js';
import {
  andersonDarlingTwoSample,
  chiSquareTest,
  jensenShannonDistance,
  kullbackLeibler,
  populationStabilityIndex,
  twoProportionZTest,
  wassersteinSorted,
} from './stats/distances.js';

/** A column's values as the readers hand them over: numbers (NaN = missing) or strings (null = missing). */
export type DriftValues = Float64Array | (string | null)[];

/** Everything needed to test one column. */
export interface ColumnDriftInput {
  column: string;
  referenceType: string;
  currentType: string;
  reference: DriftValues;
  /** The reference's finite values already sorted (a monitor tests many windows against one reference). */
  referenceSorted?: Float64Array;
  current: DriftValues;
  test?: DriftTest;
  threshold?: number;
  /** Largest number of bins in the stored histogram. */
  histogramBins?: number;
}

/** Tests whose statistic is a p-value (drift when below the threshold). */
export const pvalueTests: ReadonlySet<DriftTest> = new Set(['ks', 'chisquare', 'z', 'anderson']);
const numericOnlyTests: ReadonlySet<DriftTest> = new Set(['ks', 'wasserstein', 'anderson']);
const numericTypes = new Set(['integer', 'float', 'boolean']);
/** Evidently's reference size up to which p-value tests are the default. */
export const smallReferenceRows = 1000;
const SEVERITY_CAP = 1000;
/** A text column with at least this many present reference values, ... */
export const freeTextMinimumValues = 50;
/** ... and at least this share of them distinct, is free text (ids, notes): not tested as categorical. */
export const freeTextDistinctShare = 0.9;
const CATEGORY_BARS = 20;

/** The default threshold of a test: 0.05 for p-values, 0.1 for distances. */
export function defaultThreshold(test: DriftTest): number {
  return pvalueTests.has(test) ? 0.05 : 0.1;
}

/** Evidently's default test for a column kind and reference size. */
export function defaultTest(kind: DriftColumnKind, referenceRows: number): DriftTest {
  if (referenceRows <= smallReferenceRows) return kind === 'numeric' ? 'ks' : kind === 'binary' ? 'z' : 'chisquare';
  return kind === 'numeric' ? 'wasserstein' : 'jensenshannon';
}

function isNumeric(values: DriftValues): values is Float64Array {
  return values instanceof Float64Array;
}

function finiteStrings(values: (string | null)[]): string[] {
  return values.filter((value): value is string => value !== null);
}

// Distinct values of both sets together, stopping once more than `limit` are seen.
function distinctUpTo(reference: Float64Array, current: Float64Array, limit: number): number {
  const seen = new Set<number>();
  for (const values of [reference, current]) {
    for (let index = 0; index < values.length; index++) {
      seen.add(values[index]!);
      if (seen.size > limit) return seen.size;
    }
  }
  return seen.size;
}

function counts(values: Iterable<string>): Map<string, number> {
  const out = new Map<string, number>();
  for (const value of values) out.set(value, (out.get(value) ?? 0) + 1);
  return out;
}

function sortedNumberCounts(sorted: Float64Array): Map<string, number> {
  const out = new Map<string, number>();
  let start = 0;
  while (start < sorted.length) {
    let end = start;
    while (end < sorted.length && sorted[end] === sorted[start]) end++;
    out.set(String(sorted[start]), end - start);
    start = end;
  }
  return out;
}

// Union of the categories, current set first then reference, as Evidently lists them.
function unionKeys(reference: Map<string, number>, current: Map<string, number>): string[] {
  const keys = new Set<string>([...current.keys(), ...reference.keys()]);
  return [...keys];
}

function populationStd(sorted: Float64Array): number {
  let mean = 0;
  for (let index = 0; index < sorted.length; index++) mean += sorted[index]!;
  mean /= sorted.length;
  let sum = 0;
  for (let index = 0; index < sorted.length; index++) sum += (sorted[index]! - mean) ** 2;
  return Math.sqrt(sum / sorted.length);
}

/** numpy.histogram counts of sorted values over equal-width edges (the last bin includes its right edge). */
export function histogramCounts(sorted: Float64Array, edges: number[]): number[] {
  const bins = edges.length - 1;
  const out = new Array<number>(bins).fill(0);
  let bin = 0;
  for (let index = 0; index < sorted.length; index++) {
    const value = sorted[index]!;
    if (value < edges[0]! || value > edges[bins]!) continue;
    while (bin < bins - 1 && value >= edges[bin + 1]!) bin++;
    out[bin]!++;
  }
  return out;
}

/** numpy.linspace(start, stop, bins + 1), with numpy's handling of an empty range. */
export function equalWidthEdges(minimum: number, maximum: number, bins: number): number[] {
  let first = minimum;
  let last = maximum;
  if (first === last) {
    first -= 0.5;
    last += 0.5;
  }
  const step = (last - first) / bins;
  const edges: number[] = [];
  for (let index = 0; index < bins; index++) edges.push(first + index * step);
  edges.push(last);
  return edges;
}

// Evidently's get_binned_data: shares per sqrt-rule bin (numeric, > 20 distinct reference values) or per
// category, zeros replaced by a small share so logs stay finite.
function binnedShares(
  reference: { sorted: Float64Array } | { counts: Map<string, number>; total: number },
  current: { sorted: Float64Array } | { counts: Map<string, number>; total: number },
): { reference: number[]; current: number[] } {
  let referenceShares: number[];
  let currentShares: number[];
  if ('sorted' in reference && 'sorted' in current) {
    const referenceSorted = reference.sorted;
    const currentSorted = current.sorted;
    const total = referenceSorted.length + currentSorted.length;
    const minimum = Math.min(referenceSorted[0]!, currentSorted[0]!);
    const maximum = Math.max(referenceSorted[referenceSorted.length - 1]!, currentSorted[currentSorted.length - 1]!);
    const edges = equalWidthEdges(minimum, maximum, Math.ceil(Math.sqrt(total)));
    referenceShares = histogramCounts(referenceSorted, edges).map((count) => count / referenceSorted.length);
    currentShares = histogramCounts(currentSorted, edges).map((count) => count / currentSorted.length);
  } else {
    const r = reference as { counts: Map<string, number>; total: number };
    const c = current as { counts: Map<string, number>; total: number };
    const keys = unionKeys(r.counts, c.counts);
    referenceShares = keys.map((key) => (r.counts.get(key) ?? 0) / r.total);
    currentShares = keys.map((key) => (c.counts.get(key) ?? 0) / c.total);
  }
  return { reference: fillZeros(referenceShares), current: fillZeros(currentShares) };
}

function fillZeros(shares: number[]): number[] {
  const positive = shares.filter((share) => share !== 0);
  if (positive.length === 0) return shares;
  const smallest = Math.min(...positive);
  const fill = smallest <= 0.0001 ? smallest / 10 ** 6 : 0.0001;
  return shares.map((share) => (share === 0 ? fill : share));
}

function severityOf(test: DriftTest, statistic: number, pvalue: number | null, threshold: number): number {
  if (pvalueTests.has(test)) {
    const p = pvalue ?? 1;
    if (p <= 0) return SEVERITY_CAP;
    if (p >= 1) return 0;
    return Math.min(SEVERITY_CAP, Math.log(p) / Math.log(threshold));
  }
  if (!Number.isFinite(statistic)) return SEVERITY_CAP;
  return Math.min(SEVERITY_CAP, statistic / threshold);
}

function numericDistribution(reference: Float64Array, current: Float64Array, bins: number): DriftDistribution {
  const minimum = Math.min(reference[0]!, current[0]!);
  const maximum = Math.max(reference[reference.length - 1]!, current[current.length - 1]!);
  const edges = equalWidthEdges(minimum, maximum, bins);
  return {
    kind: 'histogram',
    edges,
    reference: histogramCounts(reference, edges).map((count) => count / reference.length),
    current: histogramCounts(current, edges).map((count) => count / current.length),
  };
}

function categoryDistribution(
  reference: Map<string, number>,
  referenceTotal: number,
  current: Map<string, number>,
  currentTotal: number,
): DriftDistribution {
  const keys = unionKeys(reference, current).sort(
    (a, b) =>
      (current.get(b) ?? 0) / currentTotal +
      (reference.get(b) ?? 0) / referenceTotal -
      ((current.get(a) ?? 0) / currentTotal + (reference.get(a) ?? 0) / referenceTotal),
  );
  const shown = keys.slice(0, CATEGORY_BARS);
  const referenceShares = shown.map((key) => (reference.get(key) ?? 0) / referenceTotal);
  const currentShares = shown.map((key) => (current.get(key) ?? 0) / currentTotal);
  if (keys.length > CATEGORY_BARS) {
    shown.push(`(${keys.length - CATEGORY_BARS} more)`);
    referenceShares.push(1 - referenceShares.reduce((sum, share) => sum + share, 0));
    currentShares.push(1 - currentShares.reduce((sum, share) => sum + share, 0));
  }
  return { kind: 'categories', categories: shown, reference: referenceShares, current: currentShares };
}

function untested(
  input: ColumnDriftInput,
  verdict: ColumnDrift['verdict'],
  note: string,
  missing: { reference: number; current: number },
  kind: DriftColumnKind | null = null,
  test: DriftTest | null = null,
): ColumnDrift {
  return {
    column: input.column,
    kind,
    referenceType: input.referenceType,
    currentType: input.currentType,
    test,
    thresholdKind: null,
    statistic: null,
    pvalue: null,
    threshold: null,
    verdict,
    severity: 0,
    note,
    referenceMissing: missing.reference,
    currentMissing: missing.current,
    newCategories: [],
    distribution: null,
  };
}

function missingCount(values: DriftValues): number {
  let count = 0;
  if (isNumeric(values)) {
    for (let index = 0; index < values.length; index++) if (Number.isNaN(values[index]!)) count++;
  } else for (const value of values) if (value === null) count++;
  return count;
}

/** Tests one column of the reference against the same column of the current set. */
export function columnDrift(input: ColumnDriftInput, referenceRows: number): ColumnDrift {
  const missing = { reference: missingCount(input.reference), current: missingCount(input.current) };
  const referenceNumeric = numericTypes.has(input.referenceType);
  const currentNumeric = numericTypes.has(input.currentType);
  if (input.referenceType === 'datetime' || input.currentType === 'datetime')
    return untested(input, 'not_tested', 'datetime columns are not tested for drift', missing);
  if (referenceNumeric !== currentNumeric || isNumeric(input.reference) !== isNumeric(input.current))
    return untested(
      input,
      'type_mismatch',
      `the column is ${input.referenceType} in the reference but ${input.currentType} in the current set`,
      missing,
    );
  const referencePresent = input.reference.length - missing.reference;
  const currentPresent = input.current.length - missing.current;
  if (referencePresent === 0 || currentPresent === 0) {
    const where =
      referencePresent === 0 && currentPresent === 0
        ? 'both sets'
        : referencePresent === 0
          ? 'the reference'
          : 'the current set';
    return untested(input, 'no_values', `every value is missing in ${where}`, missing);
  }

  let kind: DriftColumnKind;
  let referenceSorted: Float64Array | null = null;
  let currentSorted: Float64Array | null = null;
  let referenceCounts: Map<string, number>;
  let currentCounts: Map<string, number>;
  if (isNumeric(input.reference) && isNumeric(input.current)) {
    referenceSorted = input.referenceSorted ?? sortedFinite(input.reference);
    currentSorted = sortedFinite(input.current);
    const distinct = distinctUpTo(referenceSorted, currentSorted, 5);
    kind = distinct <= 2 ? 'binary' : distinct <= 5 ? 'categorical' : 'numeric';
    referenceCounts = kind === 'numeric' ? new Map() : sortedNumberCounts(referenceSorted);
    currentCounts = kind === 'numeric' ? new Map() : sortedNumberCounts(currentSorted);
  } else {
    referenceCounts = counts(finiteStrings(input.reference as (string | null)[]));
    currentCounts = counts(finiteStrings(input.current as (string | null)[]));
    const distinct = new Set([...referenceCounts.keys(), ...currentCounts.keys()]).size;
    kind = distinct <= 2 ? 'binary' : 'categorical';
    // Nearly every value distinct (notes, ids): a chi-square over thousands of one-row categories says nothing.
    if (
      input.test === undefined &&
      referencePresent >= freeTextMinimumValues &&
      referenceCounts.size >= freeTextDistinctShare * referencePresent
    )
      return untested(
        input,
        'not_tested',
        `free text: ${referenceCounts.size} of ${referencePresent} reference values are distinct, so it is not tested as categories (choose a test to force one)`,
        missing,
      );
  }
  const test = input.test ?? defaultTest(kind, referenceRows);
  const threshold = input.threshold ?? defaultThreshold(test);
  if (numericOnlyTests.has(test) && !referenceSorted)
    return untested(input, 'not_tested', `${test} needs numeric values; this column holds text`, missing, kind, test);
  const newCategories =
    kind === 'numeric' ? [] : [...currentCounts.keys()].filter((key) => !referenceCounts.has(key)).slice(0, 20);
  const categorySides = () => ({
    reference: {
      counts: referenceCounts.size ? referenceCounts : sortedNumberCounts(referenceSorted!),
      total: referencePresent,
    },
    current: { counts: currentCounts.size ? currentCounts : sortedNumberCounts(currentSorted!), total: currentPresent },
  });

  let statistic: number;
  let pvalue: number | null = null;
  let note: string | null = null;
  switch (test) {
    case 'ks': {
      const result = ksTwoSampleSorted(referenceSorted!, currentSorted!);
      statistic = result.statistic;
      pvalue = result.pvalue;
      break;
    }
    case 'anderson': {
      const result = andersonDarlingTwoSample(referenceSorted!, currentSorted!);
      statistic = result.statistic;
      pvalue = result.pvalue;
      if (result.pvalueBound === 'capped') note = 'p-value capped at 0.25 (true value larger), as scipy does';
      if (result.pvalueBound === 'floored') note = 'p-value floored at 0.001 (true value smaller), as scipy does';
      break;
    }
    case 'wasserstein': {
      const scale = Math.max(populationStd(referenceSorted!), 0.001);
      statistic = wassersteinSorted(referenceSorted!, currentSorted!) / scale;
      break;
    }
    case 'chisquare': {
      const { reference, current } = categorySides();
      const keys = unionKeys(reference.counts, current.counts);
      if (keys.length < 2) {
        statistic = 0;
        pvalue = 1;
        note = 'one value in both sets';
        break;
      }
      const ratio = current.total / reference.total;
      const result = chiSquareTest(
        keys.map((key) => current.counts.get(key) ?? 0),
        keys.map((key) => (reference.counts.get(key) ?? 0) * ratio),
      );
      statistic = result.statistic;
      pvalue = result.pvalue;
      break;
    }
    case 'z': {
      const { reference, current } = categorySides();
      const keys = unionKeys(reference.counts, current.counts);
      if (keys.length > 2)
        return untested(
          input,
          'not_tested',
          `the Z-test needs two values; this column has ${keys.length}`,
          missing,
          kind,
          test,
        );
      if (keys.length < 2) {
        statistic = 0;
        pvalue = 1;
        note = 'one value in both sets';
        break;
      }
      const other = keys[1]!;
      const result = twoProportionZTest(
        reference.total,
        reference.counts.get(other) ?? 0,
        current.total,
        current.counts.get(other) ?? 0,
      );
      statistic = result.statistic;
      pvalue = result.pvalue;
      break;
    }
    case 'jensenshannon':
    case 'psi':
    case 'kl': {
      const useHistogram =
        kind === 'numeric' && referenceSorted !== null && distinctUpTo(referenceSorted, new Float64Array(), 20) > 20;
      const shares = useHistogram
        ? binnedShares({ sorted: referenceSorted! }, { sorted: currentSorted! })
        : binnedShares(categorySides().reference, categorySides().current);
      statistic =
        test === 'jensenshannon'
          ? jensenShannonDistance(shares.reference, shares.current)
          : test === 'psi'
            ? populationStabilityIndex(shares.reference, shares.current)
            : kullbackLeibler(shares.reference, shares.current);
      break;
    }
  }
  if (Number.isNaN(statistic) || (pvalue !== null && Number.isNaN(pvalue)))
    return untested(input, 'not_tested', `${test} gives no result on these values`, missing, kind, test);
  const isPvalue = pvalueTests.has(test);
  const drifted = isPvalue ? (pvalue ?? 1) < threshold : statistic >= threshold;
  if (newCategories.length > 0) {
    const listed = newCategories.slice(0, 5).join(', ');
    note = `${note ? note + '; ' : ''}values only in the current set: ${listed}${newCategories.length > 5 ? ', …' : ''}`;
  }
  const distribution =
    kind === 'numeric'
      ? numericDistribution(referenceSorted!, currentSorted!, input.histogramBins ?? 30)
      : categoryDistribution(referenceCounts, referencePresent, currentCounts, currentPresent);
  const constant =
    referenceSorted && referenceSorted[0] === referenceSorted[referenceSorted.length - 1]
      ? 'the reference is constant'
      : null;
  if (constant && !note) note = constant;
  return {
    column: input.column,
    kind,
    referenceType: input.referenceType,
    currentType: input.currentType,
    test,
    thresholdKind: isPvalue ? 'pvalue' : 'distance',
    statistic: Number.isFinite(statistic) ? statistic : 'inf',
    pvalue,
    threshold,
    verdict: drifted ? 'drift' : 'no_drift',
    severity: severityOf(test, statistic, pvalue, threshold),
    note,
    referenceMissing: missing.reference,
    currentMissing: missing.current,
    newCategories,
    distribution,
  };
}

/** Most drifted first: drifting columns by severity, then the others by severity, untested last. */
export function bySeverity(a: ColumnDrift, b: ColumnDrift): number {
  const rank = (column: ColumnDrift) => (column.verdict === 'drift' ? 0 : column.verdict === 'no_drift' ? 1 : 2);
  return rank(a) - rank(b) || b.severity - a.severity || a.column.localeCompare(b.column);
}
