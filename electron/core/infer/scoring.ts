/**
 * Batch scoring with onnxruntime-node: maps table columns to a model's inputs, runs the session batch
 * by batch and turns its outputs into columns (`<output>` for one value per row, `<output>_<i>` for a
 * vector). Used by the predict worker, the predict panel and the benches alike.
 */
import * as ort from 'onnxruntime-node';
import { LatheError } from '../../../shared/errors.js';
import { cleanOrtMessage } from './ort-message.js';
import type { TensorSpec } from '../../../shared/contract/index.js';
import type { ColumnValues } from '../data/read-table.js';

/** A column as the data layer hands it over (its own type, re-exported for the scoring and training code). */
export type { ColumnValues };

/** What scoring needs to know about a model version. */
export interface ScoringSignature {
  inputs: TensorSpec[];
  outputs: TensorSpec[];
  /** Column order for a single 2-D float input. */
  features: string[];
}

/** How columns feed the graph. */
export type FeedPlan =
  | { mode: 'tensor'; input: TensorSpec; columns: string[]; elementType: 'float32' | 'float64' }
  | { mode: 'named'; bindings: { input: TensorSpec; column: string; width: 1 }[] };

const floatTypes = new Set(['float32', 'float64']);
const numericTypes = new Set(['float32', 'float64', 'int64', 'int32', 'bool']);

/**
 * Opens an ONNX Runtime session on a file (CPU unless a GPU provider is usable). `spinning: false` stops
 * ONNX Runtime's pool threads from busy-waiting between operators, which otherwise takes the CPU from
 * threads that read and write beside it (batch scoring).
 */
export async function openSession(
  path: string,
  providers: string[] = ['cpu'],
  options: { intraOpThreads?: number; spinning?: boolean } = {},
): Promise<ort.InferenceSession> {
  try {
    const threads = options.intraOpThreads ? { intraOpNumThreads: options.intraOpThreads } : {};
    // Session config entries (onnxruntime_session_options_config_keys.h), passed through by onnxruntime-node.
    const spinning = options.spinning === false ? { extra: { session: { intra_op: { allow_spinning: '0' } } } } : {};
    return await ort.InferenceSession.create(path, {
      executionProviders: providers,
      graphOptimizationLevel: 'all',
      ...threads,
      ...spinning,
    });
  } catch (error) {
    throw new LatheError(
      'BAD_INPUT',
      `ONNX Runtime cannot load ${path}: ${cleanOrtMessage((error as Error).message.split('\n')[0]!)}`,
      {
        file: path,
      },
    );
  }
}

/** Opens a session on bytes (validation of an import before anything is stored). */
export async function openSessionFromBytes(bytes: Uint8Array, label: string): Promise<ort.InferenceSession> {
  try {
    return await ort.InferenceSession.create(bytes, { executionProviders: ['cpu'] });
  } catch (error) {
    throw new LatheError(
      'BAD_INPUT',
      `ONNX Runtime cannot load ${label}: ${cleanOrtMessage((error as Error).message.split('\n')[0]!)}`,
      {
        file: label,
      },
    );
  }
}

/** True when the model takes one 2-D float input whose columns come from a feature list. */
export function isTensorModel(signature: Pick<ScoringSignature, 'inputs'>): boolean {
  const [only] = signature.inputs;
  return (
    signature.inputs.length === 1 &&
    !!only &&
    only.shape.length === 2 &&
    floatTypes.has(only.type) &&
    !(typeof only.shape[1] === 'number' && only.shape[1] === 1)
  );
}

/**
 * Decides which column feeds which input. `available` lists the table's columns with their kind;
 * every missing or mistyped column is named in one error.
 */
