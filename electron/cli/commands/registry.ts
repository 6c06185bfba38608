/**
 * `lathe model alias|unalias|aliases|describe|tag|untag|rename|delete`: the registry from the command
 * line. These are subcommands of `lathe model` (created by models.ts); deleting asks for `--yes`
 * because it removes versions for good.
 */
import type { Command } from 'commander';
import type { AliasEvent, DeleteResult } from '../../../shared/contract/index.js';
import { LatheError } from '../../../shared/errors.js';
import { parseInput } from '../../core/rpc/dispatch.js';
import { withCore } from '../context.js';
import { formatTime, printResult, table, type GlobalOptions } from '../output.js';

/** Adds the registry subcommands to `lathe model` (registerModelCommands must have run first). */
export function registerRegistryCommands(program: Command, globals: () => GlobalOptions): void {
  const model = program.commands.find((command) => command.name() === 'model');
  if (!model) throw new Error('registerRegistryCommands: the `model` command is registered by models.ts first');

  model
    .command('alias')
    .description('point an alias (champion, production…) at a version, moving it if it pointed elsewhere')
    .argument('<ref>', 'NAME@V (or NAME@ALIAS, NAME@latest)')
    .argument('<alias>', 'the alias name')
    .action(async (ref: string, alias: string) => {
      const options = globals();
      const input = parseInput('registry.setAlias', { ref, alias });
      const result = await withCore(options, (core) => core.registry.setAlias(input.ref, input.alias));
      printResult(options, result, () =>
        result.previousVersion === null
          ? `${result.model}@${result.alias} → @${result.version}`
          : result.previousVersion === result.version
            ? `${result.model}@${result.alias} already points at @${result.version}`
            : `${result.model}@${result.alias} moved from @${result.previousVersion} to @${result.version}`,
      );
    });

  model
    .command('unalias')
    .description('remove an alias from a model')
    .argument('<name>', 'the model')
    .argument('<alias>', 'the alias to remove')
    .action(async (name: string, alias: string) => {
      const options = globals();
      const input = parseInput('registry.removeAlias', { name, alias });
      const result = await withCore(options, (core) => core.registry.removeAlias(input.name, input.alias));
      printResult(options, result, () => `removed ${result.model}@${result.alias} (was @${result.previousVersion})`);
    });

  model
    .command('aliases')
    .description("a model's aliases and every move of them (who, when, from which version)")
    .argument('<name>', 'the model')
    .option('--alias <alias>', 'only this alias')
    .action(async (name: string, local: { alias?: string }) => {
      const options = globals();
      const input = parseInput('registry.aliasHistory', { name, alias: local.alias });
      const result = await withCore(options, (core) => ({
        aliases: core.models.get(input.name).model.aliases,
        history: core.registry.aliasHistory(input.name, input.alias),
      }));
      printResult(options, result, () => humanAliases(input.name, result.aliases, result.history));
    });

  model
    .command('describe')
    .description('set the description of a model, or of one version with NAME@V')
    .argument('<ref>', 'NAME or NAME@V')
    .argument('<description>', 'the text ("" clears it)')
    .action(async (ref: string, description: string) => {
      const options = globals();
      if (ref.includes('@')) {
        const input = parseInput('registry.describeVersion', { ref, description });
        const version = await withCore(options, (core) => core.registry.describeVersion(input.ref, input.description));
        printResult(options, version, () => `described ${version.model}@${version.version}`);
      } else {
        const input = parseInput('registry.describe', { name: ref, description });
        const summary = await withCore(options, (core) => core.registry.describe(input.name, input.description));
        printResult(options, summary, () => `described ${summary.name}`);
      }
    });

  model
    .command('tag')
    .description('set a tag KEY=VALUE on a model')
    .argument('<name>', 'the model')
    .argument('<tag>', 'KEY=VALUE')
    .action(async (name: string, tag: string) => {
      const options = globals();
      const at = tag.indexOf('=');
      if (at <= 0) throw new LatheError('BAD_INPUT', `"${tag}" is not KEY=VALUE`, { field: 'tag' });
      const input = parseInput('registry.setTag', { name, key: tag.slice(0, at), value: tag.slice(at + 1) });
      await withCore(options, (core) => core.registry.setTag(input.name, input.key, input.value));
      printResult(
        options,
        { model: input.name, key: input.key, value: input.value },
        () => `tagged ${input.name} ${input.key}=${input.value}`,
      );
    });

  model
    .command('untag')
    .description('remove a tag from a model')
    .argument('<name>', 'the model')
    .argument('<key>', 'the tag key')
    .action(async (name: string, key: string) => {
      const options = globals();
      const input = parseInput('registry.deleteTag', { name, key });
      await withCore(options, (core) => core.registry.deleteTag(input.name, input.key));
      printResult(options, { model: input.name, key: input.key }, () => `removed tag ${input.key} from ${input.name}`);
    });

  model
    .command('rename')
    .description('rename a model; versions, aliases and history follow')
    .argument('<name>', 'the model')
    .argument('<new-name>', 'its new name')
    .action(async (name: string, newName: string) => {
      const options = globals();
      const input = parseInput('registry.rename', { name, newName });
      const summary = await withCore(options, (core) => core.registry.rename(input.name, input.newName));
      printResult(options, summary, () => `renamed ${input.name} to ${summary.name}`);
    });

  model
    .command('delete')
    .description('delete a model (NAME) or one version (NAME@V) for good; bytes go only when nothing else uses them')
    .argument('<ref>', 'NAME or NAME@V')
    .option('--yes', 'really delete (without it, nothing is deleted)')
    .action(async (ref: string, local: { yes?: boolean }) => {
      const options = globals();
      if (!local.yes)
        throw new LatheError('BAD_INPUT', `Deleting ${ref} cannot be undone: run again with --yes to delete it`, {
          ref,
        });
      let result: DeleteResult;
      if (ref.includes('@')) {
        const input = parseInput('registry.deleteVersion', { ref, confirm: ref });
        result = await withCore(options, (core) => core.registry.deleteVersion(input.ref));
      } else {
        const input = parseInput('registry.deleteModel', { name: ref, confirm: ref });
        result = await withCore(options, (core) => core.registry.deleteModel(input.name));
      }
      printResult(
        options,
        result,
        () =>
          `deleted ${result.model} ${result.versions.map((v) => `@${v}`).join(', ') || '(no versions)'}; removed ${result.objectsRemoved} object(s), kept ${result.objectsKept} still in use`,
      );
    });
}

function humanAliases(name: string, aliases: Record<string, number>, history: AliasEvent[]): string {
  const current = Object.entries(aliases).sort(([a], [b]) => a.localeCompare(b));
  const lines = [
    current.length === 0
      ? `${name} has no aliases (set one with: lathe model alias ${name}@N champion)`
      : table(
          ['ALIAS', 'VERSION'],
          current.map(([alias, version]) => [alias, `@${version}`]),
        ),
  ];
  if (history.length > 0) {
    lines.push(
      '',
      table(
        ['WHEN', 'ALIAS', 'FROM', 'TO', 'WHO'],
        history.map((event) => [
          formatTime(event.at),
          event.alias,
          event.fromVersion === null ? '-' : `@${event.fromVersion}`,
          event.toVersion === null ? '(removed)' : `@${event.toVersion}`,
          event.actor,
        ]),
      ),
    );
  }
  return lines.join('\n');
}
