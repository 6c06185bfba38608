/** `lathe data …`: add, list, show, diff, export (and versions, sql) for datasets. */
import type { Command } from 'commander';
import type {
  ColumnProfile,
  DatasetDiff,
  DatasetProfile,
  DatasetSummary,
  DatasetVersion,
} from '../../../shared/contract/index.js';
import { parseInput } from '../../core/rpc/dispatch.js';
import { openCommandCore, withCore } from '../context.js';
import { printResult, table, type GlobalOptions, formatTime } from '../output.js';
import { formatNumber } from '../../../shared/format.js';

/** Registers the data commands. */
export function registerDataCommands(program: Command, globals: () => GlobalOptions): void {
  const data = program
    .command('data')
    .description('version, profile and compare datasets (CSV, TSV, Parquet, JSON Lines)');

  data
    .command('add')
    .description('add a file as the next version of a dataset (the same bytes again add nothing)')
    .argument('<file>', 'a .csv, .tsv, .parquet or .jsonl file')
    .requiredOption('--name <name>', 'the dataset name')
    .option('--message <text>', 'a note stored with the version')
    .option('--format <format>', 'csv, tsv, parquet or jsonl (default: from the extension)')
    .action(async (file: string, local: { name: string; message?: string; format?: string }) => {
      const options = globals();
      const input = parseInput('datasets.addFile', {
        path: file,
        name: local.name,
        message: local.message,
        format: local.format,
      });
      // Straight down, without a callback through withCore: the CLI's hottest path crosses each file once
      // (scripts/call-path.test.ts).
      const core = openCommandCore(options);
      let result: Awaited<ReturnType<typeof core.datasets.ingest.add>>;
      try {
        result = await core.datasets.ingest.add(input);
      } finally {
        await core.dispose();
      }
      const { name, version, hash, rows, columns, deduplicated } = result;
      printResult(options, { name, version, hash, rows, columns, deduplicated }, () =>
        deduplicated
          ? `${name}@${version} already holds these bytes (sha256 ${hash.slice(0, 12)}…); no new version`
          : `added ${name}@${version}: ${rows.toLocaleString('en-US')} rows × ${columns} columns, sha256 ${hash.slice(0, 12)}…`,
      );
    });

  data
    .command('list')
    .description('list datasets with their latest version')
    .action(async () => {
      const options = globals();
      const list = await withCore(options, (core) => core.datasets.list());
      printResult(options, list, () => humanList(list));
    });

  data
    .command('versions')
    .description("list a dataset's versions, newest first")
    .argument('<name>', 'dataset name')
    .action(async (name: string) => {
      const options = globals();
      const input = parseInput('datasets.versions', { name });
      const versions = await withCore(options, (core) => core.datasets.versions(input.name));
      printResult(options, versions, () => humanVersions(versions));
    });

  data
    .command('show')
    .description('show the schema and profile of a version (NAME, NAME@latest, NAME@3)')
    .argument('<ref>', 'version reference')
    .action(async (ref: string) => {
      const options = globals();
      const input = parseInput('datasets.show', { ref });
      const shown = await withCore(options, (core) => core.datasets.show(input.ref));
      printResult(options, shown, () => humanProfile(shown.version, shown.profile));
    });

  data
    .command('diff')
    .description('compare two versions: schema, row count, statistics, distribution distances, and rows by key')
    .argument('<a>', 'the "before" version, e.g. NAME@1')
    .argument('<b>', 'the "after" version, e.g. NAME@2')
    .option('--key <column>', 'a column identifying rows: count added, removed and changed rows')
    .action(async (a: string, b: string, local: { key?: string }) => {
      const options = globals();
      const input = parseInput('datasets.diff', { a, b, key: local.key });
      const diff = await withCore(options, (core) => core.datasets.diff(input.a, input.b, input.key));
      printResult(options, diff, () => humanDiff(diff));
    });

  data
    .command('export')
    .description('write a version to a file (converted when the extension names another format)')
    .argument('<ref>', 'version reference')
    .requiredOption('--out <file>', 'where to write')
    .option('--force', 'overwrite an existing file')
    .action(async (ref: string, local: { out: string; force?: boolean }) => {
      const options = globals();
      const input = parseInput('datasets.show', { ref });
      const result = await withCore(options, (core) =>
        core.datasets.export(input.ref, local.out, local.force === true),
      );
      printResult(
        options,
        result,
        () =>
          `wrote ${result.path} (${result.bytes.toLocaleString('en-US')} bytes, ${result.format}${result.converted ? ', converted' : ''})`,
      );
    });

  data
    .command('set-type')
    .description('override the inferred type of a column in a version and profile it again ("inferred" undoes it)')
    .argument('<ref>', 'version reference')
    .argument('<column>', 'column name')
    .argument('<type>', 'integer, float, boolean, categorical, datetime, text or inferred')
    .action(async (ref: string, column: string, type: string) => {
      const options = globals();
      const input = parseInput('datasets.setColumnType', { ref, column, type: type === 'inferred' ? null : type });
      const result = await withCore(options, (core) =>
        core.datasets.setColumnType(input.ref, input.column, input.type),
      );
      const changed = result.version.columns.find((c) => c.name === column)!;
      printResult(
        options,
        result,
        () =>
          `${result.version.name}@${result.version.version}: ${column} is ${changed.type}${changed.type === changed.inferredType ? ' (inferred)' : ` (inferred ${changed.inferredType})`}`,
      );
    });

  data
    .command('delete')
    .description('delete a dataset (NAME) or one version (NAME@3); refused while a run or model was made from it')
    .argument('<ref>', 'NAME for every version, NAME@3 for one')
    .option('--force', 'delete even though runs or models were made from it (they stay, without their data)')
    .action(async (ref: string, local: { force?: boolean }) => {
      const options = globals();
      const input = parseInput('datasets.delete', { ref, force: local.force === true });
      const result = await withCore(options, (core) => core.datasets.delete(input.ref, input.force === true));
      printResult(options, result, () =>
        [
          `deleted ${result.datasetDeleted ? `${result.name} (every version: ${result.versions.map((v) => `@${v}`).join(', ')})` : `${result.name}@${result.versions[0]}`}; ${result.objectsRemoved} stored file(s) removed`,
          ...result.orphaned.map(
            (d) => `  ${d.entity.label} was made from @${d.version} and now names data that is gone`,
          ),
        ].join('\n'),
      );
    });

  data
    .command('lineage')
    .description('list the runs and models made from a dataset, version by version')
    .argument('<name>', 'dataset name')
    .action(async (name: string) => {
      const options = globals();
      const input = parseInput('datasets.dependents', { name });
      const dependents = await withCore(options, (core) => core.datasets.dependents(input.name));
      printResult(options, dependents, () =>
        dependents.length === 0
          ? `Nothing was made from ${input.name} yet.`
          : table(
              ['VERSION', 'KIND', 'NAME', 'RELATION'],
              dependents.map((d) => [
                `@${d.version}`,
                d.entity.kind === 'run' ? 'run' : 'model',
                d.entity.label,
                d.relation,
              ]),
            ),
      );
    });

  data
    .command('sql')
    .description('run one read-only SELECT over a version, which is the table "data"')
    .argument('<ref>', 'version reference')
    .argument('<query>', 'e.g. "SELECT plan, count(*) FROM data GROUP BY plan"')
    .option('--limit <rows>', 'at most this many rows', '1000')
    .action(async (ref: string, query: string, local: { limit: string }) => {
      const options = globals();
      const input = parseInput('datasets.sql', { ref, sql: query, limit: Number(local.limit) });
      const result = await withCore(options, (core) => core.datasets.sql(input.ref, input.sql, input.limit));
      printResult(options, result, () =>
        [
          table(
            result.columns.map((c) => c.name),
            result.rows.map((r) => r.map(cellText)),
          ),
          result.truncated ? `(first ${result.rows.length} rows)` : '',
        ]
          .filter(Boolean)
          .join('\n'),
      );
    });
}

