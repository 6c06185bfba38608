#!/usr/bin/env node
// The `lathe` command. The CLI is built into dist/ by `npm install` (the prepare script).
import { existsSync } from 'node:fs';
const entry = new URL('../dist/electron/cli/lathe.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('lathe: the CLI is not built yet; run `npm run build` in the Lathe folder\n');
  process.exit(1);
}
const { runCli } = await import(entry.href);
process.exitCode = await runCli(process.argv.slice(2));
