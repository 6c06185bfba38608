import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { prepareHome, resolveHomePath } from './home.js';
import { openCore } from './core.js';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('Lathe home', () => {
  it('takes --home first, then LATHE_HOME, then the shell default, then ~/.lathe', () => {
    expect(resolveHomePath({ flag: '/a', env: '/b', fallback: '/c' })).toBe('/a');
    expect(resolveHomePath({ env: '/b', fallback: '/c' })).toBe('/b');
    expect(resolveHomePath({ fallback: '/c' })).toBe('/c');
    expect(resolveHomePath({})).toBe(join(homedir(), '.lathe'));
  });

  it('creates a missing home', () => {
    const base = mkdtempSync(join(tmpdir(), 'lathe-home-'));
    dirs.push(base);
    expect(prepareHome(join(base, 'nested', 'home'))).toBe(join(base, 'nested', 'home'));
  });

  it('gives a clear error naming the path when the home cannot be written', () => {
    const base = mkdtempSync(join(tmpdir(), 'lathe-home-'));
    dirs.push(base);
    // A regular file where a folder should be: unwritable even for root (tests run as root here).
    writeFileSync(join(base, 'blocker'), 'x');
    const home = join(base, 'blocker', 'home');
    expect(() => openCore({ home, shell: 'cli' })).toThrowError(
      `Cannot use Lathe home ${home}: a part of the path is a file, not a folder`,
    );
    expect(() => prepareHome(join(base, 'blocker'))).toThrowError(/blocker: it is a file, not a folder/);
  });
});
