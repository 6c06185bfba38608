/**
 * ONNX Runtime execution providers: which ones this onnxruntime-node install can really use, and which a
 * model gets: CUDA where its libraries and a GPU are present, else WebGPU where ONNX Runtime's own Dawn
 * finds an adapter (checked by opening a session isolated with a timeout, see isolated-probe.ts, so a
 * driver that crashes cannot take Lathe down), else CPU.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { LatheError } from '../../../shared/errors.js';
import { probeGpu } from './gpu.js';
import { runIsolated } from './isolated-probe.js';

/** One execution provider and whether it can be used here. */
export interface ProviderProbe {
  name: string;
  usable: boolean;
  detail: string;
}

/** What probing ONNX Runtime found. */
export interface InferenceProbe {
  available: boolean;
  version?: string;
  /** Providers that can run a model here. */
  providers: string[];
  /** Every provider the binding knows, with why it can or cannot be used. */
  details: ProviderProbe[];
  /** The provider a model loaded now would run on. */
  chosen: string;
  detail: string;
}

/**
 * Loads onnxruntime-node and checks each provider. "Not bundled" providers (CUDA, TensorRT) need their
 * shared library beside the binding, which the install skips here; CUDA is chosen only with a GPU too.
 */
export function probeInference(): Promise<InferenceProbe> {
  // Providers do not change while Lathe runs: probe once.
  cached ??= probe();
  return cached;
}
let cached: Promise<InferenceProbe> | undefined;

/** Providers Lathe chooses from, best first (TensorRT is listed by the binding but never chosen by itself). */
export const inferenceProviderOrder = ['cuda', 'webgpu', 'cpu'] as const;

/** A provider a user can force. */
export type InferenceProviderName = (typeof inferenceProviderOrder)[number];

/**
 * The providers to open a session with, best first and ending with CPU: the forced one (refused with the
 * reason when it cannot be used here), or the best usable one.
 */
export async function chooseInferenceProviders(forced?: InferenceProviderName): Promise<string[]> {
  const probe = await probeInference();
  if (forced) {
    const found = probe.details.find((d) => d.name === forced);
    if (!found?.usable)
      throw new LatheError(
        'BAD_INPUT',
        `ONNX Runtime's ${forced} provider is not available here: ${found?.detail ?? 'this onnxruntime-node does not include it'}`,
        { field: 'provider' },
      );
    return forced === 'cpu' ? ['cpu'] : [forced, 'cpu'];
  }
  return probe.chosen === 'cpu' || probe.chosen === 'none' ? ['cpu'] : [probe.chosen, 'cpu'];
}

async function probe(): Promise<InferenceProbe> {
  try {
    const ort = await import('onnxruntime-node');
    const listed = (
      ort as unknown as { listSupportedBackends?: () => { name: string; bundled: boolean }[] }
    ).listSupportedBackends?.() ?? [{ name: 'cpu', bundled: true }];
    const libraries = bindingLibraries();
    const gpu = probeGpu();
    const details: ProviderProbe[] = await Promise.all(
      listed.map(async ({ name, bundled }): Promise<ProviderProbe> => {
        if (name === 'cpu') return { name, usable: true, detail: 'built in' };
        if (name === 'webgpu') return probeWebGpuProvider();
        const needsGpu = name === 'cuda' || name === 'tensorrt';
        const hasLibrary = bundled || libraries.some((file) => file.includes(`providers_${name}`));
        if (!hasLibrary) return { name, usable: false, detail: `libonnxruntime_providers_${name} is not installed` };
        if (needsGpu && !gpu.seen) return { name, usable: false, detail: `no GPU: ${gpu.reason}` };
        return { name, usable: true, detail: bundled ? 'bundled' : 'provider library installed' };
      }),
    );
    const providers = details.filter((d) => d.usable).map((d) => d.name);
    const chosen = inferenceProviderOrder.find((name) => providers.includes(name)) ?? 'cpu';
    const version = (ort as unknown as { env?: { versions?: { common?: string } } }).env?.versions?.common;
    return {
      available: true,
      version,
      providers,
      details,
      chosen,
      detail:
        chosen === 'cpu'
          ? `CPU: ${details
              .filter((d) => d.name !== 'cpu' && !d.usable)
              .map((d) => `${d.name}: ${d.detail}`)
              .join('; ')}`
          : (details.find((d) => d.name === chosen)?.detail ?? chosen),
    };
  } catch (error) {
    return {
      available: false,
      providers: [],
      details: [],
      chosen: 'none',
      detail: `onnxruntime-node failed to load: ${(error as Error).message.split('\n')[0] ?? ''}`,
    };
  }
}

