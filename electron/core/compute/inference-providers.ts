/** ONNX Runtime execution providers: which ones this onnxruntime-node install can really use, and which a model gets. */
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { probeGpu } from './gpu.js';

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

async function probe(): Promise<InferenceProbe> {
  try {
    const ort = await import('onnxruntime-node');
    const listed = (
      ort as unknown as { listSupportedBackends?: () => { name: string; bundled: boolean }[] }
    ).listSupportedBackends?.() ?? [{ name: 'cpu', bundled: true }];
    const libraries = bindingLibraries();
    const gpu = probeGpu();
    const details: ProviderProbe[] = listed.map(({ name, bundled }) => {
      if (name === 'cpu') return { name, usable: true, detail: 'built in' };
      const needsGpu = name === 'cuda' || name === 'tensorrt' || name === 'webgpu';
      const hasLibrary = bundled || libraries.some((file) => file.includes(`providers_${name}`));
      if (!hasLibrary) return { name, usable: false, detail: `libonnxruntime_providers_${name} is not installed` };
      if (needsGpu && !gpu.seen) return { name, usable: false, detail: `no GPU: ${gpu.reason}` };
      return { name, usable: true, detail: bundled ? 'bundled' : 'provider library installed' };
    });
    const providers = details.filter((d) => d.usable).map((d) => d.name);
    const chosen = providers.includes('cuda') ? 'cuda' : 'cpu';
    const version = (ort as unknown as { env?: { versions?: { common?: string } } }).env?.versions?.common;
    return {
      available: true,
      version,
      providers,
      details,
      chosen,
      detail: chosen === 'cpu' ? `CPU: ${gpu.seen ? 'no CUDA provider library' : gpu.reason}` : 'CUDA',
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
