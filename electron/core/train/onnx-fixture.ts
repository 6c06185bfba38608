/**
 * Two small graphs written by Lathe's ONNX writer from fixed weights: one classifier (numeric and
 * categorical inputs, string labels) and one regressor (integer-free, one hidden layer). They were
 * checked once with ONNX's own checker (scripts/fixtures/check-lathe-export.py, Debian python3-onnx);
 * the test rebuilds them and compares bytes with what was checked.
 */
import type { Preprocessing } from './preprocess.js';
import { writeOnnx, type DenseLayer } from './onnx-writer.js';

function layer(inputs: number, outputs: number, seed: number): DenseLayer {
  const weights = Float32Array.from({ length: inputs * outputs }, (_, i) => Math.fround(Math.sin(seed * 31 + i) * 0.5));
  const biases = Float32Array.from({ length: outputs }, (_, i) => Math.fround(Math.cos(seed * 17 + i) * 0.1));
  return { inputs, outputs, weights, biases };
}

/** The fixture graphs by file name. */
export function fixtureGraphs(): Record<string, Uint8Array> {
  const classifier: Preprocessing = {
    format: 'lathe-preprocessing/1',
    steps: [
      { name: 'age', kind: 'numeric', median: 40, mean: Math.fround(41.5), std: Math.fround(12.25) },
      { name: 'plan', kind: 'categorical', categories: ['basic', 'pro', 'team'], mostFrequent: 'basic' },
      { name: 'spend', kind: 'numeric', median: Math.fround(20.5), mean: Math.fround(25.75), std: Math.fround(9.5) },
    ],
    target: { name: 'churn', task: 'classification', classes: ['no', 'yes'], labelType: 'string' },
    width: 5,
  };
  const regressor: Preprocessing = {
    format: 'lathe-preprocessing/1',
    steps: [
      { name: 'rooms', kind: 'numeric', median: 3, mean: Math.fround(3.2), std: Math.fround(1.1) },
      { name: 'area', kind: 'numeric', median: 80, mean: Math.fround(85.5), std: Math.fround(30.25) },
    ],
    target: { name: 'price', task: 'regression', mean: 250000, std: 80000 },
    width: 2,
  };
  const classes: Preprocessing = {
    format: 'lathe-preprocessing/1',
    steps: [{ name: 'x', kind: 'numeric', median: 0, mean: 0, std: 1 }],
    target: { name: 'digit', task: 'classification', classes: ['3', '5', '7'], labelType: 'int64' },
    width: 1,
  };
  return {
    'classifier.onnx': writeOnnx({
      preprocessing: classifier,
      layers: [layer(5, 4, 1), layer(4, 2, 2)],
      producerVersion: 'fixture',
    }),
    'regressor.onnx': writeOnnx({
      preprocessing: regressor,
      layers: [layer(2, 3, 3), layer(3, 1, 4)],
      producerVersion: 'fixture',
    }),
    'int-labels.onnx': writeOnnx({ preprocessing: classes, layers: [layer(1, 3, 5)], producerVersion: 'fixture' }),
  };
}
