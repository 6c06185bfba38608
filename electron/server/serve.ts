/**
 * `lathe serve`: opens the core over a home, starts the HTTP server, records how to reach it in
 * `<home>/server.json` (mode 0600, removed on clean exit), tells the user where, and shuts down cleanly on
 * SIGINT/SIGTERM. The CLI only declares the options (electron/cli/commands/serve.ts) and registers
 * `serveAction` as the command's action as is, so the command's file is not a layer every request sits under.
 */
import { randomBytes } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openCore, type Core } from '../core/core.js';
import { createDispatch } from '../core/rpc/dispatch.js';
import { createHandlers } from '../core/rpc/handlers.js';
import { appRoot, latheVersion } from '../core/app-root.js';
import { startHttpServer, type RunningServer } from './http-server.js';
import { featureRoutes, featureTables } from './routes.js';

/** Options of `lathe serve`. */
export interface ServeOptions {
  home: string;
  port: number;
  token?: string;
  rendererDir?: string;
}

/** A started `lathe serve`: the server, the core behind it, and a clean stop. */
export interface Serving {
  server: RunningServer;
  core: Core;
  serverFile: string;
  stop(): Promise<void>;
}

/** The default port when none is given; a busy default falls back to a free port. */
export const defaultPort = 7788;

/** Where the built renderer is: dist/renderer under Lathe's root, from source and from dist alike. */
export function defaultRendererDir(): string {
  return join(appRoot(), 'dist', 'renderer');
}

/** Starts serving. The caller prints the URL and decides when to stop. */
export async function startServing(options: ServeOptions & { portExplicit?: boolean }): Promise<Serving> {
  const core = openCore({ home: options.home, shell: 'web' });
  const token = options.token ?? randomBytes(24).toString('hex');
  const dispatch = createDispatch(createHandlers(core, latheVersion()));
  const settings = {
    dispatch,
    events: core.events,
    rendererDir: options.rendererDir ?? defaultRendererDir(),
    token,
    routes: featureRoutes(core),
    tables: featureTables(core),
  };
  let server: RunningServer;
  try {
    server = await startHttpServer({ ...settings, port: options.port }).catch(async (error: unknown) => {
      // The default port is a convenience: when it is busy, take any free one. An explicit port is a promise.
      if (options.portExplicit || options.port === 0) throw error;
      return startHttpServer({ ...settings, port: 0 });
    });
  } catch (error) {
    core.dispose();
    throw error;
  }
  const serverFile = join(core.home, 'server.json');
  rmSync(serverFile, { force: true }); // A stale file from a crash may have looser permissions.
  writeFileSync(
    serverFile,
    JSON.stringify({ url: `${server.url}?token=${token}`, port: server.port, token, pid: process.pid }, null, 2) + '\n',
    { mode: 0o600 },
  );
  let stopped = false;
  return {
    server,
    core,
    serverFile,
    async stop() {
      if (stopped) return;
      stopped = true;
      await server.close();
      await core.dispose();
      rmSync(serverFile, { force: true });
    },
  };
}

/** What `lathe serve` reads from the global options when it runs (the CLI resolves the home). */
export interface ServeGlobals {
  home: string;
  json: boolean;
}

/**
 * The action of `lathe serve`: starts serving on the given (or default) port, prints the URL (one JSON line
 * with `--json`), and resolves once SIGINT or SIGTERM has stopped the server and closed the core.
 */
export function serveAction(globals: () => ServeGlobals): (local: { port?: number; token?: string }) => Promise<void> {
  return async (local) => {
    const options = globals();
    const serving = await startServing({
      home: options.home,
      port: local.port ?? defaultPort,
      portExplicit: local.port !== undefined,
      token: local.token,
    });
    const { url, port, token } = serving.server;
    const openUrl = `${url}?token=${token}`;
    if (options.json) process.stdout.write(JSON.stringify({ url: openUrl, port, token }) + '\n');
    else {
      process.stdout.write(`Lathe is serving ${serving.core.home}\n`);
      process.stdout.write(`Open ${openUrl}\n`);
      process.stdout.write(
        `MLflow clients: MLFLOW_TRACKING_URI=${url.replace(/\/$/, '')} MLFLOW_TRACKING_TOKEN=${token}\n`,
      );
      process.stdout.write('Press Ctrl-C to stop.\n');
    }
    await new Promise<void>((resolve) => {
      const shutdown = () => {
        process.off('SIGINT', shutdown);
        process.off('SIGTERM', shutdown);
        serving.stop().then(resolve, (error: unknown) => {
          process.stderr.write(`lathe: shutdown failed: ${(error as Error).message}\n`);
          resolve();
        });
      };
      process.on('SIGINT', shutdown);
      process.on('SIGTERM', shutdown);
    });
  };
}
