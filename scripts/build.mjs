// Builds every runtime of Lathe into dist/: the Node side with esbuild (one bundle per entry point,
// dependencies left to node_modules) and the renderer with Vite.
import { build as esbuild } from 'esbuild';
import { build as viteBuild } from 'vite';
import { readdirSync, existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const only = process.argv[2]; // 'node' or 'renderer' to build one half

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  packages: 'external',
  logLevel: 'warning',
  absWorkingDir: root,
};

async function buildNode() {
  const workers = existsSync(join(root, 'electron/workers'))
    ? readdirSync(join(root, 'electron/workers'))
        .filter((f) => f.endsWith('.worker.ts'))
        .map((f) => `electron/workers/${f}`)
    : [];
  await esbuild({
    ...common,
    format: 'esm',
    entryPoints: {
      'cli/lathe': 'electron/cli/lathe.ts',
      main: 'electron/main/main.ts',
      ...Object.fromEntries(workers.map((w) => [`workers/${w.split('/').pop().replace(/\.ts$/, '')}`, w])),
    },
    outdir: 'dist/electron',
    // Electron is provided by the runtime, never bundled.
    external: ['electron'],
    banner: {
      js: "import { createRequire as __latheCreateRequire } from 'node:module'; const require = __latheCreateRequire(import.meta.url);",
    },
  });
  // A sandboxed preload must be a single CommonJS file.
  await esbuild({
    ...common,
    packages: undefined,
    format: 'cjs',
    entryPoints: { preload: 'electron/preload/preload.ts' },
    outdir: 'dist/electron',
    outExtension: { '.js': '.cjs' },
    external: ['electron'],
  });
}

async function buildRenderer() {
  await viteBuild({ configFile: join(root, 'renderer/vite.config.ts'), logLevel: 'warn' });
}

if (!only) rmSync(join(root, 'dist'), { recursive: true, force: true });
if (!only || only === 'node') await buildNode();
if (!only || only === 'renderer') await buildRenderer();
console.log(`built ${only ?? 'all'} into dist/`);
