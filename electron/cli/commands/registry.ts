/**
 * `lathe model alias|unalias|aliases|describe|tag|untag|rename|delete`: the registry from the command
 * line. These are subcommands of `lathe model` (created by models.ts); deleting asks for `--yes`
 * because it removes versions for good.
 */
import type { Command } from 'commander';
import type { AliasEvent, DeleteResult, ModelDiff, PredictionDiff } from '../../../shared/contract/index.js';
import { diffVersions } from '../../core/registry/model-diff.js';
import { diffPredictions } from '../../core/registry/prediction-diff.js';
import { createDataResolver } from '../../core/models/data-source.js';
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
    .command('diff')
    .description('compare two versions: settings, metrics, data, schema, ONNX graph and weights')
    .argument('<a>', 'NAME@V (or NAME@ALIAS)')
    .argument('<b>', 'NAME@V (or NAME@ALIAS), of the same model or another')
    .option('--all', 'also list settings and schema entries that are equal')
    .option('--data <ref>', 'also score a dataset NAME@V (or a table file) with both and compare the predictions')
    .action(async (a: string, b: string, local: { all?: boolean; data?: string }) => {
      const options = globals();
      const input = parseInput('registry.diff', { a, b, all: local.all });
      const data = local.data ? parseInput('registry.diffPredictions', { a, b, data: local.data }).data : undefined;
      const result = await withCore(options, async (core) => ({
        ...(await diffVersions(
          input.a,
          input.b,
          { models: core.models, objects: core.objects, tracking: core.tracking },
          { all: input.all },
        )),
        predictions: data
          ? await diffPredictions(input.a, input.b, data, {
              models: core.models,
              resolveData: createDataResolver(core.datasets),
            })
          : null,
      }));
      printResult(options, result, () => humanDiff(result) + humanPredictions(result.predictions));
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

const number = (v: number | null) => (v === null ? '-' : Number.isInteger(v) ? String(v) : v.toPrecision(4));

function humanDiff(diff: ModelDiff): string {
  const lines = [`${diff.a.ref} → ${diff.b.ref}`];
  if (diff.settings.length) {
    lines.push('', 'settings:');
    for (const s of diff.settings) lines.push(`  ${s.key}: ${s.a ?? '-'} → ${s.b ?? '-'}`);
  }
  if (diff.metrics.length) {
    lines.push('', 'metrics:');
    for (const m of diff.metrics)
      lines.push(
        `  ${m.key}: ${number(m.a)} → ${number(m.b)}${m.delta !== null ? ` (${m.delta >= 0 ? '+' : ''}${number(m.delta)}, ${m.verdict})` : ''}`,
      );
  }
  if (!diff.data.same) lines.push('', `data: ${diff.data.a?.label ?? '-'} → ${diff.data.b?.label ?? '-'}`);
  if (diff.schema.length) {
    lines.push('', 'schema:');
    for (const s of diff.schema) lines.push(`  ${s.side} ${s.name}: ${s.change} (${s.a ?? '-'} → ${s.b ?? '-'})`);
  }
  if (diff.graph) {
    const g = diff.graph;
    lines.push(
      '',
      `graph: ${g.nodeCount[0]} → ${g.nodeCount[1]} nodes, ${g.parameterCount[0].toLocaleString('en-US')} → ${g.parameterCount[1].toLocaleString('en-US')} parameters, producer ${g.producer[0]} → ${g.producer[1]}`,
      `  nodes: ${g.nodes.added.length} added, ${g.nodes.removed.length} removed, ${g.nodes.changed.length} changed, ${g.nodes.unchanged} unchanged`,
    );
    for (const op of g.operators.filter((o) => o.a !== o.b)) lines.push(`  ${op.op}: ${op.a} → ${op.b}`);
    for (const w of g.initializers.filter((i) => i.l2 !== null && i.l2 > 0))
      lines.push(`  weight ${w.name}: L2 ${number(w.l2)}, max |Δ| ${number(w.maxAbs)}, relative ${number(w.relative)}`);
  } else if (diff.graphNote) lines.push('', diff.graphNote);
  return lines.join('\n');
}

function humanPredictions(p: PredictionDiff | null): string {
  if (!p) return '';
  const lines = ['', `predictions on ${p.data} (${p.rows.toLocaleString('en-US')} rows):`];
  if (p.kind === 'classification' && p.confusion) {
    lines.push(`  agreement ${((p.agreement ?? 0) * 100).toFixed(2)}%`);
    lines.push(
      table(
        ['A \\ B', ...p.confusion.labelsB],
        p.confusion.labelsA.map((label, i) => [label, ...p.confusion!.counts[i]!.map(String)]),
      )
        .split('\n')
        .map((line) => `  ${line}`)
        .join('\n'),
    );
  } else if (p.regression) {
    const r = p.regression;
    lines.push(
      `  ${r.output}: mean |b − a| ${number(r.meanAbsDelta)}, max ${number(r.maxAbsDelta)}, RMSE between ${number(r.rmseBetween)}`,
    );
  }
  for (const row of p.topRows.slice(0, 10))
    lines.push(`  row ${row.row}: ${row.a} → ${row.b}  ${JSON.stringify(row.inputs)}`);
  return lines.join('\n');
}
