/**
 * Finds a WebGPU adapter through Dawn's Node bindings (npm package `webgpu`, binary inside the package:
 * Vulkan, Metal, D3D12 or OpenGL ES, any GPU vendor, no CUDA). The probe runs isolated with a timeout, so
 * a driver that crashes or hangs Dawn never takes Lathe down; its answer names the adapter
 * (vendor, architecture, backend, software or hardware) or says why there is none in words a user can act
 * on (for example which Debian packages are missing). The probe runs in a child process (a worker thread
 * under Electron), see isolated-probe.ts.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { runIsolated } from './isolated-probe.js';

/** A Dawn backend with the feature level it is asked for (OpenGL ES gives only WebGPU's compatibility level). */
export interface DawnAttempt {
  backend: 'vulkan' | 'metal' | 'd3d12' | 'opengles';
  featureLevel: 'core' | 'compatibility';
}

/** The adapter Dawn gave. */
export interface WebGpuAdapter {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  backend: DawnAttempt['backend'];
  featureLevel: DawnAttempt['featureLevel'];
  /** A CPU rasteriser (Mesa llvmpipe/lavapipe, SwiftShader, WARP): it runs the GPU code path, slowly. */
  software: boolean;
}

/** What probing WebGPU found. */
export interface WebGpuProbe {
  adapter: WebGpuAdapter | null;
  /** Why there is no adapter, or which other backends failed, one clause per backend. */
  reason: string;
  /** Debian packages whose absence explains a missing adapter (Linux only). */
  missingPackages: string[];
  /** One line for `lathe doctor` and the status bar's tooltip. */
  line: string;
  /** A few words for the status bar: "llvmpipe via OpenGL ES (software)", or "none". */
  summary: string;
}

/** Options of {@link probeWebGpu}; tests use them to stand in for a machine without the libraries. */
export interface WebGpuProbeOptions {
  /** Where the shared libraries are looked for (default: the system's library folders). */
  libraryDirs?: string[];
  /** How long Dawn may take before the probe is given up (default 20 s). */
  timeoutMs?: number;
  /** The Dawn backends to try, best first (default: this platform's). */
  attempts?: DawnAttempt[];
}

/** A shared library Dawn needs for a backend, and the Debian package that ships it. */
interface NeededLibrary {
  file: string;
  debian: string;
}

const neededLibraries: Partial<Record<DawnAttempt['backend'], NeededLibrary[]>> = {
  vulkan: [{ file: 'libvulkan.so.1', debian: 'libvulkan1' }],
  opengles: [
    { file: 'libEGL.so.1', debian: 'libegl1' },
    { file: 'libGLESv2.so.2', debian: 'libgles2' },
    { file: 'libEGL_mesa.so.0', debian: 'libegl-mesa0' },
    { file: 'dri/swrast_dri.so', debian: 'libgl1-mesa-dri' },
  ],
};

/** The Dawn backends worth trying on this platform, best first. */
export function platformAttempts(platform: NodeJS.Platform = process.platform): DawnAttempt[] {
  if (platform === 'darwin') return [{ backend: 'metal', featureLevel: 'core' }];
  if (platform === 'win32')
    return [
      { backend: 'd3d12', featureLevel: 'core' },
      { backend: 'vulkan', featureLevel: 'core' },
    ];
  return [
    { backend: 'vulkan', featureLevel: 'core' },
    { backend: 'opengles', featureLevel: 'compatibility' },
  ];
}

/** Tells a CPU rasteriser from a GPU by what Dawn reports. */
export function isSoftwareAdapter(info: { device: string; description: string; architecture: string }): boolean {
  return /llvmpipe|lavapipe|softpipe|swiftshader|swrast|basic render|warp/i.test(
    `${info.device} ${info.description} ${info.architecture}`,
  );
}

/**
 * Environment Dawn needs for a backend. Mesa's EGL picks a window system unless told otherwise, and there
 * is none in a worker or on a headless machine: `surfaceless` renders off-screen on any Mesa driver.
 * Set in the main thread before a worker starts (a worker's process.env writes do not reach native code).
 */
export function prepareDawnEnvironment(backend: DawnAttempt['backend']): void {
  if (backend === 'opengles' && process.platform === 'linux') process.env.EGL_PLATFORM ??= 'surfaceless';
}

/** Probes once per process with the defaults; with options (tests), probes afresh. */
export function probeWebGpu(options?: WebGpuProbeOptions): Promise<WebGpuProbe> {
  if (options) return probe(options);
  cached ??= probe({});
  return cached;
}
let cached: Promise<WebGpuProbe> | undefined;

