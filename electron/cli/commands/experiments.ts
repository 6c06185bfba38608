/** `lathe experiments …`: create, list, search, rename, delete and restore experiments. */
import type { Command } from 'commander';
import type { Experiment } from '../../../shared/contract/index.js';
import { parseInput } from '../../core/rpc/dispatch.js';
import { withCore } from '../context.js';
import { printResult, table, type GlobalOptions, formatTime } from '../output.js';

/** Registers the experiments commands. */
export function registerExperimentCommands(program: Command, globals: () => GlobalOptions): void {
  const experiments = program.command('experiments').description('create and list experiments');

  experiments
    .command('create')
    .description('create an experiment')
    .argument('<name>', 'a unique name')
    .action(async (name: string) => {
      const options = globals();
      const input = parseInput('experiments.create', { name });
      const experiment = await withCore(options, (core) => core.experiments.create(input.name));
      printResult(options, experiment, () => `created experiment ${experiment.id} "${experiment.name}"`);
    });

  experiments
    .command('list')
    .description('list experiments')
    .option('--all', 'include deleted experiments')
    .action(async (local: { all?: boolean }) => {
      const options = globals();
      const list = await withCore(options, (core) => core.experiments.list({ includeDeleted: local.all }));
      printResult(options, list, () => humanList(list));
    });

  experiments
    .command('search')
    .description("search experiments with MLflow's filter syntax, e.g. \"name LIKE 'churn%' and tags.team = 'growth'\"")
    .argument(
      '[filter]',
      'a filter over name, experiment_id, creation_time, last_update_time, lifecycle_stage and tags.<key>',
    )
    .option('--order-by <entry...>', 'e.g. "name" or "creation_time DESC" (repeatable)')
    .option('--max <n>', 'at most this many (default 1000)')
    .option('--page-token <token>', 'the next page of an earlier search')
    .option('--deleted', 'search deleted experiments only')
    .option('--all', 'search active and deleted experiments')
    .action(
      async (
        filter: string | undefined,
        local: { orderBy?: string[]; max?: string; pageToken?: string; deleted?: boolean; all?: boolean },
      ) => {
        const options = globals();
        const input = parseInput('experiments.search', {
          ...(filter ? { filter } : {}),
          ...(local.orderBy ? { orderBy: local.orderBy } : {}),
          ...(local.max !== undefined ? { maxResults: Number(local.max) } : {}),
          ...(local.pageToken ? { pageToken: local.pageToken } : {}),
          lifecycle: local.all ? 'all' : local.deleted ? 'deleted' : 'active',
        });
        const page = await withCore(options, (core) => core.experiments.search(input));
        printResult(options, page, () =>
          page.experiments.length === 0
            ? 'No experiment matches.'
            : humanList(page.experiments) + (page.nextPageToken ? `\nmore: --page-token ${page.nextPageToken}` : ''),
        );
      },
    );

  experiments
    .command('rename')
    .description('rename an experiment')
    .argument('<id>', 'experiment id')
    .argument('<name>', 'the new name')
    .action(async (id: string, name: string) => {
      const options = globals();
      const input = parseInput('experiments.rename', { id, name });
      const experiment = await withCore(options, (core) => core.experiments.rename(input.id, input.name));
      printResult(options, experiment, () => `renamed experiment ${experiment.id} to "${experiment.name}"`);
    });

  experiments
    .command('delete')
    .description('delete an experiment (restorable with `lathe experiments restore`)')
    .argument('<id>', 'experiment id')
    .action(async (id: string) => {
      const options = globals();
      const input = parseInput('experiments.delete', { id });
      const experiment = await withCore(options, (core) => core.experiments.delete(input.id));
      printResult(
        options,
        experiment,
        () =>
          `deleted experiment ${experiment.id} "${experiment.name}" (undo: lathe experiments restore ${experiment.id})`,
      );
    });

  experiments
    .command('restore')
    .description('restore a deleted experiment')
    .argument('<id>', 'experiment id')
    .action(async (id: string) => {
      const options = globals();
      const input = parseInput('experiments.restore', { id });
      const experiment = await withCore(options, (core) => core.experiments.restore(input.id));
      printResult(options, experiment, () => `restored experiment ${experiment.id} "${experiment.name}"`);
    });
}

function humanList(list: Experiment[]): string {
  if (list.length === 0) return 'No experiments yet. Create one with: lathe experiments create NAME';
  return table(
    ['ID', 'NAME', 'RUNS', 'CREATED', 'STAGE'],
    list.map((e) => [e.id, e.name, String(e.runCount), formatTime(e.createdAt), e.lifecycleStage]),
  );
}