function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return number(value);
  return String(value);
}

/** The shared number format, fixed to one locale so output does not vary by machine; blank when missing. */
function number(value: number | null | undefined): string {
  return formatNumber(value, 4, { locale: 'en-US', empty: '' });
}

function humanList(list: DatasetSummary[]): string {
  if (list.length === 0) return 'No datasets yet. Add one with: lathe data add FILE --name NAME';
  return table(
    ['NAME', 'LATEST', 'VERSIONS', 'ROWS', 'COLUMNS', 'FORMAT', 'HASH', 'UPDATED'],
    list.map((d) => [
      d.name,
      `@${d.latest.version}`,
      String(d.versionCount),
      d.latest.rows.toLocaleString('en-US'),
      String(d.latest.columns.length),
      d.latest.format,
      d.latest.hash.slice(0, 12),
      formatTime(d.updatedAt),
    ]),
  );
}

function humanVersions(versions: DatasetVersion[]): string {
  return table(
    ['VERSION', 'ROWS', 'COLUMNS', 'SIZE', 'HASH', 'ADDED', 'MESSAGE'],
    versions.map((v) => [
      `${v.name}@${v.version}`,
      v.rows.toLocaleString('en-US'),
      String(v.columns.length),
      `${v.size.toLocaleString('en-US')} B`,
      v.hash.slice(0, 12),
      formatTime(v.createdAt),
      v.message,
    ]),
  );
}