async function probe(options: WebGpuProbeOptions): Promise<WebGpuProbe> {
  const attempts = options.attempts ?? platformAttempts();
  const failures: string[] = [];
  const missingPackages: string[] = [];
  let bindings: string;
  try {
    bindings = pathToFileURL(createRequire(import.meta.url).resolve('webgpu')).href;
  } catch {
    return none('the npm package "webgpu" is not installed (npm install)', []);
  }
  const runnable: DawnAttempt[] = [];
  for (const attempt of attempts) {
    const missing = missingLibraries(attempt.backend, options.libraryDirs);
    if (missing.length === 0) runnable.push(attempt);
    else {
      failures.push(`${label(attempt.backend)}: ${missing.map((m) => m.file).join(', ')} missing`);
      for (const m of missing) if (!missingPackages.includes(m.debian)) missingPackages.push(m.debian);
    }
  }
  if (runnable.length > 0) {
    const answer = await runProbe(bindings, runnable, options.timeoutMs ?? 20_000);
    failures.push(...answer.failures);
    if (answer.adapter) {
      const adapter: WebGpuAdapter = { ...answer.adapter, software: isSoftwareAdapter(answer.adapter) };
      return {
        adapter,
        reason: failures.join('; '),
        missingPackages,
        line: adapterLine(adapter, missingPackages),
        summary: `${shortName(adapter)} via ${label(adapter.backend)} (${adapter.software ? 'software' : 'hardware'})`,
      };
    }
  }
  return none(failures.join('; ') || 'no backend to try on this platform', missingPackages);
}

function none(reason: string, missingPackages: string[]): WebGpuProbe {
  const install = missingPackages.length > 0 ? ` (apt-get install ${missingPackages.join(' ')})` : '';
  return { adapter: null, reason, missingPackages, line: `no WebGPU adapter: ${reason}${install}`, summary: 'none' };
}

/** "llvmpipe (OpenGL ES 3.2 Mesa) via OpenGL ES, software …" — the adapter in one line. */
export function adapterLine(adapter: WebGpuAdapter, missingPackages: string[] = []): string {
  const gpuHint = missingPackages.includes('libvulkan1')
    ? "; for a GPU, install its Vulkan driver (apt-get install libvulkan1 mesa-vulkan-drivers, or the vendor's)"
    : '';
  const name = adapterName(adapter);
  const detail = adapter.description && adapter.description !== name ? ` (${adapter.description})` : '';
  const kind = adapter.software
    ? `software (a CPU rasteriser): training uses it only with --backend webgpu${gpuHint}`
    : 'hardware';
  return `${name}${detail} via ${label(adapter.backend)}, ${kind}`;
}

/** Vendor and architecture when the driver gives them (hardware adapters do), else the device name. */
function adapterName(adapter: WebGpuAdapter): string {
  return [adapter.vendor, adapter.architecture].filter(Boolean).join(' ') || adapter.device || 'unnamed adapter';
}

/** The name in a word or two: Mesa's device names carry the LLVM version ("llvmpipe-llvm-15-0-6-256-bits-"). */
function shortName(adapter: WebGpuAdapter): string {
  if (adapter.vendor || adapter.architecture) return adapterName(adapter);
  return adapter.device.split(/[-\s(]/)[0] || 'unnamed adapter';
}

function label(backend: DawnAttempt['backend']): string {
  return { vulkan: 'Vulkan', metal: 'Metal', d3d12: 'D3D12', opengles: 'OpenGL ES' }[backend];
}

function missingLibraries(backend: DawnAttempt['backend'], dirs = systemLibraryDirs()): NeededLibrary[] {
  if (process.platform !== 'linux' && dirs === undefined) return [];
  const needed = neededLibraries[backend] ?? [];
  return needed.filter((library) => !dirs.some((dir) => existsSync(`${dir}/${library.file}`)));
}

function systemLibraryDirs(): string[] {
  const triplet = { x64: 'x86_64-linux-gnu', arm64: 'aarch64-linux-gnu' }[process.arch as 'x64' | 'arm64'];
  return [
    ...(triplet ? [`/usr/lib/${triplet}`, `/lib/${triplet}`] : []),
    '/usr/lib64',
    '/usr/lib',
    '/lib64',
    '/lib',
    ...(process.env.LD_LIBRARY_PATH ?? '').split(':').filter(Boolean),
  ];
}

/** The probe: tries each backend in turn and answers with the first adapter; Dawn's own warnings go to stderr. */
const probeBody = `
const [bindings, attempts] = args;
const failures = [];
const { create, globals } = await import(bindings);
Object.assign(globalThis, globals);
for (const attempt of attempts) {
  try {
    const gpu = create(['backend=' + attempt.backend]);
    const adapter = await gpu.requestAdapter({ featureLevel: attempt.featureLevel });
    if (adapter) {
      const i = adapter.info;
      return { adapter: { vendor: i.vendor, architecture: i.architecture, device: i.device,
        description: i.description, backend: attempt.backend, featureLevel: attempt.featureLevel }, failures };
    }
    failures.push(attempt.backend + ': no adapter');
  } catch (error) {
    failures.push(attempt.backend + ': ' + String((error && error.message) || error).split('\\n')[0]);
  }
}
return { adapter: null, failures };
`;

interface ProbeAnswer {
  adapter: Omit<WebGpuAdapter, 'software'> | null;
  failures: string[];
}

async function runProbe(bindings: string, attempts: DawnAttempt[], timeoutMs: number): Promise<ProbeAnswer> {
  for (const attempt of attempts) prepareDawnEnvironment(attempt.backend);
  const answer = await runIsolated<ProbeAnswer>(probeBody, [bindings, attempts], timeoutMs);
  if ('failed' in answer) {
    const why = answer.failed.startsWith('no answer')
      ? `Dawn gave ${answer.failed}`
      : `Dawn's probe failed: ${answer.failed}`;
    return { adapter: null, failures: [why] };
  }
  return answer;
}
