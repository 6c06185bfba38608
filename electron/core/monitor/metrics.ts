/**
 * Per-window model metrics for monitors, as scikit-learn defines them so numbers match a notebook:
 * classifiers get accuracy, F1 (binary: the second class is positive; multi-class: macro over the classes seen
 * in labels or predictions) and ROC AUC (binary; macro one-vs-rest for multi-class, as roc_auc_score with
 * multi_class='ovr'); regressors get MAE, RMSE and R². A metric that is undefined on a window (one class only,
 * constant labels) is null with no NaN, so the page can say why instead of drawing a hole.
 */
import type { Probabilities } from './cbpe.js';

/** A classifier's metrics on one window's labelled rows. */
export interface ClassificationMetrics {
  accuracy: number;
  f1: number;
  /** Null when the window's labels hold one class only (AUC is undefined). */
  rocAuc: number | null;
}

/** A regressor's metrics on one window's labelled rows. */
export interface RegressionMetrics {
  mae: number;
  rmse: number;
  /** Null when the window's labels are constant (R² is undefined). */
  r2: number | null;
}

/** The predicted class of a row: the first class of highest probability, as numpy's argmax picks it. */
export function predictedClass(probabilities: Probabilities, row: number): number {
  const { values, classes } = probabilities;
  let best = 0;
  for (let j = 1; j < classes; j++) if (values[row * classes + j]! > values[row * classes + best]!) best = j;
  return best;
}

/** Area under the ROC curve of scores for positives against negatives, ties counted half (midranks). */
export function binaryRocAuc(scores: ArrayLike<number>, positive: ArrayLike<boolean>): number | null {
  const count = scores.length;
  const order = Array.from({ length: count }, (_, index) => index).sort((a, b) => scores[a]! - scores[b]!);
  let positives = 0;
  let rankSum = 0;
  let start = 0;
  while (start < count) {
    let end = start;
    while (end < count && scores[order[end]!] === scores[order[start]!]) end++;
    const midrank = (start + 1 + end) / 2;
    for (let index = start; index < end; index++) {
      if (positive[order[index]!]) {
        positives++;
        rankSum += midrank;
      }
    }
    start = end;
  }
  const negatives = count - positives;
  if (positives === 0 || negatives === 0) return null;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/** Accuracy, F1 and ROC AUC of the rows whose label is known (`labels[row] >= 0`); null when none is. */
export function classificationMetrics(
  probabilities: Probabilities,
  labels: Int32Array,
  rows: ArrayLike<number>,
): ClassificationMetrics | null {
  const classes = probabilities.classes;
  const truth: number[] = [];
  const predicted: number[] = [];
  const used: number[] = [];
  for (let index = 0; index < rows.length; index++) {
    const row = rows[index]!;
    if (labels[row]! < 0) continue;
    truth.push(labels[row]!);
    predicted.push(predictedClass(probabilities, row));
    used.push(row);
  }
  if (truth.length === 0) return null;
  let correct = 0;
  for (let index = 0; index < truth.length; index++) if (truth[index] === predicted[index]) correct++;
  const f1Of = (positive: number) => {
    let truePositive = 0;
    let falsePositive = 0;
    let falseNegative = 0;
    for (let index = 0; index < truth.length; index++) {
      if (predicted[index] === positive && truth[index] === positive) truePositive++;
      else if (predicted[index] === positive) falsePositive++;
      else if (truth[index] === positive) falseNegative++;
    }
    const denominator = 2 * truePositive + falsePositive + falseNegative;
    return denominator === 0 ? 0 : (2 * truePositive) / denominator;
  };
  const scoreOf = (klass: number) => used.map((row) => probabilities.values[row * classes + klass]!);
  let f1: number;
  let rocAuc: number | null;
  if (classes === 2) {
    f1 = f1Of(1);
    rocAuc = binaryRocAuc(
      scoreOf(1),
      truth.map((label) => label === 1),
    );
  } else {
    const seen = [...new Set([...truth, ...predicted])];
    f1 = seen.reduce((sum, klass) => sum + f1Of(klass), 0) / seen.length;
    // One-vs-rest over every class; undefined as soon as one class is absent from the window's labels (sklearn raises).
    const areas = Array.from({ length: classes }, (_, klass) =>
      binaryRocAuc(
        scoreOf(klass),
        truth.map((label) => label === klass),
      ),
    );
    rocAuc = areas.some((area) => area === null) ? null : areas.reduce((sum, area) => sum! + area!, 0)! / classes;
  }
  return { accuracy: correct / truth.length, f1, rocAuc };
}

/** MAE, RMSE and R² of the rows whose label is known (not NaN); null when none is. */
export function regressionMetrics(
  predictions: Float64Array,
  labels: Float64Array,
  rows: ArrayLike<number>,
): RegressionMetrics | null {
  let count = 0;
  let absolute = 0;
  let squared = 0;
  let labelSum = 0;
  for (let index = 0; index < rows.length; index++) {
    const row = rows[index]!;
    const label = labels[row]!;
    const prediction = predictions[row]!;
    if (Number.isNaN(label) || Number.isNaN(prediction)) continue;
    count++;
    absolute += Math.abs(label - prediction);
    squared += (label - prediction) ** 2;
    labelSum += label;
  }
  if (count === 0) return null;
  const mean = labelSum / count;
  let total = 0;
  for (let index = 0; index < rows.length; index++) {
    const row = rows[index]!;
    if (Number.isNaN(labels[row]!) || Number.isNaN(predictions[row]!)) continue;
    total += (labels[row]! - mean) ** 2;
  }
  return { mae: absolute / count, rmse: Math.sqrt(squared / count), r2: total === 0 ? null : 1 - squared / total };
}
