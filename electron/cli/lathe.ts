/** The `lathe` command: parses arguments with commander and maps outcomes to exit codes 0, 1 and 2. */
import { Command, CommanderError } from 'commander';
import { latheVersion } from '../core/app-root.js';
import { exitCodes, reportError, type GlobalOptions } from './output.js';
import { registerDoctorCommand } from './commands/doctor.js';
import { registerExperimentCommands } from './commands/experiments.js';
import { registerRunCommands } from './commands/runs.js';
import { registerDataCommands } from './commands/data.js';
import { registerServeCommand } from './commands/serve.js';
import { registerModelCommands } from './commands/models.js';
import { registerStoreCommands } from './commands/store.js';
import { registerDriftCommand } from './commands/drift.js';
import { registerMonitorCommands } from './commands/monitor.js';
import { registerRegistryCommands } from './commands/registry.js';
import { registerValidateCommand } from './commands/validate.js';
import { registerExportCommands } from './commands/export.js';

/** Builds the program (exported for tests). */
export function buildProgram(): Command {
  const program = new Command('lathe')
    .description('Local ML ops: experiments, datasets, models and their lineage, on this machine.')
    .version(latheVersion(), '-V, --version')
    .option('--home <path>', 'Lathe home folder (default: $LATHE_HOME, else ~/.lathe)')
    .option('--json', 'print machine-readable JSON')
    .showHelpAfterError('(run `lathe --help` for usage)')
    .exitOverride();
  const globals = () => program.opts<GlobalOptions>();
  registerServeCommand(program, globals);
  registerDoctorCommand(program, globals);
  registerExperimentCommands(program, globals);
  registerRunCommands(program, globals);
  registerDataCommands(program, globals);
  registerModelCommands(program, globals);
  registerStoreCommands(program, globals);
  registerDriftCommand(program, globals);
  registerMonitorCommands(program, globals);
  registerRegistryCommands(program, globals);
  registerValidateCommand(program, globals);
  registerExportCommands(program, globals);
  for (const command of program.commands) applyOverrides(command);
  return program;
}

function applyOverrides(command: Command): void {
  command.exitOverride();
  command.configureOutput({ writeErr: (text) => process.stderr.write(text) });
  for (const sub of command.commands) applyOverrides(sub);
}

/** Runs the CLI with `argv` and returns the exit code. */
export async function runCli(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : exitCodes.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and --version end through here with exit code 0; everything else is bad usage.
      if (error.exitCode === 0) return exitCodes.ok;
      if (error.code === 'commander.help' || error.code === 'commander.helpDisplayed') return exitCodes.ok;
      return exitCodes.usage;
    }
    return reportError(program.opts<GlobalOptions>(), error);
  }
}
