/**
 * Writes a trained model as one ONNX graph: preprocessing and network together, taking the raw feature
 * columns as named inputs ([N, 1] float for numeric, [N, 1] string for categorical) and giving `label`
 * and `probabilities` (classification) or `value` (regression), the convention of scikit-learn's ONNX
 * exports (https://onnx.ai/sklearn-onnx/). Encoded with ONNX's own protobuf schema (onnx-proto).
 *
 * Operators: ai.onnx opset 17 (Concat, IsNaN, Where, Sub, Div, Equal, Cast, Gemm, Relu, Softmax,
 * ArgMax, Gather, Mul, Add) and ai.onnx.ml opset 2 (LabelEncoder, for strings).
 */
import onnxProto from 'onnx-proto';
import type { CategoricalStep, NumericStep, Preprocessing } from './preprocess.js';

const { onnx } = onnxProto;
type INode = onnxProto.onnx.INodeProto;
type ITensor = onnxProto.onnx.ITensorProto;
type IAttribute = onnxProto.onnx.IAttributeProto;
type IValueInfo = onnxProto.onnx.IValueInfoProto;

/** The ai.onnx opset Lathe writes. */
export const exportOpset = 17;
const mlOpset = 2;
const DataType = onnx.TensorProto.DataType;
const AttributeType = onnx.AttributeProto.AttributeType;

/** One dense layer: weights (inputs × outputs, row-major) and biases. */
export interface DenseLayer {
  inputs: number;
  outputs: number;
  weights: Float32Array;
  biases: Float32Array;
}

/** What goes into the graph. */
export interface ExportInput {
  preprocessing: Preprocessing;
  layers: DenseLayer[];
  producerVersion: string;
  /** Free-form facts stored as the model's metadata_props. */
  metadata?: Record<string, string>;
}

const utf8 = new TextEncoder();

function floatTensor(name: string, values: Float32Array | number[], dims: number[]): ITensor {
  const data = values instanceof Float32Array ? values : Float32Array.from(values);
  // raw_data is little-endian, as ONNX requires (https://onnx.ai/onnx/repo-docs/IR.html#tensor-definition).
  const raw = new Uint8Array(data.length * 4);
  const view = new DataView(raw.buffer);
  data.forEach((v, i) => view.setFloat32(i * 4, v, true));
  return { name, dims, dataType: DataType.FLOAT, rawData: raw };
}

function int64Tensor(name: string, values: number[], dims: number[]): ITensor {
  return { name, dims, dataType: DataType.INT64, int64Data: values };
}

function attr(
  name: string,
  value: number | string | number[] | string[],
  kind: 'int' | 'float' | 'ints' | 'floats' | 'string' | 'strings',
): IAttribute {
  switch (kind) {
    case 'int':
      return { name, type: AttributeType.INT, i: value as number };
    case 'float':
      return { name, type: AttributeType.FLOAT, f: value as number };
    case 'ints':
      return { name, type: AttributeType.INTS, ints: value as number[] };
    case 'floats':
      return { name, type: AttributeType.FLOATS, floats: value as number[] };
    case 'string':
      return { name, type: AttributeType.STRING, s: utf8.encode(value as string) };
    case 'strings':
      return { name, type: AttributeType.STRINGS, strings: (value as string[]).map((s) => utf8.encode(s)) };
  }
}

