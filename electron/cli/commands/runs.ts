/** `lathe runs …`: list runs of an experiment (with MLflow's filter syntax), show one run, delete runs for good. */
import type { Command } from 'commander';
import type { RunDetail } from '../../../shared/contract/index.js';
import { LatheError } from '../../../shared/errors.js';
import type { Core } from '../../core/core.js';
import { withCore } from '../context.js';
import { formatBytes } from './doctor.js';
import { printResult, table, type GlobalOptions, formatTime } from '../output.js';

/** Registers the runs commands. */
export function registerRunCommands(program: Command, globals: () => GlobalOptions): void {
  const runs = program.command('runs').description('list, show and delete tracked runs');

  runs
    .command('list')
    .description('list the runs of an experiment, newest first')
    .requiredOption('--experiment <name>', 'experiment name (or id)')
    .option('--filter <expr>', 'MLflow filter, e.g. "metrics.acc > 0.9 and params.lr = \'0.01\'"')
    .option('--order-by <clause...>', 'e.g. "metrics.acc DESC"')
    .option('--max <n>', 'at most this many runs', '100')
    .option('--deleted', 'list soft-deleted runs instead of active ones')
    .action(
      async (local: { experiment: string; filter?: string; orderBy?: string[]; max: string; deleted?: boolean }) => {
        const options = globals();
        const max = Number(local.max);
        if (!Number.isInteger(max) || max < 1 || max > 50_000)
          throw new LatheError('BAD_INPUT', `--max must be an integer from 1 to 50000 (got "${local.max}")`, {
            field: 'max',
          });
        const result = await withCore(options, (core) => {
          const experiment = findExperiment(core, local.experiment);
          const found = core.tracking.searchRuns({
            experimentIds: [experiment.id],
            filter: local.filter,
            orderBy: local.orderBy,
            maxResults: max,
            lifecycle: local.deleted ? 'deleted' : 'active',
            withTotal: true,
          });
          return { experiment, ...found };
        });
        printResult(
          options,
          {
            experiment: { id: result.experiment.id, name: result.experiment.name },
            runs: result.runs,
            total: result.total,
            nextPageToken: result.nextPageToken,
          },
          () =>
            humanList(result.experiment.name, result.runs, result.total ?? result.runs.length, Boolean(local.filter)),
        );
      },
    );

  runs
    .command('show')
    .description('show one run: status, params, latest metrics, tags and artifacts')
    .argument('<id>', 'run id')
    .action(async (id: string) => {
      const options = globals();
      const shown = await withCore(options, (core) => ({
        run: core.tracking.getRunDetail(id),
        artifacts: core.tracking.listArtifacts(id),
      }));
      printResult(options, { ...shown.run, artifacts: shown.artifacts }, () => humanRun(shown.run, shown.artifacts));
    });

  runs
    .command('delete')
    .description('delete runs for good: their params, metrics, tags and artifacts (no undo)')
    .argument('<ids...>', 'run ids')
    .action(async (ids: string[]) => {
      const options = globals();
      const result = await withCore(options, (core) => core.tracking.purgeRuns(ids));
      printResult(
        options,
        result,
        () =>
          `deleted ${result.runs} run(s) for good; removed ${result.objectsRemoved} artifact object(s), ${formatBytes(result.bytesFreed)} freed`,
      );
    });
}

function findExperiment(core: Core, nameOrId: string) {
  const byName = core.experiments.findByName(nameOrId);
  if (byName) return byName;
  if (/^\d+$/.test(nameOrId)) return core.experiments.get(nameOrId);
  throw new LatheError('NOT_FOUND', `No experiment named "${nameOrId}" (list them with: lathe experiments list)`, {
    field: 'experiment',
  });
}

function duration(run: RunDetail): string {
  const end = run.endTime ?? (run.status === 'RUNNING' ? Date.now() : null);
  if (end === null) return '-';
  const seconds = Math.max(0, Math.round((end - run.startTime) / 1000));
  if (seconds < 60) return `${seconds}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, '0')}s`;
  return `${Math.floor(seconds / 3600)}h${String(Math.floor((seconds % 3600) / 60)).padStart(2, '0')}m`;
}

function humanList(experiment: string, runs: RunDetail[], total: number, filtered: boolean): string {
  if (runs.length === 0) {
    return filtered
      ? `No runs of "${experiment}" match the filter.`
      : `No runs in "${experiment}" yet. Log one from Python with MLFLOW_TRACKING_URI pointing at \`lathe serve\` (see docs/mlflow.md).`;
  }
  const rows = runs.map((r) => [
    r.id,
    r.name,
    r.status,
    formatTime(r.startTime),
    duration(r),
    Object.values(r.metrics)
      .slice(0, 3)
      .map((m) => `${m.key}=${m.value === null ? m.text : Number(m.value.toPrecision(6))}`)
      .join(' '),
  ]);
  const more = total > runs.length ? `\n(${runs.length} of ${total} shown; use --max)` : '';
  return table(['ID', 'NAME', 'STATUS', 'STARTED', 'DURATION', 'METRICS'], rows) + more;
}

function humanRun(run: RunDetail, artifacts: { path: string; isDir: boolean; size: number | null }[]): string {
  const lines = [
    `Run ${run.id} "${run.name}"`,
    `  experiment  ${run.experimentId}`,
    `  status      ${run.status}${run.lifecycleStage === 'deleted' ? ' (deleted)' : ''}`,
    `  started     ${formatTime(run.startTime)}`,
    `  duration    ${duration(run)}`,
    `  artifacts   ${run.artifactUri}`,
  ];
  const section = (title: string, entries: [string, string][]) => {
    if (entries.length === 0) return;
    lines.push('', title);
    const width = Math.max(...entries.map(([k]) => k.length));
    for (const [k, v] of entries) lines.push(`  ${k.padEnd(width)}  ${v}`);
  };
  section('Params', Object.entries(run.params));
  section(
    'Metrics (latest)',
    Object.values(run.metrics).map((m) => [m.key, `${m.text}  (step ${m.step})`]),
  );
  section('Tags', Object.entries(run.tags));
  section(
    'Artifacts',
    artifacts.map((a) => [a.isDir ? a.path + '/' : a.path, a.isDir ? '' : formatBytes(a.size ?? 0)]),
  );
  return lines.join('\n');
}
