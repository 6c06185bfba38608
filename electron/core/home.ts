/** Finds the Lathe home folder and makes sure it can be used before anything is written there. */
import { accessSync, constants, mkdirSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { LatheError } from '../../shared/errors.js';

/** Where the home comes from, in order of precedence: flag, environment, then the shell's default. */
export interface HomeSources {
  flag?: string;
  env?: string;
  fallback?: string;
}

/** `--home`, else LATHE_HOME, else the shell's default (Electron's userData in the app), else ~/.lathe. */
export function resolveHomePath(sources: HomeSources): string {
  const chosen = sources.flag || sources.env || sources.fallback || join(homedir(), '.lathe');
  return resolve(chosen);
}

/** Creates the home if needed and checks it is a writable folder; throws a LatheError naming the path otherwise. */
export function prepareHome(home: string): string {
  try {
    mkdirSync(home, { recursive: true });
  } catch (error) {
    throw new LatheError('STORE_UNUSABLE', `Cannot use Lathe home ${home}: ${describeFsError(error)}`, { path: home });
  }
  if (!statSync(home).isDirectory()) {
    throw new LatheError('STORE_UNUSABLE', `Cannot use Lathe home ${home}: it is not a folder`, { path: home });
  }
  try {
    accessSync(home, constants.W_OK);
  } catch (error) {
    throw new LatheError('STORE_UNUSABLE', `Cannot use Lathe home ${home}: ${describeFsError(error)}`, { path: home });
  }
  return home;
}

/** Turns a Node fs error into a short phrase a person understands. */
export function describeFsError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException)?.code;
  switch (code) {
    case 'EACCES':
    case 'EPERM':
      return 'permission denied (it cannot be written)';
    case 'ENOTDIR':
      return 'a part of the path is a file, not a folder';
    case 'EROFS':
      return 'the file system is read-only';
    case 'ENOSPC':
      return 'the disk is full';
    case 'EEXIST':
      return 'it is a file, not a folder';
    default:
      return error instanceof Error ? error.message : String(error);
  }
}
