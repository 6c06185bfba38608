/**
 * The model page's evaluation maths on a classifier's stored test split (`test_predictions.json`): ROC and
 * precision–recall curves one-vs-rest for a chosen positive class, the confusion counts and rates at a
 * threshold, and permutation-importance bars that keep their sign (a feature whose shuffling helps is a
 * negative bar, not a positive one) with rounding noise shown as 0.
 */

/** The stored test split: class names, one class index and one probability row per test row. */
export interface TestPredictions {
  format: 'lathe-test-predictions/1';
  classes: string[];
  testRows: number;
  labels: number[];
  probabilities: number[][];
}

/** Scores for "is `positive`" and whether each row really is. */
export interface BinaryScores {
  scores: number[];
  positives: boolean[];
}

/** One-vs-rest scores of the class at index `positive`. */
export function binaryScores(data: TestPredictions, positive: number): BinaryScores {
  return {
    scores: data.probabilities.map((row) => row[positive] ?? 0),
    positives: data.labels.map((label) => label === positive),
  };
}

/** One point of a curve, with the threshold that gives it. */
export interface CurvePoint {
  x: number;
  y: number;
  threshold: number;
}

/** Points sorted by descending score; ties form one step (no point between equal scores). */
function sweep(
  { scores, positives }: BinaryScores,
  visit: (truePositives: number, falsePositives: number, threshold: number) => void,
): { positives: number; negatives: number } {
  const order = scores.map((_, i) => i).sort((a, b) => scores[b]! - scores[a]!);
  const totalPositives = positives.filter(Boolean).length;
  let tp = 0;
  let fp = 0;
  for (let k = 0; k < order.length; k++) {
    const i = order[k]!;
    if (positives[i]) tp++;
    else fp++;
    const next = order[k + 1];
    if (next === undefined || scores[next] !== scores[i]) visit(tp, fp, scores[i]!);
  }
  return { positives: totalPositives, negatives: scores.length - totalPositives };
}

/** The ROC curve (x false positive rate, y true positive rate) from (0,0) to (1,1), and its area. */
export function rocCurve(data: BinaryScores): { points: CurvePoint[]; auc: number } {
  const raw: [number, number, number][] = [];
  const totals = sweep(data, (tp, fp, threshold) => raw.push([tp, fp, threshold]));
  const points: CurvePoint[] = [{ x: 0, y: 0, threshold: Infinity }];
  for (const [tp, fp, threshold] of raw)
    points.push({
      x: totals.negatives ? fp / totals.negatives : 0,
      y: totals.positives ? tp / totals.positives : 0,
      threshold,
    });
  let auc = 0;
  for (let k = 1; k < points.length; k++)
    auc += (points[k]!.x - points[k - 1]!.x) * ((points[k]!.y + points[k - 1]!.y) / 2);
  return { points, auc };
}

/** The precision–recall curve (x recall, y precision) and its average precision (step-wise area). */
export function precisionRecallCurve(data: BinaryScores): { points: CurvePoint[]; averagePrecision: number } {
  const raw: [number, number, number][] = [];
  const totals = sweep(data, (tp, fp, threshold) => raw.push([tp, fp, threshold]));
  const points: CurvePoint[] = [];
  let averagePrecision = 0;
  let previousRecall = 0;
  for (const [tp, fp, threshold] of raw) {
    const recall = totals.positives ? tp / totals.positives : 0;
    const precision = tp + fp > 0 ? tp / (tp + fp) : 1;
    averagePrecision += (recall - previousRecall) * precision;
    previousRecall = recall;
    points.push({ x: recall, y: precision, threshold });
  }
  if (points.length > 0) points.unshift({ x: 0, y: points[0]!.y, threshold: Infinity });
  return { points, averagePrecision };
}

/** Confusion counts and rates when "positive" means score ≥ threshold. */
export interface ThresholdConfusion {
  truePositives: number;
  falsePositives: number;
  trueNegatives: number;
  falseNegatives: number;
  /** Recall, sensitivity. */
  truePositiveRate: number;
  falsePositiveRate: number;
  trueNegativeRate: number;
  falseNegativeRate: number;
  precision: number;
  accuracy: number;
}

/** The 2×2 confusion matrix at `threshold`. */
export function confusionAt({ scores, positives }: BinaryScores, threshold: number): ThresholdConfusion {
  let tp = 0;
  let fp = 0;
  let tn = 0;
  let fn = 0;
  scores.forEach((score, i) => {
    const predicted = score >= threshold;
    if (positives[i]) {
      if (predicted) tp++;
      else fn++;
    } else if (predicted) fp++;
    else tn++;
  });
  const rate = (a: number, b: number) => (a + b > 0 ? a / (a + b) : 0);
  return {
    truePositives: tp,
    falsePositives: fp,
    trueNegatives: tn,
    falseNegatives: fn,
    truePositiveRate: rate(tp, fn),
    falsePositiveRate: rate(fp, tn),
    trueNegativeRate: rate(tn, fp),
    falseNegativeRate: rate(fn, tp),
    precision: rate(tp, fp),
    accuracy: rate(tp + tn, fp + fn),
  };
}

/** One permutation-importance bar: its value (noise shown as 0), sign and share of the widest bar. */
export interface ImportanceBar {
  feature: string;
  value: number;
  sign: -1 | 0 | 1;
  fraction: number;
}

/** Bars that keep their sign; |value| below 1e-9 is rounding noise and is 0. */
export function importanceBars(items: { feature: string; importance: number }[]): ImportanceBar[] {
  const values = items.map((i) => ({ feature: i.feature, value: Math.abs(i.importance) < 1e-9 ? 0 : i.importance }));
  const widest = Math.max(0, ...values.map((v) => Math.abs(v.value)));
  return values.map(({ feature, value }) => ({
    feature,
    value,
    sign: value > 0 ? 1 : value < 0 ? -1 : 0,
    fraction: widest > 0 ? Math.abs(value) / widest : 0,
  }));
}
