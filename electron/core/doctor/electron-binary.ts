/** Finds out whether the Electron binary was installed (the npm package alone ships no binary). */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** What the probe found. */
export interface ElectronBinaryProbe {
  present: boolean;
  path?: string;
  version?: string;
  reason: string;
}

/** Reads node_modules/electron's path.txt, which its install script writes only after the binary arrived. */
export function probeElectronBinary(): ElectronBinaryProbe {
  const require = createRequire(import.meta.url);
  let packageDir: string;
  let version: string | undefined;
  try {
    const packageJson = require.resolve('electron/package.json');
    packageDir = dirname(packageJson);
    version = (JSON.parse(readFileSync(packageJson, 'utf8')) as { version: string }).version;
  } catch {
    return { present: false, reason: 'the electron package is not installed' };
  }
  const pathFile = join(packageDir, 'path.txt');
  if (!existsSync(pathFile)) {
    return {
      present: false,
      version,
      reason: `electron ${version} is installed without its binary (run \`npm run electron:install\` where GitHub is reachable)`,
    };
  }
  const binary = join(packageDir, 'dist', readFileSync(pathFile, 'utf8').trim());
  if (!existsSync(binary)) return { present: false, version, reason: `${binary} is missing` };
  return { present: true, path: binary, version, reason: 'binary found' };
}

/** True when a graphical display is reachable (always on macOS and Windows). */
export function hasDisplay(env: NodeJS.ProcessEnv = process.env, platform = process.platform): boolean {
  if (platform !== 'linux' && platform !== 'freebsd' && platform !== 'openbsd') return true;
  return Boolean(env.DISPLAY || env.WAYLAND_DISPLAY);
}
