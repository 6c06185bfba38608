/**
 * A bundle's request and answer schema, derived from the model version the way Lathe's own scoring reads
 * it (infer/scoring.ts planFeeds): one field per named ONNX input, or the feature list of a single 2-D
 * float input; answers named as `lathe predict` names its output columns. The bundle runtime
 * (resources/bundle-runtime/model-runtime.js) validates requests against exactly this.
 */
import type { BundleField, BundleManifest, ModelVersion } from '../../../shared/contract/index.js';
import { LatheError } from '../../../shared/errors.js';
import { vectorColumnName } from '../infer/predict-protocol.js';
import { isTensorModel } from '../infer/scoring.js';

const numericTypes = new Set(['float32', 'float64', 'int64', 'int32', 'bool']);

/** The input schema of a version; throws BAD_INPUT when its inputs cannot be fed from JSON fields. */
export function inputSchema(version: ModelVersion): BundleManifest['schema']['input'] {
  if (isTensorModel(version)) {
    const input = version.inputs[0]!;
    if (version.features.length === 0)
      throw new LatheError(
        'BAD_INPUT',
        `${version.model}@${version.version} takes one ${input.shape.join('×')} tensor with no column names; import it with --features to export it`,
        { ref: `${version.model}@${version.version}` },
      );
    return {
      mode: 'tensor',
      tensorInput: input.name,
      elementType: input.type === 'float64' ? 'float64' : 'float32',
      fields: version.features.map((name) => ({
        name,
        type: 'number',
        input: input.name,
        onnxType: input.type,
        rank: 2,
        categories: null,
      })),
    };
  }
  const categories = new Map((version.featureSpecs ?? []).map((spec) => [spec.name, spec.categories ?? null]));
  const fields: BundleField[] = version.inputs.map((input) => {
    const width = input.shape.length >= 2 ? input.shape[input.shape.length - 1] : 1;
    if (input.shape.length > 2 || (typeof width === 'number' && width !== 1) || input.shape.length === 0)
      throw new LatheError(
        'BAD_INPUT',
        `Model input "${input.name}" has shape [${input.shape.join(', ')}]; a bundle takes one value per field and row`,
        { input: input.name },
      );
    if (!numericTypes.has(input.type) && input.type !== 'string')
      throw new LatheError('BAD_INPUT', `Model input "${input.name}" has type ${input.type}, which JSON cannot carry`, {
        input: input.name,
      });
    return {
      name: input.name,
      type: input.type === 'string' ? 'string' : 'number',
      input: input.name,
      onnxType: input.type,
      rank: input.shape.length,
      categories: categories.get(input.name) ?? null,
    };
  });
  return { mode: 'named', tensorInput: null, elementType: null, fields };
}

/** The answer's columns, named as `lathe predict` names them (`label`, `probability_<class>`, `value`…). */
export function outputSchema(version: ModelVersion): BundleManifest['schema']['output'] {
  const columns: BundleManifest['schema']['output'] = [];
  for (const output of version.outputs) {
    const inner = output.shape.slice(1);
    const width =
      inner.length === 0
        ? 1
        : inner.every((d) => typeof d === 'number')
          ? (inner as number[]).reduce((p, d) => p * d, 1)
          : null;
    const type = output.type === 'string' ? 'string' : 'number';
    if (width === 1) columns.push({ name: output.name, type });
    else if (width === null || width === undefined)
      // A vector whose width is only known when it runs: one column per element, named by class when they match.
      columns.push({ name: `${output.name}_*`, type });
    else
      for (let j = 0; j < width; j++)
        columns.push({ name: vectorColumnName(output.name, j, width, version.classes), type });
  }
  return columns;
}
