/** Test-split metrics: accuracy, F1, ROC AUC and log loss for classification; RMSE, MAE and R² for regression. */

/** Classification metrics from class indices and probabilities (rows × classes). */
export function classificationMetrics(
  labels: Int32Array,
  probabilities: Float32Array,
  classes: number,
): Record<string, number> {
  const n = labels.length;
  const predicted = argmaxRows(probabilities, classes, n);
  let correct = 0;
  let logLoss = 0;
  for (let i = 0; i < n; i++) {
    if (predicted[i] === labels[i]) correct += 1;
    const p = Math.min(1 - 1e-15, Math.max(1e-15, probabilities[i * classes + labels[i]!]!));
    logLoss -= Math.log(p);
  }
  const f1 =
    classes === 2
      ? f1For(labels, predicted, 1)
      : meanOf(Array.from({ length: classes }, (_, k) => f1For(labels, predicted, k)));
  const auc =
    classes === 2
      ? rocAuc(labels, probabilities, classes, 1)
      : meanOf(
          Array.from({ length: classes }, (_, k) => rocAuc(labels, probabilities, classes, k)).filter(
            (v) => !Number.isNaN(v),
          ),
        );
  return { accuracy: correct / n, f1, roc_auc: auc, log_loss: logLoss / n };
}

/** Regression metrics. */
export function regressionMetrics(
  actual: Float64Array,
  predicted: Float32Array | Float64Array,
): Record<string, number> {
  const n = actual.length;
  let squares = 0;
  let absolute = 0;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += actual[i]!;
  mean /= n;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const e = actual[i]! - predicted[i]!;
    squares += e * e;
    absolute += Math.abs(e);
    total += (actual[i]! - mean) ** 2;
  }
  return { rmse: Math.sqrt(squares / n), mae: absolute / n, r2: total > 0 ? 1 - squares / total : 0 };
}

/** Index of the largest value of each row (first on ties, as ONNX ArgMax does). */
export function argmaxRows(values: Float32Array, width: number, rows: number): Int32Array {
  const out = new Int32Array(rows);
  for (let i = 0; i < rows; i++) {
    let best = 0;
    for (let k = 1; k < width; k++) if (values[i * width + k]! > values[i * width + best]!) best = k;
    out[i] = best;
  }
  return out;
}

/** The confusion matrix: counts[actual][predicted]. */
export function confusionMatrix(labels: Int32Array, probabilities: Float32Array, classes: number): number[][] {
  const predicted = argmaxRows(probabilities, classes, labels.length);
  const counts = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  for (let i = 0; i < labels.length; i++) counts[labels[i]!]![predicted[i]!]! += 1;
  return counts;
}

function f1For(labels: Int32Array, predicted: Int32Array, positive: number): number {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (let i = 0; i < labels.length; i++) {
    if (predicted[i] === positive && labels[i] === positive) tp += 1;
    else if (predicted[i] === positive) fp += 1;
    else if (labels[i] === positive) fn += 1;
  }
  return tp === 0 ? 0 : (2 * tp) / (2 * tp + fp + fn);
}

/** One-vs-rest ROC AUC for class `positive` by the rank-sum formula, with ties given half credit. */
function rocAuc(labels: Int32Array, probabilities: Float32Array, classes: number, positive: number): number {
  const n = labels.length;
  const order = Array.from({ length: n }, (_, i) => i).sort(
    (a, b) => probabilities[a * classes + positive]! - probabilities[b * classes + positive]!,
  );
  let positives = 0;
  let rankSum = 0;
  for (let start = 0; start < n;) {
    let end = start;
    const score = probabilities[order[start]! * classes + positive]!;
    while (end + 1 < n && probabilities[order[end + 1]! * classes + positive]! === score) end += 1;
    const averageRank = (start + end) / 2 + 1;
    for (let k = start; k <= end; k++) {
      if (labels[order[k]!] === positive) {
        positives += 1;
        rankSum += averageRank;
      }
    }
    start = end + 1;
  }
  const negatives = n - positives;
  if (positives === 0 || negatives === 0) return NaN;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

function meanOf(values: number[]): number {
  return values.length === 0 ? NaN : values.reduce((a, b) => a + b, 0) / values.length;
}
