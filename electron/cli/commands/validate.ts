/**
 * `lathe validate M@V --suite FILE`: runs a validation suite on a model version, for people and for CI (exit 1
 * when the suite fails, 2 on bad input, 0 when it passes). `lathe validate list|show|suite` read reports and
 * print the default suite; `lathe validate gate set|list|remove` manage which aliases need a passing report.
 */
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import type { Command } from 'commander';
import type { AliasGate, ValidationReport, ValidationReportSummary } from '../../../shared/contract/index.js';
import { LatheError } from '../../../shared/errors.js';
import { parseInput } from '../../core/rpc/dispatch.js';
import { formatNumber, renderValidationHtml } from '../../core/validation/html-report.js';
import { untilInterrupted } from '../interrupt.js';
import { withCore } from '../context.js';
import { exitCodes, formatTime, printResult, table, type GlobalOptions } from '../output.js';

interface ValidateFlags {
  suite?: string;
  holdout?: string;
  baseline?: string;
  html?: string;
}

/** Reads a suite file; a missing one is NOT_FOUND naming it. */
export function readSuiteFile(path: string): string {
  const absolute = resolvePath(path);
  if (!existsSync(absolute) || !statSync(absolute).isFile())
    throw new LatheError('NOT_FOUND', `No such suite file: ${absolute}`, { file: absolute, field: 'suite' });
  return readFileSync(absolute, 'utf8');
}

function human(report: ValidationReport, htmlPath: string | null): string {
  const rows = report.checks.map((check) => [
    check.skipped ? 'SKIP' : check.passed ? 'PASS' : 'FAIL',
    check.name,
    formatNumber(check.measured),
    formatNumber(check.bound),
    check.detail,
  ]);
  const passed = report.checks.filter((check) => check.passed).length;
  return [
    `${report.passed ? 'PASSED' : 'FAILED'}: ${report.model.ref}, suite ${report.suite.name}, ${passed} of ${report.checks.length} checks passed`,
    `holdout ${report.holdout ? `${report.holdout.label} (${report.holdout.rows} rows)` : '-'}, baseline ${report.baseline?.ref ?? '-'}`,
    '',
    table(['', 'CHECK', 'MEASURED', 'BOUND', 'DETAIL'], rows),
    '',
    `report ${report.id}${htmlPath ? `, HTML written to ${htmlPath}` : ''}`,
  ].join('\n');
}

function listing(ref: string, reports: ValidationReportSummary[]): string {
  if (reports.length === 0)
    return `no validation reports for ${ref} yet; run one with \`lathe validate ${ref} --suite FILE\``;
  return table(
    ['ID', 'CREATED', 'SUITE', 'HOLDOUT', 'BASELINE', 'CHECKS', 'VERDICT'],
    reports.map((report) => [
      report.id.slice(0, 8),
      formatTime(report.createdAt),
      report.suite,
      report.holdout?.label ?? '-',
      report.baseline?.ref ?? '-',
      `${report.checksPassed}/${report.checksTotal}`,
      report.passed ? 'passed' : 'FAILED',
    ]),
  );
}

function gateListing(gates: AliasGate[]): string {
  if (gates.length === 0)
    return 'no alias gates; add one with `lathe validate gate set ALIAS [--model NAME] [--suite NAME]`';
  return table(
    ['MODEL', 'ALIAS', 'NEEDS'],
    gates.map((gate) => [
      gate.model ?? '(every model)',
      gate.alias,
      `a passing report${gate.suite ? ` of suite ${gate.suite}` : ''}`,
    ]),
  );
}

