/** `npm start` where there is no Electron binary or no display: one line saying why, then `lathe serve`. */
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { probeElectronBinary } from '../electron/core/doctor/electron-binary.js';

const root = new URL('..', import.meta.url).pathname;
const built =
  existsSync(join(root, 'dist/electron/cli/lathe.js')) && existsSync(join(root, 'dist/renderer/index.html'));

describe('npm start without Electron', () => {
  it.runIf(built)('explains in one line why, then serves the UI on 127.0.0.1', async () => {
    const home = mkdtempSync(join(tmpdir(), 'lathe-start-'));
    const env: NodeJS.ProcessEnv = { ...process.env, LATHE_HOME: home };
    delete env.DISPLAY;
    delete env.WAYLAND_DISPLAY;
    const child = spawn(process.execPath, [join(root, 'scripts/start.mjs'), '--port', '0', '--json'], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
    const why = (await lines.next()).value as string;
    expect(why).toMatch(/^Lathe desktop is unavailable here: .+; serving the same UI on 127\.0\.0\.1 instead\.$/);
    // The reason names what is missing: the binary where there is none, else the display.
    expect(why).toContain(probeElectronBinary().present ? 'display' : 'no Electron binary');
    const { url, token } = JSON.parse((await lines.next()).value as string) as { url: string; token: string };
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=/);
    const first = await fetch(url, { redirect: 'manual' });
    expect(first.status).toBe(302);
    const cookie = first.headers.get('set-cookie')!.split(';')[0]!;
    const page = await fetch(new URL('/', url), { headers: { Cookie: cookie } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<title>Lathe</title>');
    expect(token.length).toBeGreaterThanOrEqual(32);
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
    expect(existsSync(join(home, 'server.json'))).toBe(false);
    rmSync(home, { recursive: true, force: true });
  });
});
