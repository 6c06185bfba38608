/** How the CLI speaks: human text or one JSON document on stdout, errors as one line on stderr, and exit codes. */
import { LatheError, toErrorShape } from '../../shared/errors.js';

/** 0 success, 1 the checked thing failed, 2 bad usage or input. */
export const exitCodes = { ok: 0, failed: 1, usage: 2 } as const;

/** Global options every command sees. */
export interface GlobalOptions {
  home?: string;
  json?: boolean;
}

/** Prints a result: JSON when asked, otherwise the human rendering. */
export function printResult(options: GlobalOptions, value: unknown, human: () => string): void {
  if (options.json) process.stdout.write(JSON.stringify(value) + '\n');
  else process.stdout.write(human() + '\n');
}

/** Error codes that mean the user asked for something wrong (exit 2) rather than a failure (exit 1). */
const usageCodes = new Set([
  'BAD_INPUT',
  'UNKNOWN_METHOD',
  'NOT_FOUND',
  'ALREADY_EXISTS',
  'CONFLICT',
  'PAYLOAD_TOO_LARGE',
  'STORE_UNUSABLE',
]);

/** Prints an error as one line on stderr and returns the exit code it deserves. */
export function reportError(options: GlobalOptions, error: unknown): number {
  const shape = toErrorShape(error);
  if (options.json)
    process.stderr.write(JSON.stringify({ error: { code: shape.code, message: shape.message } }) + '\n');
  else process.stderr.write(`lathe: ${shape.message.replace(/\s*\n\s*/g, ' ')}\n`);
  return error instanceof LatheError && usageCodes.has(shape.code) ? exitCodes.usage : exitCodes.failed;
}

/** Formats rows as aligned columns for people. */
export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(headers), ...rows.map(line)].join('\n');
}

/** A timestamp (ms since the epoch) as `YYYY-MM-DD HH:MM:SS` in UTC, the CLI's one time format. */
export function formatTime(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}
