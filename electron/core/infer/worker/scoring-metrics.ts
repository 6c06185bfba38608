/**
 * Metrics of a batch prediction computed on the way through, when the scored table has the label column:
 * accuracy (and, for two classes, precision, recall and F1 of the second class; log loss when the model
 * gives probabilities) for a classifier, RMSE, MAE and R² for a regressor. Sums are kept batch by batch so
 * memory does not grow with the table; rows whose label is missing (or an unknown class) are not counted.
 */
import type { WireTensor } from '../score-protocol.js';

/** What the accumulator needs to know about the model. */
export interface MetricsSpec {
  task: 'classification' | 'regression';
  /** Class names in the model's order (a classifier's `probabilities` columns). */
  classes: readonly string[] | null;
}

/** The metrics of one prediction, and how many rows had a label. */
export interface ScoringMetrics {
  labeledRows: number;
  metrics: Record<string, number>;
}

type Outputs = Record<string, WireTensor | { dims?: readonly number[]; data?: unknown }>;

/** Streams (truth, prediction) pairs batch by batch into the sums the metrics need. */
export class MetricsAccumulator {
  private labeled = 0;
  private correct = 0;
  private logLossSum = 0;
  private probabilityRows = 0;
  private truePositive = 0;
  private falsePositive = 0;
  private falseNegative = 0;
  private absoluteSum = 0;
  private squaredSum = 0;
  private truthSum = 0;
  private truthSquaredSum = 0;
  private readonly classIndex: Map<string, number>;

  constructor(private readonly spec: MetricsSpec) {
    this.classIndex = new Map((spec.classes ?? []).map((c, i) => [c, i]));
  }

  /** Adds one batch: `truth` is the label column, `outputs` the model's outputs for the same `rows`. */
  add(truth: Float64Array | (string | null)[], outputs: Outputs, rows: number): void {
    if (this.spec.task === 'regression') this.addRegression(truth, outputs, rows);
    else this.addClassification(truth, outputs, rows);
  }

  private addRegression(truth: Float64Array | (string | null)[], outputs: Outputs, rows: number): void {
    const tensor = (outputs.value ?? Object.values(outputs)[0]) as WireTensor | undefined;
    if (!tensor || !('dims' in tensor)) return;
    const predicted = tensor.data as ArrayLike<number>;
    const width = rows === 0 ? 1 : predicted.length / rows;
    for (let i = 0; i < rows; i++) {
      const y = typeof truth[i] === 'number' ? (truth[i] as number) : Number(truth[i] ?? NaN);
      const p = Number(predicted[i * width]);
      if (!Number.isFinite(y) || !Number.isFinite(p)) continue;
      const error = p - y;
      this.labeled++;
      this.absoluteSum += Math.abs(error);
      this.squaredSum += error * error;
      this.truthSum += y;
      this.truthSquaredSum += y * y;
    }
  }

  private addClassification(truth: Float64Array | (string | null)[], outputs: Outputs, rows: number): void {
    const classes = this.spec.classes ?? [];
    const probabilities = outputs.probabilities as WireTensor | undefined;
    const label = outputs.label as WireTensor | undefined;
    const width = classes.length;
    const probabilityData =
      probabilities && 'dims' in probabilities && width > 0 && probabilities.data.length === rows * width
        ? (probabilities.data as ArrayLike<number>)
        : null;
    const labelData = label && 'dims' in label ? (label.data as ArrayLike<number | bigint | string>) : null;
    if (!probabilityData && !labelData) return;
    // Numeric labels (0/1) name classes "0"/"1": one string per row only for that case, the model's class order.
    const numericTruth = truth instanceof Float64Array;
    for (let i = 0; i < rows; i++) {
      const value = truth[i];
      if (value === null || value === undefined || (numericTruth && Number.isNaN(value as number))) continue;
      const actual = this.classOf(value);
      let predicted: number | undefined;
      if (probabilityData) {
        let best = 0;
        for (let k = 1; k < width; k++)
          if (probabilityData[i * width + k]! > probabilityData[i * width + best]!) best = k;
        predicted = best;
      }
      if (actual === undefined) {
        // A class the model has never seen can only be wrong, but counts as a labeled row for accuracy.
        if (classes.length > 0) {
          this.labeled++;
          continue;
        }
        // No class list (an imported model): compare the label output to the truth as text.
        if (!labelData) continue;
        this.labeled++;
        if (String(labelData[i]) === String(value)) this.correct++;
        continue;
      }
      if (predicted === undefined && labelData) predicted = this.classIndex.get(String(labelData[i]));
      this.labeled++;
      if (predicted === actual) this.correct++;
      if (probabilityData) {
        this.logLossSum -= Math.log(Math.min(1, Math.max(1e-15, probabilityData[i * width + actual]!)));
        this.probabilityRows++;
      }
      if (classes.length === 2) {
        if (predicted === 1 && actual === 1) this.truePositive++;
        else if (predicted === 1) this.falsePositive++;
        else if (actual === 1) this.falseNegative++;
      }
    }
  }

  /** The class index of a label value; a boolean column reads as 0/1 while its classes are false/true. */
  private classOf(value: number | string): number | undefined {
    const index = this.classIndex.get(String(value));
    if (index !== undefined || typeof value !== 'number') return index;
    return value === 1 ? this.classIndex.get('true') : value === 0 ? this.classIndex.get('false') : undefined;
  }

  /** The metrics so far; null when no row had a label. */
  result(): ScoringMetrics | null {
    const n = this.labeled;
    if (n === 0) return null;
    if (this.spec.task === 'regression') {
      const variance = this.truthSquaredSum - (this.truthSum * this.truthSum) / n;
      const metrics: Record<string, number> = {
        rmse: Math.sqrt(this.squaredSum / n),
        mae: this.absoluteSum / n,
      };
      if (variance > 0) metrics.r2 = 1 - this.squaredSum / variance;
      return { labeledRows: n, metrics };
    }
    const metrics: Record<string, number> = { accuracy: this.correct / n };
    if (this.probabilityRows > 0) metrics.log_loss = this.logLossSum / this.probabilityRows;
    if ((this.spec.classes ?? []).length === 2) {
      const precision = this.truePositive / Math.max(1, this.truePositive + this.falsePositive);
      const recall = this.truePositive / Math.max(1, this.truePositive + this.falseNegative);
      metrics.precision = precision;
      metrics.recall = recall;
      metrics.f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
    }
    return { labeledRows: n, metrics };
  }
}
