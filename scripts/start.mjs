// `npm start`: the desktop app where an Electron binary and a display exist; otherwise one line saying
// why, then the same UI served by `lathe serve` on 127.0.0.1.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { electronSqliteBinding } from './electron-native.mjs';

const root = new URL('..', import.meta.url).pathname;
if (!existsSync(join(root, 'dist/electron/main.js')) || !existsSync(join(root, 'dist/renderer/index.html'))) {
  const built = spawnSync(process.execPath, [join(root, 'scripts/build.mjs')], { stdio: 'inherit' });
  if (built.status !== 0) process.exit(built.status ?? 1);
}

function electronBinary() {
  try {
    const require = createRequire(import.meta.url);
    const dir = dirname(require.resolve('electron/package.json'));
    const pathFile = join(dir, 'path.txt');
    if (!existsSync(pathFile))
      return {
        reason: 'no Electron binary is installed (`npm run electron:install` fetches it where GitHub is reachable)',
      };
    const binary = join(dir, 'dist', readFileSync(pathFile, 'utf8').trim());
    const version = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).version;
    return existsSync(binary) ? { binary, version } : { reason: `the Electron binary ${binary} is missing` };
  } catch {
    return { reason: 'the electron package is not installed' };
  }
}

const linuxLike = !['darwin', 'win32'].includes(process.platform);
const noDisplay = linuxLike && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY;
let { binary, version, reason } = electronBinary();
if (!binary && !noDisplay) {
  // Electron's package fetches its binary on first use (from GitHub), not at install: try once, quietly.
  const installer = join(root, 'node_modules', 'electron', 'install.js');
  if (existsSync(installer)) {
    console.log('Fetching the Electron binary (first start)…');
    spawnSync(process.execPath, [installer], { stdio: 'ignore', timeout: 300_000 });
    ({ binary, version, reason } = electronBinary());
    if (!binary) reason = 'the Electron binary could not be downloaded (no connection to GitHub?)';
  }
}
const extra = process.argv.slice(2);

const sqliteBinding = binary && !noDisplay ? electronSqliteBinding(root, version) : undefined;
if (binary && !noDisplay && !sqliteBinding) {
  reason = `better-sqlite3 could not be built for Electron ${version}`;
  binary = undefined;
}

if (binary && !noDisplay) {
  const child = spawn(binary, [root, ...extra], {
    stdio: 'inherit',
    env: { ...process.env, LATHE_SQLITE_BINDING: sqliteBinding },
  });
  child.on('exit', (code) => process.exit(code ?? 0));
} else {
  console.log(
    `Lathe desktop is unavailable here: ${reason ?? 'no display (DISPLAY and WAYLAND_DISPLAY are unset)'}; serving the same UI on 127.0.0.1 instead.`,
  );
  const child = spawn(process.execPath, [join(root, 'bin/lathe.js'), 'serve', ...extra], { stdio: 'inherit' });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code) => process.exit(code ?? 0));
}