export function planFeeds(
  signature: ScoringSignature,
  available: Map<string, 'numeric' | 'text'>,
  featuresOverride?: string[],
): FeedPlan {
  const features = featuresOverride && featuresOverride.length > 0 ? featuresOverride : signature.features;
  const [first] = signature.inputs;
  // A single [N, 1] float input is named by its column, unless a feature list says otherwise.
  const singleRenamed =
    signature.inputs.length === 1 &&
    !!first &&
    first.shape.length === 2 &&
    floatTypes.has(first.type) &&
    features.length === 1 &&
    features[0] !== first.name;
  if (isTensorModel(signature) || singleRenamed) {
    const input = signature.inputs[0]!;
    if (features.length === 0) {
      throw new LatheError(
        'BAD_INPUT',
        `Model input "${input.name}" is one ${input.shape.join('×')} tensor: give its column order with --features a,b,c`,
        { input: input.name },
      );
    }
    const width = input.shape[1];
    if (typeof width === 'number' && width !== features.length) {
      throw new LatheError(
        'BAD_INPUT',
        `Model input "${input.name}" takes ${width} columns but ${features.length} features were given (${features.join(', ')})`,
        { input: input.name },
      );
    }
    checkColumns(
      features.map((column) => ({ column, numeric: true })),
      available,
    );
    return { mode: 'tensor', input, columns: features, elementType: input.type === 'float64' ? 'float64' : 'float32' };
  }
  const bindings = signature.inputs.map((input) => {
    const width = input.shape.length >= 2 ? input.shape[input.shape.length - 1] : 1;
    if (input.shape.length > 2 || (typeof width === 'number' && width !== 1)) {
      throw new LatheError(
        'BAD_INPUT',
        `Model input "${input.name}" has shape [${input.shape.join(', ')}]; Lathe feeds named inputs one column each`,
        { input: input.name },
      );
    }
    if (!numericTypes.has(input.type) && input.type !== 'string') {
      throw new LatheError(
        'BAD_INPUT',
        `Model input "${input.name}" has type ${input.type}, which Lathe cannot feed from a table`,
        { input: input.name },
      );
    }
    return { input, column: input.name, width: 1 as const };
  });
  checkColumns(
    bindings.map((b) => ({ column: b.column, numeric: b.input.type !== 'string' })),
    available,
  );
  return { mode: 'named', bindings };
}

function checkColumns(
  wanted: { column: string; numeric: boolean }[],
  available: Map<string, 'numeric' | 'text'>,
): void {
  const missing = wanted.filter((w) => !available.has(w.column)).map((w) => w.column);
  const mistyped = wanted.filter((w) => w.numeric && available.get(w.column) === 'text').map((w) => w.column);
  const problems: string[] = [];
  if (missing.length > 0) problems.push(`missing column${missing.length > 1 ? 's' : ''}: ${missing.join(', ')}`);
  if (mistyped.length > 0) problems.push(`not numeric: ${mistyped.join(', ')}`);
  if (problems.length > 0) {
    throw new LatheError(
      'BAD_INPUT',
      `The data does not fit the model (${problems.join('; ')}). Available columns: ${[...available.keys()].join(', ')}`,
      {
        missing,
        mistyped,
      },
    );
  }
}

/** Builds the session feeds for rows [0, rows) of the given columns. */
export function buildFeeds(
  plan: FeedPlan,
  columns: Map<string, ColumnValues>,
  rows: number,
): Record<string, ort.Tensor> {
  if (plan.mode === 'tensor') {
    const width = plan.columns.length;
    const data = plan.elementType === 'float64' ? new Float64Array(rows * width) : new Float32Array(rows * width);
    plan.columns.forEach((name, j) => {
      const values = columns.get(name)!;
      if (values instanceof Float64Array) for (let i = 0; i < rows; i++) data[i * width + j] = values[i]!;
      else for (let i = 0; i < rows; i++) data[i * width + j] = toNumber(values[i]);
    });
    return { [plan.input.name]: new ort.Tensor(plan.elementType, data, [rows, width]) };
  }
  const feeds: Record<string, ort.Tensor> = {};
  for (const { input, column } of plan.bindings) {
    const values = columns.get(column)!;
    const dims = input.shape.length === 1 ? [rows] : [rows, 1];
    feeds[input.name] = new ort.Tensor(
      input.type as 'float32',
      typedFor(input.type, values, rows) as Float32Array,
      dims,
    );
  }
  return feeds;
}

function toNumber(value: number | string | null | undefined): number {
  if (typeof value === 'number') return value;
  if (value === null || value === undefined || value === '') return NaN;
  return Number(value);
}