function valueInfo(name: string, elemType: number, dims: (number | string)[]): IValueInfo {
  return {
    name,
    type: {
      tensorType: {
        elemType,
        shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

/** Names of the graph's outputs; no feature column may share them. */
export const reservedOutputNames = ['label', 'probabilities', 'value'] as const;

/** Builds the ONNX model bytes. The output is deterministic: the same input gives the same bytes. */
export function writeOnnx(input: ExportInput): Uint8Array {
  const { preprocessing, layers } = input;
  const nodes: INode[] = [];
  const initializers: ITensor[] = [];
  const node = (
    opType: string,
    inputs: string[],
    outputs: string[],
    attributes: IAttribute[] = [],
    domain = '',
  ): void => {
    nodes.push({
      opType,
      input: inputs,
      output: outputs,
      name: `${opType}_${nodes.length}`,
      attribute: attributes,
      domain,
    });
  };
  const numeric = preprocessing.steps.filter((s): s is NumericStep => s.kind === 'numeric');
  const categorical = preprocessing.steps.filter((s): s is CategoricalStep => s.kind === 'categorical');
  const blocks: string[] = [];

  if (numeric.length > 0) {
    node(
      'Concat',
      numeric.map((s) => s.name),
      ['lathe.numeric_raw'],
      [attr('axis', 1, 'int')],
    );
    initializers.push(
      floatTensor(
        'lathe.numeric_median',
        numeric.map((s) => s.median),
        [numeric.length],
      ),
    );
    initializers.push(
      floatTensor(
        'lathe.numeric_mean',
        numeric.map((s) => s.mean),
        [numeric.length],
      ),
    );
    initializers.push(
      floatTensor(
        'lathe.numeric_std',
        numeric.map((s) => s.std),
        [numeric.length],
      ),
    );
    node('IsNaN', ['lathe.numeric_raw'], ['lathe.numeric_missing']);
    node('Where', ['lathe.numeric_missing', 'lathe.numeric_median', 'lathe.numeric_raw'], ['lathe.numeric_imputed']);
    node('Sub', ['lathe.numeric_imputed', 'lathe.numeric_mean'], ['lathe.numeric_centered']);
    node('Div', ['lathe.numeric_centered', 'lathe.numeric_std'], ['lathe.numeric_scaled']);
    blocks.push('lathe.numeric_scaled');
  }
  categorical.forEach((step, k) => {
    if (step.categories.length === 0) return;
    const prefix = `lathe.categorical_${k}`;
    // A missing value ('') becomes the most frequent category; anything unseen becomes -1, which
    // matches no position below, so its one-hot row is all zeros.
    const mostFrequent = Math.max(0, step.categories.indexOf(step.mostFrequent));
    node(
      'LabelEncoder',
      [step.name],
      [`${prefix}_code`],
      [
        attr('keys_strings', [...step.categories, ''], 'strings'),
        attr('values_int64s', [...step.categories.map((_, i) => i), mostFrequent], 'ints'),
        attr('default_int64', -1, 'int'),
      ],
      'ai.onnx.ml',
    );
    initializers.push(
      int64Tensor(
        `${prefix}_positions`,
        step.categories.map((_, i) => i),
        [step.categories.length],
      ),
    );
    node('Equal', [`${prefix}_code`, `${prefix}_positions`], [`${prefix}_hot`]);
    node('Cast', [`${prefix}_hot`], [`${prefix}_onehot`], [attr('to', DataType.FLOAT, 'int')]);
    blocks.push(`${prefix}_onehot`);
  });
  node('Concat', blocks, ['lathe.features'], [attr('axis', 1, 'int')]);

  let current = 'lathe.features';
  layers.forEach((layer, i) => {
    initializers.push(floatTensor(`lathe.dense_${i}_weights`, layer.weights, [layer.inputs, layer.outputs]));
    initializers.push(floatTensor(`lathe.dense_${i}_biases`, layer.biases, [layer.outputs]));
    const last = i === layers.length - 1;
    const out = last ? 'lathe.network_output' : `lathe.dense_${i}_linear`;
    node('Gemm', [current, `lathe.dense_${i}_weights`, `lathe.dense_${i}_biases`], [out]);
    if (!last) {
      node('Relu', [out], [`lathe.dense_${i}_activation`]);
      current = `lathe.dense_${i}_activation`;
    }
  });

  const outputs: IValueInfo[] = [];
  const target = preprocessing.target;
  if (target.task === 'classification') {
    const classes = target.classes.length;
    node('Softmax', ['lathe.network_output'], ['probabilities'], [attr('axis', 1, 'int')]);
    node('ArgMax', ['probabilities'], ['lathe.label_index'], [attr('axis', 1, 'int'), attr('keepdims', 0, 'int')]);
    if (target.labelType === 'int64') {
      initializers.push(int64Tensor('lathe.class_labels', target.classes.map(Number), [classes]));
      node('Gather', ['lathe.class_labels', 'lathe.label_index'], ['label'], [attr('axis', 0, 'int')]);
      outputs.push(valueInfo('label', DataType.INT64, ['N']));
    } else {
      node(
        'LabelEncoder',
        ['lathe.label_index'],
        ['label'],
        [
          attr(
            'keys_int64s',
            target.classes.map((_, i) => i),
            'ints',
          ),
          attr('values_strings', target.classes, 'strings'),
          attr('default_string', '', 'string'),
        ],
        'ai.onnx.ml',
      );
      outputs.push(valueInfo('label', DataType.STRING, ['N']));
    }
    outputs.push(valueInfo('probabilities', DataType.FLOAT, ['N', classes]));
  } else {
    initializers.push(floatTensor('lathe.target_std', [target.std], [1]));
    initializers.push(floatTensor('lathe.target_mean', [target.mean], [1]));
    node('Mul', ['lathe.network_output', 'lathe.target_std'], ['lathe.value_scaled']);
    node('Add', ['lathe.value_scaled', 'lathe.target_mean'], ['value']);
    outputs.push(valueInfo('value', DataType.FLOAT, ['N', 1]));
  }

  const model = onnx.ModelProto.create({
    irVersion: 8,
    producerName: 'lathe',
    producerVersion: input.producerVersion,
    domain: 'dev.lathe',
    modelVersion: 1,
    docString: 'Trained by Lathe: preprocessing and MLP in one graph.',
    opsetImport: [
      { domain: '', version: exportOpset },
      { domain: 'ai.onnx.ml', version: mlOpset },
    ],
    metadataProps: Object.entries(input.metadata ?? {}).map(([key, value]) => ({ key, value })),
    graph: {
      name: 'lathe_model',
      node: nodes,
      initializer: initializers,
      input: preprocessing.steps.map((s) =>
        valueInfo(s.name, s.kind === 'numeric' ? DataType.FLOAT : DataType.STRING, ['N', 1]),
      ),
      output: outputs,
    },
  });
  return onnx.ModelProto.encode(model).finish();
}
