import { describe, expect, it } from 'vitest';
import { cleanOrtMessage } from './ort-message.js';
import { openSession } from './scoring.js';
import { errorFromWorker } from '../workers/run-worker.js';

const irMessage =
  'Load model from /home/u/.lathe/objects/sha256/ab/cd failed:/onnxruntime_src/onnxruntime/core/graph/model.cc:202 onnxruntime::Model::Model(onnx::ModelProto&&, const onnxruntime::PathString&, const onnxruntime::IOnnxRuntimeOpSchemaRegistryList*, const onnxruntime::logging::Logger&, const onnxruntime::ModelOptions&) Unsupported model IR version: 99, max supported IR version: 13\n';

describe('ONNX Runtime messages', () => {
  it('lose source paths, line numbers and C++ signatures, keeping the sentence', () => {
    const cleaned = cleanOrtMessage(irMessage);
    expect(cleaned).not.toMatch(/onnxruntime_src|model\.cc|::Model\(/);
    expect(cleaned).toContain('Unsupported model IR version: 99, max supported IR version: 13');
    expect(
      cleanOrtMessage('[ONNXRuntimeError] : 1 : FAIL : graph.cc:1555 Node (n) has input size 3 not in range'),
    ).toBe('[ONNXRuntimeError] : 1 : FAIL : Node (n) has input size 3 not in range');
    expect(cleanOrtMessage("input 'input' is missing in 'feeds'.")).toBe("input 'input' is missing in 'feeds'.");
    // Lathe's own messages pass through untouched, spacing included.
    expect(cleanOrtMessage('--out must end in .csv or .parquet: /tmp/out.txt')).toBe(
      '--out must end in .csv or .parquet: /tmp/out.txt',
    );
  });

  it('do not reach the error of a model ONNX Runtime refuses to load', async () => {
    // An IR version newer than ONNX Runtime knows: ORT's message names its own model.cc.
    const model = new URL('../../../resources/fixtures/onnx-errors/ir-version-99.onnx', import.meta.url).pathname;
    const error = (await openSession(model).then(
      () => new Error('loaded'),
      (caught: unknown) => caught as Error,
    )) as Error;
    expect(error.message).toContain('Unsupported model IR version');
    expect(error.message).not.toMatch(/onnxruntime_src|\.cc:\d+/);
  });

  it('do not reach errors sent back by a worker thread', () => {
    const error = errorFromWorker({ code: 'INTERNAL', message: irMessage });
    expect(error.message).not.toMatch(/onnxruntime_src|\.cc:\d+/);
  });
});
