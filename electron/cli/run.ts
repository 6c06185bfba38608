/** Runs the CLI from source (tests and `tsx electron/cli/run.ts …`); the published entry is bin/lathe.js. */
import { runCli } from './lathe.js';

process.exitCode = await runCli(process.argv.slice(2));
