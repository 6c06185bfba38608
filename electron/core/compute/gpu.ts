/** Tells whether an NVIDIA GPU is visible to this process, and how we know. */
import { existsSync, readdirSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

/** What the GPU probe found. */
export interface GpuProbe {
  seen: boolean;
  name?: string;
  reason: string;
}

/** Looks for an NVIDIA device (the only kind TensorFlow and ONNX Runtime use through CUDA here). */
export function probeGpu(): GpuProbe {
  try {
    const output = execFileSync('nvidia-smi', ['--query-gpu=name', '--format=csv,noheader'], {
      encoding: 'utf8',
      timeout: 5000,
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
    if (output) return { seen: true, name: output.split('\n')[0], reason: 'nvidia-smi lists a GPU' };
  } catch {
    // nvidia-smi is absent or found no device: fall through to the device files.
  }
  const devices = existsSync('/dev') ? readdirSync('/dev').filter((name) => /^nvidia\d+$/.test(name)) : [];
  if (devices.length > 0) return { seen: true, reason: `device files ${devices.join(', ')} exist` };
  return { seen: false, reason: 'no nvidia-smi output and no /dev/nvidia* device' };
}
