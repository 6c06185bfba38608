/**
 * `lathe drift`: compares a current set with a reference, for people and for CI (exit 1 on dataset drift);
 * `lathe drift list` and `lathe drift show ID` read the stored reports back (the same ones the app shows).
 */
import { writeFileSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import type { Command } from 'commander';
import type { DriftReport, DriftReportSummary } from '../../../shared/contract/index.js';
import { LatheError } from '../../../shared/errors.js';
import { parseInput } from '../../core/rpc/dispatch.js';
import { formatStatistic, renderDriftHtml } from '../../core/drift/html-report.js';
import { withCore } from '../context.js';
import { exitCodes, formatTime, printResult, table, type GlobalOptions } from '../output.js';
import type { Core } from '../../core/core.js';

interface DriftFlags {
  reference?: string;
  current?: string;
  model?: string;
  columns?: string;
  test?: string;
  threshold?: string;
  driftShare?: string;
  html?: string;
}

/** Parses `a=ks,b=psi` into a record; errors name the flag and the piece at fault. */
export function parseTestFlag(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const piece of text
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)) {
    const match = /^(.+)=([a-z]+)$/.exec(piece);
    if (!match)
      throw new LatheError('BAD_INPUT', `--test: "${piece}" is not COLUMN=TEST (for example age=ks)`, {
        field: 'test',
      });
    out[match[1]!.trim()] = match[2]!;
  }
  return out;
}

function parseNumberFlag(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isFinite(value))
    throw new LatheError('BAD_INPUT', `--${flag}: "${text}" is not a number`, { field: flag });
  return value;
}

function human(report: DriftReport, htmlPath: string | null): string {
  const rows = [...report.columns, ...report.predictions].map((column) => [
    column.column,
    column.test ?? '-',
    formatStatistic(column.statistic),
    formatStatistic(column.pvalue),
    column.threshold === null ? '-' : `${column.thresholdKind === 'pvalue' ? 'p<' : '>='}${column.threshold}`,
    column.verdict.replace('_', ' '),
    column.note ?? '',
  ]);
  return [
    `${report.datasetDrift ? 'DATASET DRIFT' : 'no dataset drift'}: ${report.columnsDrifted} of ${report.columnsTested} columns drift (${(report.driftShare * 100).toFixed(1)}%, threshold ${(report.driftShareThreshold * 100).toFixed(0)}%)`,
    `reference ${report.reference.label} (${report.reference.rows} rows), current ${report.current.label} (${report.current.rows} rows)${report.model ? `, model ${report.model.ref}` : ''}`,
    '',
    table(['COLUMN', 'TEST', 'STATISTIC', 'P-VALUE', 'THRESHOLD', 'VERDICT', 'NOTE'], rows),
    '',
    `report ${report.id}${htmlPath ? `, HTML written to ${htmlPath}` : ''}`,
  ].join('\n');
}

function listing(reports: DriftReportSummary[]): string {
  if (reports.length === 0)
    return 'no drift reports yet; make one with `lathe drift --reference NAME@V --current NAME@V|FILE`';
  return table(
    ['ID', 'CREATED', 'REFERENCE', 'CURRENT', 'MODEL', 'DRIFTING', 'DATASET DRIFT'],
    reports.map((report) => [
      report.id.slice(0, 8),
      formatTime(report.createdAt),
      report.reference.label,
      report.current.label,
      report.model?.ref ?? '-',
      `${report.columnsDrifted}/${report.columnsTested}`,
      report.datasetDrift ? 'yes' : 'no',
    ]),
  );
}

/** A stored report by its id or a unique prefix of it (the list shows the first 8 characters). */
export function findReport(core: Core, id: string): DriftReport {
  const matches = core.drift.list().filter((report) => report.id === id || report.id.startsWith(id));
  const exact = matches.find((report) => report.id === id);
  if (exact || matches.length === 1) return core.drift.get((exact ?? matches[0]!).id);
  if (matches.length > 1)
    throw new LatheError(
      'BAD_INPUT',
      `"${id}" starts ${matches.length} drift reports (${matches.map((report) => report.id.slice(0, 8)).join(', ')}); give more of the id`,
      { field: 'id', id },
    );
  throw new LatheError('NOT_FOUND', `No drift report "${id}" (lathe drift list shows them)`, { field: 'id', id });
}

/** Registers `lathe drift`, `lathe drift list` and `lathe drift show`. */
export function registerDriftCommand(program: Command, globals: () => GlobalOptions): void {
  const drift = program.command('drift');
  drift
    .command('list')
    .description('list the stored drift reports, newest first')
    .action(async () => {
      const options = globals();
      const reports = await withCore(options, (core) => core.drift.list());
      printResult(options, reports, () => listing(reports));
    });
  drift
    .command('show')
    .description('show a stored drift report: its columns table, or the whole report with --json')
    .argument('<id>', 'report id, or a unique prefix of it (as `lathe drift list` prints)')
    .option('--html <file>', 'also write the standalone HTML report to this file')
    .action(async (id: string, flags: { html?: string }) => {
      const options = globals();
      const { id: wanted } = parseInput('drift.get', { id });
      const report = await withCore(options, (core) => findReport(core, wanted));
      // `drift` itself has an --html option, and commander hands it the flag when it follows the subcommand.
      const html = flags.html ?? drift.opts<{ html?: string }>().html;
      const htmlPath = html ? resolvePath(html) : null;
      if (htmlPath) writeFileSync(htmlPath, renderDriftHtml(report));
      printResult(options, report, () => human(report, htmlPath));
    });
  drift
    .description('test every shared column of a current set against a reference; exits 1 when the dataset drifts')
    .option('--reference <ref>', 'the reference dataset version (NAME, NAME@latest, NAME@3); required')
    .option('--current <ref>', 'the current set: a dataset version or a table file; required')
    .option('--model <ref>', 'a model version (NAME@V): also test the drift of its predictions')
    .option('--columns <names>', 'only these columns, comma-separated')
    .option(
      '--test <pairs>',
      'per-column tests, e.g. age=ks,plan=psi (ks, chisquare, z, wasserstein, jensenshannon, psi, kl, anderson)',
    )
    .option(
      '--threshold <x>',
      'one threshold for every column (p-value for ks/chisquare/z/anderson, distance otherwise)',
    )
    .option('--drift-share <x>', 'share of drifting columns that means dataset drift (default 0.5)')
    .option('--html <file>', 'also write the standalone HTML report to this file')
    .action(async (flags: DriftFlags) => {
      const options = globals();
      // Not commander's requiredOption: that would also demand them of `drift list` and `drift show`.
      for (const flag of ['reference', 'current'] as const)
        if (!flags[flag])
          throw new LatheError(
            'BAD_INPUT',
            `--${flag} is required (lathe drift --reference NAME@V --current NAME@V|FILE)`,
            {
              field: flag,
            },
          );
      const input = parseInput('drift.run', {
        reference: flags.reference,
        current: flags.current,
        model: flags.model,
        columns: flags.columns
          ?.split(',')
          .map((name) => name.trim())
          .filter(Boolean),
        tests: flags.test === undefined ? undefined : parseTestFlag(flags.test),
        threshold: parseNumberFlag('threshold', flags.threshold),
        driftShare: parseNumberFlag('drift-share', flags.driftShare),
      });
      const report = await withCore(options, (core) => core.drift.run(input));
      const htmlPath = flags.html ? resolvePath(flags.html) : null;
      if (htmlPath) writeFileSync(htmlPath, renderDriftHtml(report));
      printResult(options, report, () => human(report, htmlPath));
      if (report.datasetDrift) process.exitCode = exitCodes.failed;
    });
}
