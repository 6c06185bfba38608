/**
 * The folder of Lathe's own package.json: the repository in development, the app folder (or app.asar)
 * when packaged. Found by walking up from this file, so it works from source and from any dist bundle.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: { root: string; version: string } | undefined;

function find(): { root: string; version: string } {
  if (cached) return cached;
  const start = dirname(fileURLToPath(import.meta.url));
  for (let dir = start; ; dir = dirname(dir)) {
    const candidate = join(dir, 'package.json');
    if (existsSync(candidate)) {
      const parsed = JSON.parse(readFileSync(candidate, 'utf8')) as { name?: string; version?: string };
      if (parsed.name === 'lathe') return (cached = { root: dir, version: parsed.version ?? '0.0.0' });
    }
    if (dirname(dir) === dir) throw new Error(`Cannot find Lathe's package.json above ${start}`);
  }
}

/** Lathe's root folder. */
export function appRoot(): string {
  return find().root;
}

/** The running Lathe's version, from its package.json. */
export function latheVersion(): string {
  return find().version;
}
