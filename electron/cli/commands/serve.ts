/** `lathe serve`: the app's UI and API on 127.0.0.1, until Ctrl-C. */
import { InvalidArgumentError, type Command } from 'commander';
import { LatheError } from '../../../shared/errors.js';
import { defaultPort, startServing } from '../../server/serve.js';
import { homeFrom } from '../context.js';
import { type GlobalOptions } from '../output.js';

/** Parses a TCP port (0 means any free port). */
export function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535) throw new InvalidArgumentError('a port is a whole number from 0 to 65535');
  return port;
}

/** Registers `lathe serve`. */
export function registerServeCommand(program: Command, globals: () => GlobalOptions): void {
  program
    .command('serve')
    .description('serve the Lathe UI and API on 127.0.0.1 (token required)')
    .option('--port <n>', `port to listen on; 0 picks a free one (default ${defaultPort})`, parsePort)
    .option('--token <t>', 'use this token instead of a random one')
    .action(async (local: { port?: number; token?: string }) => {
      const options = globals();
      if (local.token !== undefined && !/^[A-Za-z0-9._~-]{8,}$/.test(local.token)) {
        throw new LatheError('BAD_INPUT', '--token must be at least 8 characters of A-Z a-z 0-9 . _ ~ -', {
          field: 'token',
        });
      }
      const serving = await startServing({
        home: homeFrom(options),
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
    });
}
