/** `lathe doctor`: a truthful report of what this machine gives Lathe. Every line is measured, none assumed. */
import { probeElectronBinary, hasDisplay } from './electron-binary.js';
import {
  chooseTrainingBackend,
  probeTrainingBackends,
  type TrainingBackendProbe,
} from '../compute/training-backends.js';
import { probeWebGpu, type WebGpuProbe } from '../compute/webgpu.js';
import { probeInference, type InferenceProbe } from '../compute/inference-providers.js';
import { probeGpu, type GpuProbe } from '../compute/gpu.js';
import type { Core } from '../core.js';

/** The doctor's report, as `lathe doctor --json` prints it. */
export interface DoctorReport {
  ok: boolean;
  node: string;
  platform: string;
  electron: { binaryPresent: boolean; version?: string; path?: string; display: boolean; detail: string };
  training: { chosen: string; backends: TrainingBackendProbe[] };
  inference: InferenceProbe;
  gpu: GpuProbe;
  /** The WebGPU adapter (vendor, architecture, backend, software or hardware), or why there is none. */
  webgpu: WebGpuProbe;
  home: string;
  database: { path: string; schemaVersion: number; supportedSchemaVersion: number };
  objects: {
    count: number;
    bytes: number;
    /** Bytes `lathe gc` would free (unreferenced objects and stale temp files). */
    reclaimableBytes: number;
    /** With `--verify`: objects re-hashed, and those whose bytes or kind are wrong. */
    verify?: { checked: number; corrupt: string[]; foreign: string[] };
  };
  problems: string[];
}

/** Runs every probe. `ok` is false when something Lathe needs (the store, ONNX Runtime, any training backend) is broken. */
export async function runDoctor(core: Core, options: { verify?: boolean } = {}): Promise<DoctorReport> {
  const [backends, inference, webgpu] = await Promise.all([probeTrainingBackends(), probeInference(), probeWebGpu()]);
  const electron = probeElectronBinary();
  const usage = core.objects.usage();
  const problems: string[] = [];
  if (!inference.available) problems.push(inference.detail);
  const chosen = backends.some((b) => b.available) ? await chooseTrainingBackend() : undefined;
  if (!chosen) problems.push('no TensorFlow.js backend could be loaded');
  const verify = options.verify ? await core.store.verify() : undefined;
  if (verify && verify.corrupt.length > 0)
    problems.push(`${verify.corrupt.length} object(s) no longer match their hash: ${verify.corrupt.join(', ')}`);
  if (verify && verify.foreign.length > 0)
    problems.push(
      `${verify.foreign.length} entr(ies) in the object store are not plain objects: ${verify.foreign.join(', ')}`,
    );
  return {
    ok: problems.length === 0,
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    electron: {
      binaryPresent: electron.present,
      version: electron.version,
      path: electron.path,
      display: hasDisplay(),
      detail: electron.reason,
    },
    training: { chosen: chosen ?? 'none', backends },
    inference,
    gpu: probeGpu(),
    webgpu,
    home: core.home,
    database: {
      path: core.databasePath,
      schemaVersion: core.schemaVersion(),
      supportedSchemaVersion: core.supportedSchemaVersion,
    },
    objects: {
      count: usage.objects,
      bytes: usage.bytes,
      reclaimableBytes: core.store.reclaimable(),
      ...(verify ? { verify: { checked: verify.checked, corrupt: verify.corrupt, foreign: verify.foreign } } : {}),
    },
    problems,
  };
}