function typedFor(
  type: string,
  values: ColumnValues,
  rows: number,
): Float32Array | Float64Array | BigInt64Array | Int32Array | Uint8Array | string[] {
  switch (type) {
    case 'string': {
      const out = new Array<string>(rows);
      for (let i = 0; i < rows; i++) {
        const v = values[i];
        // ONNX string tensors cannot hold a null: an empty string marks a missing value.
        out[i] = v === null || v === undefined || (typeof v === 'number' && Number.isNaN(v)) ? '' : String(v);
      }
      return out;
    }
    case 'float64': {
      if (values instanceof Float64Array) return values.slice(0, rows);
      const out = new Float64Array(rows);
      for (let i = 0; i < rows; i++) out[i] = toNumber(values[i]);
      return out;
    }
    case 'int64': {
      const out = new BigInt64Array(rows);
      for (let i = 0; i < rows; i++) out[i] = BigInt(Math.trunc(toNumber(values[i]) || 0));
      return out;
    }
    case 'int32': {
      const out = new Int32Array(rows);
      for (let i = 0; i < rows; i++) out[i] = Math.trunc(toNumber(values[i]) || 0);
      return out;
    }
    case 'bool': {
      const out = new Uint8Array(rows);
      for (let i = 0; i < rows; i++) out[i] = toNumber(values[i]) ? 1 : 0;
      return out;
    }
    default: {
      // Typed-array conversion is native and keeps NaN (missing) as NaN.
      if (values instanceof Float64Array) return new Float32Array(values.subarray(0, rows));
      const out = new Float32Array(rows);
      for (let i = 0; i < rows; i++) out[i] = toNumber(values[i]);
      return out;
    }
  }
}

/** Output columns of one batch: `<output>` for one value per row, `<output>_<i>` for a vector. */
export function outputColumns(
  results: ort.InferenceSession.OnnxValueMapType,
  outputNames: readonly string[],
  rows: number,
): { name: string; values: Float64Array | string[] }[] {
  const columns: { name: string; values: Float64Array | string[] }[] = [];
  for (const name of outputNames) {
    const tensor = results[name] as ort.Tensor | undefined;
    if (!tensor || !('dims' in tensor)) continue;
    const width = rows === 0 ? 0 : tensor.dims.length <= 1 ? 1 : tensor.dims.slice(1).reduce((p, d) => p * d, 1);
    const data = tensor.data as ArrayLike<number | bigint | string>;
    const isString = tensor.type === 'string';
    const make = (): Float64Array | string[] => (isString ? new Array<string>(rows) : new Float64Array(rows));
    if (width === 1 || rows === 0) {
      const values = make();
      for (let i = 0; i < rows; i++) (values as (number | string)[])[i] = isString ? String(data[i]) : Number(data[i]);
      columns.push({ name, values });
    } else {
      for (let j = 0; j < width; j++) {
        const values = make();
        for (let i = 0; i < rows; i++)
          (values as (number | string)[])[i] = isString ? String(data[i * width + j]) : Number(data[i * width + j]);
        columns.push({ name: `${name}_${j}`, values });
      }
    }
  }
  return columns;
}

/** Slices rows [start, end) of every column. */
export function sliceColumns(
  columns: Map<string, ColumnValues>,
  start: number,
  end: number,
): Map<string, ColumnValues> {
  const out = new Map<string, ColumnValues>();
  for (const [name, values] of columns) out.set(name, values.slice(start, end) as ColumnValues);
  return out;
}

/** Scores in-memory columns batch by batch and returns the output columns. */
export async function scoreColumns(
  session: ort.InferenceSession,
  plan: FeedPlan,
  columns: Map<string, ColumnValues>,
  rows: number,
  options: { batchRows?: number; onProgress?: (done: number) => void } = {},
): Promise<{ name: string; values: Float64Array | string[] }[]> {
  const batchRows = options.batchRows ?? 8192;
  let merged: { name: string; values: Float64Array | string[] }[] | undefined;
  for (let start = 0; start < rows || (rows === 0 && !merged); start += batchRows) {
    const end = Math.min(rows, start + batchRows);
    const batch = start === 0 && end === rows ? columns : sliceColumns(columns, start, end);
    const results = await session.run(buildFeeds(plan, batch, end - start));
    const part = outputColumns(results, session.outputNames, end - start);
    if (!merged) {
      merged = part.map((c) => ({
        name: c.name,
        values: c.values instanceof Float64Array ? new Float64Array(rows) : new Array<string>(rows),
      }));
    }
    part.forEach((c, k) => {
      const target = merged![k]!.values;
      if (target instanceof Float64Array) target.set(c.values as Float64Array, start);
      else for (let i = 0; i < c.values.length; i++) target[start + i] = (c.values as string[])[i]!;
    });
    options.onProgress?.(end);
    if (rows === 0) break;
  }
  return merged ?? [];
}
