// better-sqlite3 is compiled for Node's ABI by `npm install`; the Electron binary needs a build for
// Electron's ABI. Rather than rebuild in place (which would break the CLI and the tests), we build a
// second copy once per Electron version into node_modules/.cache/lathe-electron/ and hand its path to
// the app through LATHE_SQLITE_BINDING (better-sqlite3's `nativeBinding` option). Packaged apps do not
// need this: electron-builder rebuilds native modules for Electron itself.
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, copyFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Returns the path of an Electron-ABI better_sqlite3.node, building it if needed; undefined when that fails. */
export function electronSqliteBinding(root, electronVersion) {
  const cacheDir = join(root, 'node_modules', '.cache', 'lathe-electron', electronVersion);
  const target = join(cacheDir, 'better_sqlite3.node');
  if (existsSync(target)) return target;
  console.log(`Building better-sqlite3 for Electron ${electronVersion} (once)…`);
  const work = mkdtempSync(join(tmpdir(), 'lathe-sqlite-electron-'));
  try {
    cpSync(join(root, 'node_modules', 'better-sqlite3'), work, {
      recursive: true,
      filter: (src) => !src.includes(`${join('build', '')}`),
    });
    const bin = join(root, 'node_modules', '.bin');
    // A prebuilt binary for Electron first (from better-sqlite3's releases), else compile with Electron's headers.
    const prebuilt = spawnSync(join(bin, 'prebuild-install'), ['--runtime=electron', `--target=${electronVersion}`], {
      cwd: work,
      stdio: 'inherit',
    });
    if (prebuilt.status !== 0) {
      const compiled = spawnSync(
        join(bin, 'node-gyp'),
        [
          'rebuild',
          '--release',
          `--target=${electronVersion}`,
          '--dist-url=https://electronjs.org/headers',
          '--runtime=electron',
        ],
        { cwd: work, stdio: 'inherit' },
      );
      if (compiled.status !== 0) return undefined;
    }
    mkdirSync(cacheDir, { recursive: true });
    copyFileSync(join(work, 'build', 'Release', 'better_sqlite3.node'), target);
    return target;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
