/**
 * One training from raw columns to a model: target and task, seeded (stratified) split, preprocessing
 * fitted on the training rows, the MLP, test metrics, permutation importance, and the ONNX graph.
 * Runs inside the train worker (and only there in the app); pure apart from TensorFlow.js.
 */
import { LatheError } from '../../../../shared/errors.js';
import type { DawnAttempt } from '../../compute/webgpu.js';
import type { ColumnValues } from '../../infer/scoring.js';
import { classificationMetrics, confusionMatrix, regressionMetrics } from './metrics.js';
import { predict, trainMlp, type EpochSummary, type MlpHooks, type MlpOptions } from './mlp.js';
import { reservedOutputNames, writeOnnx, type DenseLayer } from '../onnx-writer.js';
import {
  fitSteps,
  isNumericColumn,
  stepOffsets,
  transform,
  widthOf,
  type Preprocessing,
  type TargetSpec,
} from '../preprocess.js';
import { seededRandom, shuffleInPlace } from '../random.js';
import { splitFractions, splitRows, type Split } from './split.js';

/** Settings of one job (already validated by the contract's TrainOptions). */
export interface TrainJobOptions extends MlpOptions {
  target: string;
  task: 'auto' | 'classification' | 'regression';
  features?: string[];
  backend: string;
  /** For `backend: 'webgpu'`: the Dawn backend and feature level the probe found an adapter with. */
  dawn?: DawnAttempt;
  producerVersion: string;
  /** True when the data layer typed the target as boolean (it arrives as 0/1): labels become "false"/"true". */
  booleanTarget?: boolean;
  /** Share of the rows held out for validation (early stopping); the test share stays 15 %. */
  validationShare?: number;
}

/** Everything a finished job hands back. */
export interface TrainJobResult {
  task: 'classification' | 'regression';
  backend: string;
  features: string[];
  preprocessing: Preprocessing;
  onnx: Uint8Array;
  layers: DenseLayer[];
  metrics: Record<string, number>;
  history: EpochSummary[];
  bestEpoch: number;
  stoppedEarly: boolean;
  /** Source row numbers of the test split (after rows without a target were dropped: indices into the given columns). */
  testRows: Int32Array;
  /** TensorFlow.js outputs on the test split: probabilities (rows × classes) or values in target units. */
  testPredictions: Float32Array;
  /** Class indices of the test split (classification), in the order of `testPredictions`; null for regression. */
  testLabels: Int32Array | null;
  importance: { feature: string; importance: number; metric: string }[];
  confusion: { classes: string[]; counts: number[][] } | null;
  residuals: { actual: number; predicted: number }[] | null;
  rows: { total: number; train: number; validation: number; test: number };
}

/** Classification is chosen for text or boolean targets and integer targets with at most this many distinct values. */
export const autoClassificationMaxClasses = 20;

/** Decides the task and encodes the target over rows that have one. */
export function prepareTarget(
  values: ColumnValues,
  name: string,
  task: TrainJobOptions['task'],
  booleanTarget = false,
): { rows: Int32Array; spec: TargetSpec; y: Int32Array | Float64Array } {
  const present: number[] = [];
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!(v === null || v === undefined || v === '' || (typeof v === 'number' && Number.isNaN(v)))) present.push(i);
  }
  const rows = Int32Array.from(present);
  if (isNumericColumn(values) && booleanTarget && task !== 'regression') {
    return {
      rows,
      y: Int32Array.from(rows, (i) => (values[i] ? 1 : 0)),
      spec: { name, task: 'classification', classes: ['false', 'true'], labelType: 'string' },
    };
  }
  if (isNumericColumn(values)) {
    const distinct = new Set<number>();
    let integers = true;
    for (const i of rows) {
      distinct.add(values[i]!);
      if (!Number.isInteger(values[i]!)) integers = false;
    }
    const resolved =
      task === 'auto'
        ? integers && distinct.size <= autoClassificationMaxClasses
          ? 'classification'
          : 'regression'
        : task;
    if (resolved === 'regression') {
      const y = Float64Array.from(rows, (i) => values[i]!);
      return { rows, y, spec: { name, task: 'regression', mean: 0, std: 1 } };
    }
    if (!integers)
      throw new LatheError(
        'BAD_INPUT',
        `Target "${name}" has fractional values; classification needs integer or text labels (use --task regression)`,
        { column: name },
      );
    const classes = [...distinct].sort((a, b) => a - b);
    if (classes.length > 1000)
      throw new LatheError('BAD_INPUT', `Target "${name}" has ${classes.length} classes; at most 1000 are supported`, {
        column: name,
      });
    const index = new Map(classes.map((c, k) => [c, k]));
    return {
      rows,
      y: Int32Array.from(rows, (i) => index.get(values[i]!)!),
      spec: { name, task: 'classification', classes: classes.map(String), labelType: 'int64' },
    };
  }
  if (task === 'regression')
    throw new LatheError('BAD_INPUT', `Target "${name}" is text; regression needs a numeric target`, { column: name });
  const classes = [...new Set(Array.from(rows, (i) => values[i] as string))].sort();
  if (classes.length > 1000)
    throw new LatheError(
      'BAD_INPUT',
      `Target "${name}" has ${classes.length} distinct values; at most 1000 classes are supported`,
      { column: name },
    );
  const index = new Map(classes.map((c, k) => [c, k]));
  return {
    rows,
    y: Int32Array.from(rows, (i) => index.get(values[i] as string)!),
    spec: { name, task: 'classification', classes, labelType: 'string' },
  };
}

