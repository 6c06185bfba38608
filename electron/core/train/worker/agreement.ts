/**
 * Checks that ONNX Runtime, running the exported graph on the raw test rows, gives what TensorFlow.js
 * gave on the same rows: probabilities (or values) within 1e-4 and the same labels.
 */
import * as ort from 'onnxruntime-node';
import { inspectOnnx } from '../../models/onnx-inspect.js';
import { buildFeeds, planFeeds, type ColumnValues } from '../../infer/scoring.js';
import { argmaxRows } from './metrics.js';
import type { TargetSpec } from '../preprocess.js';
import { agreementTolerance } from '../train-protocol.js';

export { agreementTolerance };

/** What the comparison found. */
export interface Agreement {
  maxDifference: number;
  labelMismatches: number;
  rows: number;
}

/** Scores the test rows with ONNX Runtime and compares with TensorFlow.js's predictions. */
export async function compareWithOnnxRuntime(
  onnx: Uint8Array,
  columns: Map<string, ColumnValues>,
  testRows: Int32Array,
  tfjsPredictions: Float32Array,
  target: TargetSpec,
): Promise<Agreement> {
  const summary = inspectOnnx(onnx, 'exported model');
  const picked = new Map<string, ColumnValues>();
  const kinds = new Map<string, 'numeric' | 'text'>();
  for (const input of summary.inputs) {
    const values = columns.get(input.name)!;
    picked.set(
      input.name,
      values instanceof Float64Array
        ? Float64Array.from(testRows, (i) => values[i]!)
        : Array.from(testRows, (i) => values[i] ?? null),
    );
    kinds.set(input.name, values instanceof Float64Array ? 'numeric' : 'text');
  }
  const plan = planFeeds({ inputs: summary.inputs, outputs: summary.outputs, features: [] }, kinds);
  const session = await ort.InferenceSession.create(onnx);
  try {
    const results = await session.run(buildFeeds(plan, picked, testRows.length));
    const name = target.task === 'classification' ? 'probabilities' : 'value';
    const onnxValues = (results[name] as ort.Tensor).data as Float32Array;
    let maxDifference = 0;
    for (let i = 0; i < tfjsPredictions.length; i++) {
      const scale = Math.max(1, Math.abs(tfjsPredictions[i]!));
      maxDifference = Math.max(maxDifference, Math.abs(onnxValues[i]! - tfjsPredictions[i]!) / scale);
    }
    let labelMismatches = 0;
    if (target.task === 'classification') {
      const labels = (results.label as ort.Tensor).data as ArrayLike<bigint | string>;
      const expected = argmaxRows(tfjsPredictions, target.classes.length, testRows.length);
      for (let i = 0; i < testRows.length; i++)
        if (String(labels[i]) !== target.classes[expected[i]!]) labelMismatches += 1;
    }
    return { maxDifference, labelMismatches, rows: testRows.length };
  } finally {
    await session.release();
  }
}
