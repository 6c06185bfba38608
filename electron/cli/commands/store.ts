/**
 * `lathe gc` and `lathe lineage`: the store's housekeeping (what a crash left behind) and the lineage
 * graph around one entity. Both are thin over core services (`core.store`, `core.lineage`).
 */
import type { Command } from 'commander';
import type { LineageGraph } from '../../../shared/contract/index.js';
import type { GcReport } from '../../core/objects/gc.js';
import { parseInput } from '../../core/rpc/dispatch.js';
import { withCore } from '../context.js';
import { printResult, type GlobalOptions } from '../output.js';
import { formatBytes } from './doctor.js';

/** Registers `lathe gc` and `lathe lineage`. */
export function registerStoreCommands(program: Command, globals: () => GlobalOptions): void {
  program
    .command('gc')
    .description('remove objects nothing references and temp files crashed writers left (live writers are left alone)')
    .option('--dry-run', 'only report what would be removed')
    .action(async (local: { dryRun?: boolean }) => {
      const options = globals();
      // Opened without the start-up sweep, so the report counts everything (and --dry-run removes nothing).
      const report = await withCore(options, (core) => core.store.collect({ dryRun: local.dryRun === true }), {
        collectOnOpen: false,
      });
      printResult(options, report, () => humanGc(report));
    });

  program
    .command('lineage')
    .description('show where an entity came from and what came from it')
    .argument('<entity>', 'dataset:NAME@V, model:NAME@V or run:ID')
    .option('--direction <way>', 'upstream, downstream or both', 'both')
    .option('--depth <n>', 'how many edges away (1-50)', '10')
    .action(async (entity: string, local: { direction: string; depth: string }) => {
      const options = globals();
      const input = parseInput('lineage.graph', { entity, direction: local.direction, depth: Number(local.depth) });
      const graph = await withCore(options, (core) =>
        core.lineage.graph(core.lineage.parseEntity(input.entity), { direction: input.direction, depth: input.depth }),
      );
      printResult(options, graph, () => humanGraph(graph));
    });
}

function humanGc(report: GcReport): string {
  const verb = report.dryRun ? 'would remove' : 'removed';
  const lines = [
    `${verb} ${report.objects.count} unreferenced object${report.objects.count === 1 ? '' : 's'} (${formatBytes(report.objects.bytes)})`,
    `${verb} ${report.tempFiles.count} stale temp file${report.tempFiles.count === 1 ? '' : 's'} (${formatBytes(report.tempFiles.bytes)})`,
  ];
  if (report.kept > 0)
    lines.push(`kept ${report.kept} unreferenced object(s) a running or recent writer may still commit`);
  return lines.join('\n');
}

function humanGraph(graph: LineageGraph): string {
  // Aliases follow a model version's label (`churn@3 [@champion]`), as the page shows them on its node.
  const label = new Map(
    graph.nodes.map((node) => [
      `${node.kind}:${node.id}`,
      node.aliases.length > 0 ? `${node.label} [${node.aliases.map((a) => `@${a}`).join(' ')}]` : node.label,
    ]),
  );
  const name = (key: { kind: string; id: string }) => label.get(`${key.kind}:${key.id}`) ?? `${key.kind} ${key.id}`;
  const lines = [`${graph.root.label} (${graph.root.kind.replace('_', ' ')})`];
  if (graph.edges.length === 0) lines.push('  no lineage');
  for (const edge of graph.edges) lines.push(`  ${name(edge.from)} -${edge.relation}-> ${name(edge.to)}`);
  if (graph.truncated) lines.push('  … more beyond the depth limit (--depth)');
  return lines.join('\n');
}
