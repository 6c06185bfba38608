/**
 * What an MLflow script needs to log into this Lathe: the address and token of the running `lathe serve`,
 * read from `<home>/server.json` (written by serve.ts, mode 0600). The runs page's empty state shows them
 * as lines to paste; a file left by a process that is gone counts as no server.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The tracking URI and token of the live server of `home`, or nulls when none runs. */
export function trackingConnection(home: string): { uri: string | null; token: string | null; serverFile: string } {
  const serverFile = join(home, 'server.json');
  const none = { uri: null, token: null, serverFile };
  if (!existsSync(serverFile)) return none;
  try {
    const parsed = JSON.parse(readFileSync(serverFile, 'utf8')) as { port?: unknown; token?: unknown; pid?: unknown };
    if (typeof parsed.port !== 'number' || typeof parsed.token !== 'string' || typeof parsed.pid !== 'number')
      return none;
    try {
      process.kill(parsed.pid, 0);
    } catch (error) {
      // EPERM: alive but another user's; ESRCH: gone.
      if ((error as NodeJS.ErrnoException).code === 'ESRCH') return none;
    }
    return { uri: `http://127.0.0.1:${parsed.port}`, token: parsed.token, serverFile };
  } catch {
    return none;
  }
}