function clip(text: string): string {
  return text.length > 32 ? `${text.slice(0, 31)}…` : text;
}

function statRange(c: ColumnProfile): string {
  if (c.type === 'text') return c.top?.[0] ? `e.g. ${clip(c.top[0].value)}` : '';
  if (c.top && c.top.length > 0)
    return c.top
      .slice(0, 3)
      .map((t) => `${clip(t.value)} (${t.count})`)
      .join(', ');
  if (c.min === null) return '';
  return `${cellText(c.min)} … ${cellText(c.max)}`;
}

function humanProfile(version: DatasetVersion, profile: DatasetProfile): string {
  const header = [
    `${version.name}@${version.version}  ${profile.rows.toLocaleString('en-US')} rows × ${profile.columns.length} columns  ${version.format}  sha256 ${version.hash}`,
    version.parentVersion !== null
      ? `parent: ${version.name}@${version.parentVersion}`
      : 'parent: none (first version)',
    version.origin ? `origin: ${version.origin.path} (${version.origin.size.toLocaleString('en-US')} bytes)` : '',
    version.message ? `message: ${version.message}` : '',
  ].filter(Boolean);
  const rows = profile.columns.map((c) => {
    const column = version.columns.find((x) => x.name === c.name);
    const type = column && column.type !== column.inferredType ? `${c.type} (inferred ${column.inferredType})` : c.type;
    return [
      c.name,
      type,
      `${c.missing.toLocaleString('en-US')}${c.count + c.missing > 0 ? ` (${((100 * c.missing) / (c.count + c.missing)).toFixed(1)}%)` : ''}`,
      `${c.uniqueExact ? '' : '≈'}${c.unique.toLocaleString('en-US')}`,
      number(c.mean),
      number(c.std),
      c.quantiles ? number(c.quantiles[3]) : '',
      statRange(c),
    ];
  });
  return [
    ...header,
    '',
    table(['COLUMN', 'TYPE', 'MISSING', 'UNIQUE', 'MEAN', 'STD', 'MEDIAN', 'RANGE / TOP'], rows),
  ].join('\n');
}

function humanDiff(diff: DatasetDiff): string {
  const a = `${diff.a.name}@${diff.a.version}`;
  const b = `${diff.b.name}@${diff.b.version}`;
  const lines = [
    `${a} → ${b}`,
    `rows: ${diff.a.rows.toLocaleString('en-US')} → ${diff.b.rows.toLocaleString('en-US')} (${diff.rowDelta >= 0 ? '+' : ''}${diff.rowDelta.toLocaleString('en-US')})`,
  ];
  if (diff.a.hash === diff.b.hash) lines.push('identical bytes');
  if (diff.added.length > 0) lines.push(`added columns: ${diff.added.join(', ')}`);
  if (diff.removed.length > 0) lines.push(`removed columns: ${diff.removed.join(', ')}`);
  for (const r of diff.retyped) lines.push(`retyped: ${r.name} ${r.from} → ${r.to}`);
  lines.push('');
  lines.push(
    table(
      ['COLUMN', 'CHANGE', 'Δ MISSING', 'Δ MEAN', 'PSI', 'WASSERSTEIN', 'JENSEN-SHANNON'],
      diff.columns.map((c) => [
        c.name,
        c.change === 'retyped' ? `${c.typeA} → ${c.typeB}` : c.change,
        c.deltas.missing !== undefined ? signed(c.deltas.missing) : '',
        c.deltas.mean !== undefined ? signed(c.deltas.mean) : '',
        c.psi !== null ? c.psi.toFixed(4) : '',
        c.wasserstein !== null ? number(c.wasserstein) : '',
        c.jensenShannon !== null ? c.jensenShannon.toFixed(4) : '',
      ]),
    ),
  );
  if (diff.keyDiff) {
    const k = diff.keyDiff;
    lines.push(
      '',
      `by key "${k.key}": ${k.added} added, ${k.removed} removed, ${k.changed} changed, ${k.unchanged} unchanged`,
    );
    if (k.skipped.length > 0) lines.push(`  (not compared, type changed: ${k.skipped.join(', ')})`);
    for (const change of k.samples.changed) {
      const fields = k.columns.flatMap((name, i) =>
        String(change.before[i]) !== String(change.after[i])
          ? [`${name}: ${cellText(change.before[i])} → ${cellText(change.after[i])}`]
          : [],
      );
      lines.push(`  ${k.key}=${cellText(change.key)}  ${fields.join('; ')}`);
    }
  }
  return lines.join('\n');
}

function signed(value: number): string {
  return `${value > 0 ? '+' : ''}${number(value)}`;
}
