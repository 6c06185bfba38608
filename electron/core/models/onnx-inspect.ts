/**
 * Reads an ONNX file's header facts (inputs, outputs, opset, producer, node and parameter counts) with
 * ONNX's own protobuf schema (onnx-proto), and turns every way a file can be wrong into a LatheError
 * that names the file.
 */
import onnxProto from 'onnx-proto';
import { LatheError } from '../../../shared/errors.js';
import type { TensorSpec } from '../../../shared/contract/index.js';

const { onnx } = onnxProto;

/** The lowest and highest default-domain opset Lathe accepts (ONNX Runtime 1.30 runs these). */
export const supportedOpsets = { min: 7, max: 23 } as const;

/** What Lathe records about a graph. */
export interface OnnxSummary {
  inputs: TensorSpec[];
  outputs: TensorSpec[];
  opset: number;
  producer: string;
  nodes: number;
  parameters: number;
  irVersion: number;
}

const elementTypeNames: Record<number, string> = {
  1: 'float32',
  2: 'uint8',
  3: 'int8',
  4: 'uint16',
  5: 'int16',
  6: 'int32',
  7: 'int64',
  8: 'string',
  9: 'bool',
  10: 'float16',
  11: 'float64',
  12: 'uint32',
  13: 'uint64',
  16: 'bfloat16',
};

/** Decodes an ONNX model's protobuf; a corrupt or truncated file is a BAD_INPUT naming `label`. */
export function decodeOnnx(bytes: Uint8Array, label: string): InstanceType<typeof onnx.ModelProto> {
  try {
    return onnx.ModelProto.decode(bytes);
  } catch (error) {
    throw new LatheError(
      'BAD_INPUT',
      `${label} is not a valid ONNX model (corrupt or truncated): ${(error as Error).message}`,
      { file: label },
    );
  }
}

/** Decodes and summarises an ONNX model. `label` names the file in errors. */
export function inspectOnnx(bytes: Uint8Array, label: string): OnnxSummary {
  if (bytes.length === 0) throw new LatheError('BAD_INPUT', `${label} is empty, not an ONNX model`, { file: label });
  const model = decodeOnnx(bytes, label);
  const graph = model.graph;
  if (!graph || Number(model.irVersion) <= 0) {
    throw new LatheError('BAD_INPUT', `${label} is not an ONNX model: it has no graph or no IR version`, {
      file: label,
    });
  }
  const defaultDomain = model.opsetImport.find((o) => !o.domain || o.domain === 'ai.onnx');
  const opset = Number(defaultDomain?.version ?? 0);
  if (!defaultDomain) throw new LatheError('BAD_INPUT', `${label} declares no ai.onnx opset`, { file: label });
  if (opset < supportedOpsets.min || opset > supportedOpsets.max) {
    throw new LatheError(
      'BAD_INPUT',
      `${label} uses ONNX opset ${opset}; Lathe runs opsets ${supportedOpsets.min} to ${supportedOpsets.max} (re-export the model with an opset in that range)`,
      { file: label, opset },
    );
  }
  const initializerNames = new Set((graph.initializer ?? []).map((t) => t.name ?? ''));
  const parameters = (graph.initializer ?? []).reduce(
    (sum, t) => sum + (t.dims ?? []).reduce<number>((p, d) => p * Number(d), 1),
    0,
  );
  const spec = (value: InstanceType<typeof onnx.ValueInfoProto> | onnxProto.onnx.IValueInfoProto): TensorSpec => {
    const tensor = value.type?.tensorType;
    const dims = tensor?.shape?.dim ?? [];
    return {
      name: value.name ?? '',
      type: tensor
        ? (elementTypeNames[tensor.elemType ?? 0] ?? `type${tensor.elemType}`)
        : value.type?.sequenceType
          ? 'sequence'
          : value.type?.mapType
            ? 'map'
            : 'unknown',
      shape: dims.map((d) =>
        d.dimValue !== undefined && d.dimValue !== null && Number(d.dimValue) > 0
          ? Number(d.dimValue)
          : d.dimParam
            ? d.dimParam
            : null,
      ),
    };
  };
  return {
    inputs: (graph.input ?? []).filter((v) => !initializerNames.has(v.name ?? '')).map(spec),
    outputs: (graph.output ?? []).map(spec),
    opset,
    producer: [model.producerName, model.producerVersion].filter(Boolean).join(' ') || 'unknown',
    nodes: (graph.node ?? []).length,
    parameters,
    irVersion: Number(model.irVersion),
  };
}