/** Registers `lathe validate` and its subcommands. */
export function registerValidateCommand(program: Command, globals: () => GlobalOptions): void {
  const validate = program.command('validate');
  validate
    .command('list')
    .description("list a model version's validation reports, newest first")
    .argument('<ref>', 'model version (NAME@V or NAME@ALIAS)')
    .action(async (ref: string) => {
      const options = globals();
      const input = parseInput('validation.list', { ref });
      const reports = await withCore(options, (core) => core.validation.list(input.ref));
      printResult(options, reports, () => listing(input.ref, reports));
    });
  validate
    .command('show')
    .description('show a stored validation report (the whole report with --json)')
    .argument('<id>', 'report id, or a unique prefix of it (as `lathe validate list` prints)')
    .option('--html <file>', 'also write the standalone HTML report to this file')
    .action(async (id: string, flags: { html?: string }) => {
      const options = globals();
      const input = parseInput('validation.get', { id });
      const html = flags.html ?? validate.opts<{ html?: string }>().html;
      const htmlPath = html ? resolvePath(html) : null;
      const report = await withCore(options, (core) => {
        const found = core.validation.get(input.id);
        if (htmlPath) writeFileSync(htmlPath, core.validation.html(found.id).html);
        return found;
      });
      printResult(options, report, () => human(report, htmlPath));
    });
  validate
    .command('suite')
    .description("print the default suite of a model version's task, to edit and pass with --suite")
    .argument('<ref>', 'model version (NAME@V)')
    .action(async (ref: string) => {
      const options = globals();
      const input = parseInput('validation.defaultSuite', { ref });
      const suite = await withCore(options, (core) => core.validation.defaultSuite(input.ref));
      printResult(options, suite, () => suite.yaml.trimEnd());
    });
  const gate = validate.command('gate').description('aliases that need a passing validation report before they move');
  gate
    .command('set')
    .description('require a passing report before ALIAS moves (of one model with --model, else of every model)')
    .argument('<alias>', 'the alias, e.g. production')
    .option('--model <name>', 'only this registered model')
    .option('--suite <name>', 'the report must be of this suite (its name:)')
    .action(async (alias: string, flags: { model?: string; suite?: string }) => {
      const options = globals();
      // `validate` itself has a --suite option, and commander hands it the flag when it follows the subcommand.
      const suite = flags.suite ?? validate.opts<{ suite?: string }>().suite;
      const input = parseInput('validation.setGate', { alias, model: flags.model, suite });
      const rule = await withCore(options, (core) => core.validation.gates.set(input));
      printResult(
        options,
        rule,
        () =>
          `alias ${rule.alias} of ${rule.model ?? 'every model'} now needs a passing validation report${rule.suite ? ` of suite ${rule.suite}` : ''}`,
      );
    });
  gate
    .command('list')
    .description('list the alias gates')
    .action(async () => {
      const options = globals();
      const gates = await withCore(options, (core) => core.validation.gates.list());
      printResult(options, gates, () => gateListing(gates));
    });
  gate
    .command('remove')
    .description('remove an alias gate')
    .argument('<alias>', 'the alias')
    .option('--model <name>', 'the rule of this model (else the rule of every model)')
    .action(async (alias: string, flags: { model?: string }) => {
      const options = globals();
      const input = parseInput('validation.removeGate', { alias, model: flags.model });
      const result = await withCore(options, (core) => core.validation.gates.remove(input));
      if (!result.removed)
        throw new LatheError('NOT_FOUND', `No gate on alias "${alias}"${flags.model ? ` of ${flags.model}` : ''}`, {
          alias,
        });
      printResult(options, result, () => `removed the gate on ${alias}`);
    });
  validate
    .description('run a validation suite on a model version; exits 1 when it fails, 2 on bad input')
    .argument('[ref]', 'model version (NAME@V or NAME@ALIAS)')
    .option('--suite <file>', 'the suite (YAML); the default suite of the task when omitted')
    .option('--holdout <dataset>', 'the holdout dataset version (NAME@V); overrides holdout: in the suite')
    .option('--baseline <version>', 'baseline version number or alias for regression checks')
    .option('--html <file>', 'also write the standalone HTML report to this file')
    .action(async (ref: string | undefined, flags: ValidateFlags) => {
      const options = globals();
      if (!ref)
        throw new LatheError('BAD_INPUT', 'a model version is required: lathe validate NAME@V --suite FILE', {
          field: 'ref',
        });
      const input = parseInput('validation.run', {
        ref,
        suite: flags.suite === undefined ? undefined : readSuiteFile(flags.suite),
        suiteFile: flags.suite,
        holdout: flags.holdout,
        baseline: flags.baseline,
      });
      const progress =
        process.stderr.isTTY && !options.json
          ? (step: string, done: number, total: number) => process.stderr.write(`[${done}/${total}] ${step}\n`)
          : undefined;
      // Ctrl-C stops the validation at its next step (and its scoring or drift worker); nothing is stored.
      const report = await withCore(options, (core) =>
        untilInterrupted((signal) => core.validation.run(input, progress, signal)),
      );
      const htmlPath = flags.html ? resolvePath(flags.html) : null;
      if (htmlPath) writeFileSync(htmlPath, renderValidationHtml(report));
      printResult(options, report, () => human(report, htmlPath));
      if (!report.passed) process.exitCode = exitCodes.failed;
    });
}
