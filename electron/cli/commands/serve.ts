/**
 * `lathe serve`'s options: this file only declares and checks them (port, token) and hands the command to
 * the server's own action (electron/server/serve.ts), which starts, prints where, and stops on a signal. It
 * does not wrap that action, so a request served by `lathe serve` does not pass through this file.
 */
import { InvalidArgumentError, type Command } from 'commander';
import { defaultPort, serveAction } from '../../server/serve.js';
import { homeFrom } from '../context.js';
import { type GlobalOptions } from '../output.js';

/** Parses a TCP port (0 means any free port). */
export function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535) throw new InvalidArgumentError('a port is a whole number from 0 to 65535');
  return port;
}

/** Checks a caller-chosen token: it travels in URLs and headers, so only URL-safe characters, 8 or more. */
export function parseToken(value: string): string {
  if (!/^[A-Za-z0-9._~-]{8,}$/.test(value))
    throw new InvalidArgumentError('a token is at least 8 characters of A-Z a-z 0-9 . _ ~ -');
  return value;
}

/** Registers `lathe serve`. */
export function registerServeCommand(program: Command, globals: () => GlobalOptions): void {
  program
    .command('serve')
    .description('serve the Lathe UI and API on 127.0.0.1 (token required)')
    .option('--port <n>', `port to listen on; 0 picks a free one (default ${defaultPort})`, parsePort)
    .option('--token <t>', 'use this token instead of a random one', parseToken)
    .action(
      serveAction(() => {
        const options = globals();
        return { home: homeFrom(options), json: options.json === true };
      }),
    );
}