function bindingLibraries(): string[] {
  try {
    const require = createRequire(import.meta.url);
    const root = dirname(require.resolve('onnxruntime-node/package.json'));
    const found: string[] = [];
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        if (entry.isDirectory()) walk(join(dir, entry.name));
        else found.push(entry.name);
      }
    };
    const bin = join(root, 'bin');
    if (existsSync(bin)) walk(bin);
    return found;
  } catch {
    return [];
  }
}

/**
 * Opens a one-node model on ONNX Runtime's WebGPU provider, isolated. onnxruntime-node carries its
 * own Dawn (in 1.30 it asks Vulkan only, so the OpenGL ES adapter the training backend uses is not seen);
 * when it finds no adapter, creating the session throws, which is the answer we want.
 */
async function probeWebGpuProvider(timeoutMs = 20_000): Promise<ProviderProbe> {
  const folder = mkdtempSync(join(tmpdir(), 'lathe-ort-webgpu-'));
  try {
    const model = join(folder, 'identity.onnx');
    writeFileSync(model, identityModel());
    const binding = pathToFileURL(createRequire(import.meta.url).resolve('onnxruntime-node')).href;
    const answer = await runIsolated<{ usable: boolean; message?: string }>(
      `const ort = await import(args[0]);
try {
  await ort.InferenceSession.create(args[1], { executionProviders: ['webgpu'] });
  return { usable: true };
} catch (error) {
  return { usable: false, message: String((error && error.message) || error) };
}`,
      [binding, model],
      timeoutMs,
    ).then((result) => ('failed' in result ? { usable: false, message: result.failed } : result));
    if (answer.usable) return { name: 'webgpu', usable: true, detail: 'ONNX Runtime found a WebGPU adapter' };
    const reason = /No supported adapters|Failed to get a WebGPU adapter/i.test(answer.message ?? '')
      ? "ONNX Runtime's WebGPU found no adapter (it asks Vulkan: a GPU with a Vulkan driver is needed)"
      : `ONNX Runtime's WebGPU failed: ${(answer.message ?? '').split('\n')[0]}`;
    return { name: 'webgpu', usable: false, detail: reason };
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

/** A valid ONNX model with one Identity node (x: float[1] → y), written by hand in protobuf. */
export function identityModel(): Uint8Array {
  const bytes: number[] = [];
  const varint = (out: number[], value: number) => {
    while (value > 0x7f) {
      out.push((value & 0x7f) | 0x80);
      value >>>= 7;
    }
    out.push(value);
  };
  const field = (out: number[], number: number, payload: number[] | string) => {
    const data = typeof payload === 'string' ? [...new TextEncoder().encode(payload)] : payload;
    varint(out, (number << 3) | 2);
    varint(out, data.length);
    out.push(...data);
  };
  const message = (build: (out: number[]) => void) => {
    const out: number[] = [];
    build(out);
    return out;
  };
  // ValueInfo { name, type { tensor_type { elem_type: FLOAT, shape { dim { dim_value: 1 } } } } }
  const valueInfo = (name: string) =>
    message((v) => {
      field(v, 1, name);
      field(
        v,
        2,
        message((t) =>
          field(
            t,
            1,
            message((tensor) => {
              tensor.push(0x08, 1);
              field(
                tensor,
                2,
                message((shape) => field(shape, 1, [0x08, 1])),
              );
            }),
          ),
        ),
      );
    });
  const node = message((n) => {
    field(n, 1, 'x');
    field(n, 2, 'y');
    field(n, 4, 'Identity');
  });
  const graph = message((g) => {
    field(g, 1, node);
    field(g, 2, 'probe');
    field(g, 11, valueInfo('x'));
    field(g, 12, valueInfo('y'));
  });
  bytes.push(0x08, 8); // ir_version 8
  field(bytes, 7, graph);
  field(bytes, 8, [0x10, 17]); // opset_import { version: 17 }
  return Uint8Array.from(bytes);
}
