/** `lathe monitor create|list|show|run`: monitors of a model over a stream of batches, with their alerts. */
import type { Command } from 'commander';
import type { MonitorRun, MonitorSummary } from '../../../shared/contract/index.js';
import { LatheError } from '../../../shared/errors.js';
import { parseInput } from '../../core/rpc/dispatch.js';
import { withCore } from '../context.js';
import { exitCodes, formatTime, printResult, table, type GlobalOptions } from '../output.js';

interface CreateFlags {
  model: string;
  reference: string;
  dataset?: string;
  folder?: string;
  window?: string;
  timeColumn?: string;
  labelColumn?: string;
  driftShare?: string;
  minAccuracy?: string;
}

function number(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isFinite(value))
    throw new LatheError('BAD_INPUT', `--${flag}: "${text}" is not a number`, { field: flag });
  return value;
}

const percent = (value: number | null | undefined) => (value === null || value === undefined ? '-' : value.toFixed(3));

/** The windows of a run as a table: accuracy, F1 and ROC AUC for a classifier, MAE, RMSE and R² for a regressor. */
export function runTable(run: MonitorRun): string {
  const regression = run.task === 'regression';
  return table(
    [
      'WINDOW',
      'ROWS',
      'DRIFT SHARE',
      'DRIFTED',
      ...(regression ? ['MAE', 'RMSE', 'R²'] : ['EST. ACCURACY', 'BAND', 'REALISED', 'F1', 'ROC AUC']),
      'ALERTS',
    ],
    run.windows.map((window) => [
      window.label,
      String(window.rows),
      window.driftShare.toFixed(2),
      window.driftedColumns.join(',') || '-',
      ...(regression
        ? [percent(window.mae), percent(window.rmse), percent(window.r2)]
        : [
            percent(window.estimatedAccuracy),
            window.lower === null ? '-' : `${window.lower.toFixed(3)}–${window.upper!.toFixed(3)}`,
            percent(window.realisedAccuracy),
            percent(window.f1),
            percent(window.rocAuc),
          ]),
      window.alerts.join(',') || '-',
    ]),
  );
}

function describeMonitor(monitor: MonitorSummary): string {
  const stream =
    monitor.config.stream.kind === 'dataset'
      ? `dataset ${monitor.config.stream.dataset}`
      : `folder ${monitor.config.stream.path}`;
  const window =
    typeof monitor.config.window === 'string' ? monitor.config.window : `every ${monitor.config.window.rows} rows`;
  return `${monitor.name}: model ${monitor.config.model}, reference ${monitor.config.reference}, ${stream}, ${window} windows${monitor.config.timeColumn ? ` on ${monitor.config.timeColumn}` : ''}`;
}

/** Registers the monitor commands. */
export function registerMonitorCommands(program: Command, globals: () => GlobalOptions): void {
  const monitor = program
    .command('monitor')
    .description('watch a model over new batches: drift, estimated and realised accuracy, alerts');

  monitor
    .command('create')
    .description('create a monitor over a dataset (its new versions) or a folder (its table files)')
    .argument('<name>', 'monitor name')
    .requiredOption('--model <ref>', 'model version (NAME@V)')
    .requiredOption('--reference <ref>', 'reference dataset version with labels (NAME@V)')
    .option('--dataset <name>', 'stream: the versions of this dataset')
    .option('--folder <path>', 'stream: the .csv/.tsv/.parquet/.jsonl files in this folder, by name')
    .option('--window <kind>', 'daily, weekly, monthly, batch (default) or a number of rows')
    .option('--time-column <name>', 'time column for daily, weekly and monthly windows')
    .option('--label-column <name>', "label column (default: the model's target)")
    .option('--drift-share <x>', 'alert when this share of features drifts in a window (default 0.5)')
    .option('--min-accuracy <x>', 'alert when a window’s accuracy (estimated or realised) falls below this')
    .action(async (name: string, flags: CreateFlags) => {
      const options = globals();
      if (Boolean(flags.dataset) === Boolean(flags.folder))
        throw new LatheError('BAD_INPUT', 'give exactly one stream: --dataset NAME or --folder PATH', {
          field: 'stream',
        });
      const rows = flags.window && /^\d+$/.test(flags.window) ? Number(flags.window) : null;
      const input = parseInput('monitors.create', {
        name,
        model: flags.model,
        reference: flags.reference,
        stream: flags.dataset ? { kind: 'dataset', dataset: flags.dataset } : { kind: 'folder', path: flags.folder },
        window: rows !== null ? { rows } : flags.window,
        timeColumn: flags.timeColumn,
        labelColumn: flags.labelColumn,
        driftShare: number('drift-share', flags.driftShare),
        minAccuracy: number('min-accuracy', flags.minAccuracy),
      });
      const created = await withCore(options, (core) => core.monitors.create(input));
      printResult(options, created, () => `created ${describeMonitor(created)}`);
    });

  monitor
    .command('list')
    .description('list monitors with their latest run')
    .action(async () => {
      const options = globals();
      const list = await withCore(options, (core) => core.monitors.list());
      printResult(options, list, () =>
        list.length === 0
          ? 'no monitors yet; create one with `lathe monitor create NAME --model M@V --reference D@V --folder PATH`'
          : table(
              ['NAME', 'MODEL', 'REFERENCE', 'LAST RUN', 'WINDOWS', 'ALERTS'],
              list.map((item) => [
                item.name,
                item.config.model,
                item.config.reference,
                item.lastRun ? formatTime(item.lastRun.createdAt) : '-',
                item.lastRun ? String(item.lastRun.windows.length) : '-',
                String(item.alertCount),
              ]),
            ),
      );
    });

  monitor
    .command('show')
    .description("show a monitor, its latest run's windows and its alerts")
    .argument('<name>', 'monitor name')
    .action(async (name: string) => {
      const options = globals();
      const input = parseInput('monitors.show', { name });
      const shown = await withCore(options, (core) => core.monitors.show(input.name));
      printResult(options, shown, () =>
        [
          describeMonitor(shown.monitor),
          shown.monitor.lastRun ? runTable(shown.monitor.lastRun) : 'not run yet',
          '',
          shown.alerts.length
            ? shown.alerts
                .map((alert) => `${formatTime(alert.createdAt)}  ${alert.kind.padEnd(11)} ${alert.message}`)
                .join('\n')
            : 'no alerts',
        ].join('\n'),
      );
    });

  monitor
    .command('run')
    .description('run a monitor over its stream now; exits 1 when the run raised alerts')
    .argument('<name>', 'monitor name')
    .action(async (name: string) => {
      const options = globals();
      const input = parseInput('monitors.run', { name });
      const run = await withCore(options, (core) => core.monitors.run(input.name));
      printResult(options, run, () => runTable(run));
      if (run.windows.some((window) => window.alerts.length > 0)) process.exitCode = exitCodes.failed;
    });
}