/** Restricts every column to the given rows. */
function pick(columns: Map<string, ColumnValues>, rows: Int32Array): Map<string, ColumnValues> {
  const out = new Map<string, ColumnValues>();
  for (const [name, values] of columns) {
    out.set(
      name,
      isNumericColumn(values) ? Float64Array.from(rows, (i) => values[i]!) : Array.from(rows, (i) => values[i] ?? null),
    );
  }
  return out;
}

/** Callbacks of one job: its phases and row count, then the MLP's own hooks. */
export interface TrainJobHooks extends Pick<MlpHooks, 'onProgress' | 'onEpoch' | 'checkCancel'> {
  onPhase?: (phase: 'preprocessing' | 'training' | 'evaluating') => void;
  onPrepared?: (task: 'classification' | 'regression', rows: number) => void;
}

/** Runs the whole job. */
export async function runTrainJob(
  allColumns: Map<string, ColumnValues>,
  options: TrainJobOptions,
  hooks: TrainJobHooks = {},
): Promise<TrainJobResult> {
  hooks.onPhase?.('preprocessing');
  const targetValues = allColumns.get(options.target);
  if (!targetValues)
    throw new LatheError(
      'BAD_INPUT',
      `Target column "${options.target}" is not in the data (columns: ${[...allColumns.keys()].join(', ')})`,
      { column: options.target },
    );
  const features =
    options.features && options.features.length > 0
      ? options.features
      : [...allColumns.keys()].filter((c) => c !== options.target);
  const missing = features.filter((f) => !allColumns.has(f));
  if (missing.length > 0)
    throw new LatheError(
      'BAD_INPUT',
      `Feature column${missing.length > 1 ? 's' : ''} not in the data: ${missing.join(', ')}`,
      { missing },
    );
  if (features.includes(options.target))
    throw new LatheError('BAD_INPUT', `The target "${options.target}" cannot also be a feature`, {
      column: options.target,
    });
  if (features.length === 0) throw new LatheError('BAD_INPUT', 'No feature columns: the data has only the target');
  const reserved = features.filter((f) => (reservedOutputNames as readonly string[]).includes(f));
  if (reserved.length > 0)
    throw new LatheError(
      'BAD_INPUT',
      `Feature column names ${reserved.join(', ')} clash with the model's outputs (label, probabilities, value); rename them`,
      { columns: reserved },
    );

  const target = prepareTarget(targetValues, options.target, options.task, options.booleanTarget);
  const columns = pick(allColumns, target.rows);
  const rowCount = target.rows.length;
  const classification = target.spec.task === 'classification';
  const classes = target.spec.task === 'classification' ? target.spec.classes.length : 1;
  if (classification && classes < 2)
    throw new LatheError(
      'BAD_INPUT',
      `Target "${options.target}" has one class only; classification needs at least two`,
      { column: options.target },
    );
  hooks.onPrepared?.(target.spec.task, rowCount);
  const split: Split = splitRows(rowCount, options.seed, classification ? (target.y as Int32Array) : undefined, {
    test: splitFractions.test,
    validation: options.validationShare ?? splitFractions.validation,
  });

  const steps = fitSteps(columns, features, split.train);
  let targetSpec = target.spec;
  if (targetSpec.task === 'regression') {
    let mean = 0;
    for (const i of split.train) mean += target.y[i]!;
    mean /= split.train.length;
    let squares = 0;
    for (const i of split.train) squares += (target.y[i]! - mean) ** 2;
    const std = Math.sqrt(squares / split.train.length);
    targetSpec = { ...targetSpec, mean: Math.fround(mean), std: Math.fround(std > 1e-12 ? std : 1) };
  }
  const preprocessing: Preprocessing = {
    format: 'lathe-preprocessing/1',
    steps,
    target: targetSpec,
    width: widthOf(steps),
  };
  if (preprocessing.width === 0)
    throw new LatheError('BAD_INPUT', 'The features give no inputs (every categorical column is empty)');
  const encodeY = (rows: Int32Array): Int32Array | Float32Array =>
    targetSpec.task === 'classification'
      ? Int32Array.from(rows, (i) => target.y[i]!)
      : Float32Array.from(rows, (i) => Math.fround((target.y[i]! - targetSpec.mean) / targetSpec.std));
  const trainX = transform(steps, columns, split.train);
  const validationX = transform(steps, columns, split.validation);
  const testX = transform(steps, columns, split.test);

  hooks.onPhase?.('training');
  const validationY = encodeY(split.validation);
  const validationActual = Float64Array.from(split.validation, (i) => target.y[i]!);
  const validationMetric = (outputs: Float32Array): number =>
    targetSpec.task === 'classification'
      ? classificationMetrics(validationY as Int32Array, outputs, classes).accuracy!
      : regressionMetrics(validationActual, unscale(outputs, targetSpec.mean, targetSpec.std)).rmse!;
  const mlp = await trainMlp(
    {
      task: targetSpec.task,
      classes,
      width: preprocessing.width,
      trainX,
      trainY: encodeY(split.train),
      validationX,
      validationY,
    },
    options,
    { onProgress: hooks.onProgress, onEpoch: hooks.onEpoch, checkCancel: hooks.checkCancel, validationMetric },
  );

  hooks.onPhase?.('evaluating');
  const testPredictions = await predictUnits(mlp.layers, testX, split.test.length, targetSpec);
  const testY = encodeY(split.test);
  const actual = Float64Array.from(split.test, (i) => target.y[i]!);
  const score = (predictions: Float32Array): Record<string, number> =>
    targetSpec.task === 'classification'
      ? classificationMetrics(testY as Int32Array, predictions, classes)
      : regressionMetrics(actual, predictions);
  const metrics = score(testPredictions);
  metrics[targetSpec.task === 'classification' ? 'val_accuracy' : 'val_rmse'] = validationMetric(
    await predict(mlp.layers, validationX, split.validation.length, targetSpec.task),
  );
  metrics.epochs_run = mlp.history.length;
  metrics.best_epoch = mlp.bestEpoch;

  // Permutation importance on the test split: shuffle one feature's block of columns, measure the loss of score.
  const metricName = targetSpec.task === 'classification' ? 'accuracy' : 'r2';
  const offsets = stepOffsets(steps);
  const random = seededRandom(options.seed ^ 0x1a7);
  const repeats = 3;
  const importance: { feature: string; importance: number; metric: string }[] = [];
  for (const [s, step] of steps.entries()) {
    const { start, width } = offsets[s]!;
    let drop = 0;
    for (let r = 0; r < repeats; r++) {
      const permuted = testX.slice();
      const order = Int32Array.from({ length: split.test.length }, (_, i) => i);
      shuffleInPlace(order, random);
      for (let i = 0; i < order.length; i++) {
        for (let k = 0; k < width; k++)
          permuted[i * preprocessing.width + start + k] = testX[order[i]! * preprocessing.width + start + k]!;
      }
      const permutedPredictions = await predictUnits(mlp.layers, permuted, split.test.length, targetSpec);
      drop += metrics[metricName]! - score(permutedPredictions)[metricName]!;
    }
    importance.push({ feature: step.name, importance: withoutFloatNoise(drop / repeats), metric: metricName });
  }
  importance.sort((a, b) => b.importance - a.importance);

  const onnx = writeOnnx({
    preprocessing,
    layers: mlp.layers,
    producerVersion: options.producerVersion,
    metadata: { 'lathe.task': targetSpec.task, 'lathe.target': targetSpec.name, 'lathe.backend': options.backend },
  });
  return {
    task: targetSpec.task,
    backend: options.backend,
    features,
    preprocessing,
    onnx,
    layers: mlp.layers,
    metrics,
    history: mlp.history,
    bestEpoch: mlp.bestEpoch,
    stoppedEarly: mlp.stoppedEarly,
    testRows: Int32Array.from(split.test, (i) => target.rows[i]!),
    testPredictions,
    testLabels: targetSpec.task === 'classification' ? (testY as Int32Array) : null,
    importance,
    confusion:
      targetSpec.task === 'classification'
        ? { classes: targetSpec.classes, counts: confusionMatrix(testY as Int32Array, testPredictions, classes) }
        : null,
    residuals:
      targetSpec.task === 'regression'
        ? Array.from(actual, (a, i) => ({ actual: a, predicted: testPredictions[i]! }))
        : null,
    rows: { total: rowCount, train: split.train.length, validation: split.validation.length, test: split.test.length },
  };
}

/**
 * An importance whose size is rounding noise is 0: scores are means over a few hundred rows, so a real
 * change is far above 1e-9 while equal scores subtracted in another order leave ±1e-17.
 */
export function withoutFloatNoise(value: number): number {
  return Math.abs(value) < 1e-9 ? 0 : value;
}

function unscale(values: Float32Array, mean: number, std: number): Float32Array {
  // float32 steps as the ONNX graph's Mul then Add.
  return values.map((v) => Math.fround(Math.fround(v * std) + mean));
}

async function predictUnits(
  layers: DenseLayer[],
  x: Float32Array,
  rows: number,
  target: TargetSpec,
): Promise<Float32Array> {
  const out = await predict(layers, x, rows, target.task);
  return target.task === 'regression' ? unscale(out, target.mean, target.std) : out;
}
