/**
 * Confidence-based performance estimation (CBPE, as NannyML does it): the classifier's probabilities are
 * calibrated on the reference (isotonic regression per class, one-vs-rest, rows renormalised), and the
 * expected accuracy of a window without labels is the mean calibrated probability of the predicted class.
 * The band is NannyML's sampling error: the reference's per-row correctness std over √(window rows), ±3σ.
 */

/** A fitted isotonic step function: increasing thresholds and their values, interpolated between. */
export interface IsotonicFit {
  x: Float64Array;
  y: Float64Array;
}

/** Isotonic (increasing) regression of `target` on `score` by pool-adjacent-violators, as sklearn fits it. */
export function fitIsotonic(score: ArrayLike<number>, target: ArrayLike<number>): IsotonicFit {
  const order = Array.from({ length: score.length }, (_, index) => index).sort(
    (a, b) => score[a]! - score[b]! || target[a]! - target[b]!,
  );
  // Equal scores are pooled first (sklearn averages targets of tied x).
  const xs: number[] = [];
  const sums: number[] = [];
  const weights: number[] = [];
  for (const index of order) {
    const x = score[index]!;
    if (xs.length && xs[xs.length - 1] === x) {
      sums[sums.length - 1]! += target[index]!;
      weights[weights.length - 1]!++;
    } else {
      xs.push(x);
      sums.push(target[index]!);
      weights.push(1);
    }
  }
  // Pool adjacent violators over blocks.
  const blockValue: number[] = [];
  const blockWeight: number[] = [];
  const blockStart: number[] = [];
  for (let index = 0; index < xs.length; index++) {
    blockValue.push(sums[index]! / weights[index]!);
    blockWeight.push(weights[index]!);
    blockStart.push(index);
    while (blockValue.length > 1 && blockValue[blockValue.length - 2]! > blockValue[blockValue.length - 1]!) {
      const value = blockValue.pop()!;
      const weight = blockWeight.pop()!;
      blockStart.pop();
      const last = blockValue.length - 1;
      blockValue[last] = (blockValue[last]! * blockWeight[last]! + value * weight) / (blockWeight[last]! + weight);
      blockWeight[last]! += weight;
    }
  }
  const y = new Float64Array(xs.length);
  for (let block = 0; block < blockValue.length; block++) {
    const end = block + 1 < blockStart.length ? blockStart[block + 1]! : xs.length;
    for (let index = blockStart[block]!; index < end; index++) y[index] = blockValue[block]!;
  }
  return { x: Float64Array.from(xs), y };
}

/** The fitted function at `value`: linear between thresholds, clipped outside them (sklearn's out_of_bounds='clip'). */
export function applyIsotonic(fit: IsotonicFit, value: number): number {
  const { x, y } = fit;
  if (x.length === 0) return value;
  if (value <= x[0]!) return y[0]!;
  if (value >= x[x.length - 1]!) return y[y.length - 1]!;
  let low = 0;
  let high = x.length - 1;
  while (high - low > 1) {
    const middle = (low + high) >> 1;
    if (x[middle]! <= value) low = middle;
    else high = middle;
  }
  const span = x[high]! - x[low]!;
  return span === 0 ? y[high]! : y[low]! + ((value - x[low]!) / span) * (y[high]! - y[low]!);
}

/** A CBPE estimator fitted on the reference. */
export interface CbpeModel {
  calibrators: IsotonicFit[];
  /** Standard deviation of per-row correctness on the reference (for the sampling error). */
  referenceStd: number;
  referenceAccuracy: number;
}

/** Row-major probabilities: `probabilities[row * classes + class]`. */
export interface Probabilities {
  values: Float64Array;
  classes: number;
}

function argmax(probabilities: Probabilities, row: number): number {
  let best = 0;
  for (let j = 1; j < probabilities.classes; j++) {
    if (
      probabilities.values[row * probabilities.classes + j]! > probabilities.values[row * probabilities.classes + best]!
    )
      best = j;
  }
  return best;
}

/** Fits calibration on the reference: `labels[row]` is the true class index (or -1 when unknown). */
export function fitCbpe(probabilities: Probabilities, labels: Int32Array): CbpeModel {
  const rows = labels.length;
  const known = Array.from({ length: rows }, (_, row) => row).filter((row) => labels[row]! >= 0);
  if (known.length === 0) throw new Error('CBPE needs labelled reference rows');
  const calibrators: IsotonicFit[] = [];
  for (let j = 0; j < probabilities.classes; j++) {
    calibrators.push(
      fitIsotonic(
        known.map((row) => probabilities.values[row * probabilities.classes + j]!),
        known.map((row) => (labels[row] === j ? 1 : 0)),
      ),
    );
  }
  let correct = 0;
  for (const row of known) if (argmax(probabilities, row) === labels[row]) correct++;
  const accuracy = correct / known.length;
  return { calibrators, referenceStd: Math.sqrt(accuracy * (1 - accuracy)), referenceAccuracy: accuracy };
}

/** Estimated accuracy of the given rows, its ±3σ band, and (when labels are known) the realised accuracy. */
export function estimateAccuracy(
  model: CbpeModel,
  probabilities: Probabilities,
  rows: ArrayLike<number>,
  labels?: Int32Array,
): { estimated: number; lower: number; upper: number; realised: number | null } {
  const classes = probabilities.classes;
  let expected = 0;
  let correct = 0;
  let labelled = 0;
  for (let index = 0; index < rows.length; index++) {
    const row = rows[index]!;
    let total = 0;
    const calibrated = new Float64Array(classes);
    for (let j = 0; j < classes; j++) {
      calibrated[j] = applyIsotonic(model.calibrators[j]!, probabilities.values[row * classes + j]!);
      total += calibrated[j]!;
    }
    const predicted = argmax(probabilities, row);
    expected += total > 0 ? calibrated[predicted]! / total : 1 / classes;
    if (labels && labels[row]! >= 0) {
      labelled++;
      if (labels[row] === predicted) correct++;
    }
  }
  const estimated = expected / rows.length;
  const samplingError = model.referenceStd / Math.sqrt(rows.length);
  return {
    estimated,
    lower: Math.max(0, estimated - 3 * samplingError),
    upper: Math.min(1, estimated + 3 * samplingError),
    realised: labelled > 0 ? correct / labelled : null,
  };
}
