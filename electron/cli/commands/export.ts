/**
 * `lathe export M@V --target server|lambda|gcf --out DIR|FILE.zip`: a model version as a bundle that runs
 * without Lathe; `lathe bundles list M@V` and `lathe bundles selftest ID` read past exports back and run
 * a bundle's self-test (exit 1 when it fails), the same ones the version's page shows.
 */
import type { Command } from 'commander';
import type { BundleExport, BundleSelftest } from '../../../shared/contract/index.js';
import { BundleTarget } from '../../../shared/contract/index.js';
import { LatheError } from '../../../shared/errors.js';
import { parseInput } from '../../core/rpc/dispatch.js';
import { withCore } from '../context.js';
import { exitCodes, formatTime, printResult, table, type GlobalOptions } from '../output.js';

const megabytes = (bytes: number) => `${(bytes / 1048576).toFixed(1)} MB`;

function describeExport(result: BundleExport): string {
  const { manifest } = result;
  const lines = [
    `${result.ref} → ${result.out} (${result.target}, ${result.format === 'zip' ? 'zip' : 'folder'})`,
    `${manifest.files.length + 2} files, ${megabytes(result.unzippedBytes)} unpacked${
      result.zippedBytes === null ? '' : `, ${megabytes(result.zippedBytes)} zipped`
    }${result.target === 'lambda' ? " (Lambda's limits: 50 MB zipped, 250 MB unzipped)" : ''}`,
    `golden rows: ${manifest.golden.rows} from ${manifest.golden.source}; validation: ${
      manifest.validation
        ? (manifest.validation.passed ? 'passed' : 'FAILED') + ` (${manifest.validation.suite})`
        : 'none'
    }`,
    `sha256 ${result.sha256}${result.format === 'zip' ? '' : ' (manifest.json)'}`,
    `check it with: cd ${result.out} && node selftest.js${result.format === 'zip' ? ' (after unzipping)' : ''}`,
    `export ${result.id}`,
  ];
  return lines.join('\n');
}

function describeSelftest(result: BundleSelftest): string {
  return [
    ...result.checks.map((check) => `${check.passed ? 'ok  ' : 'FAIL'}  ${check.name}: ${check.detail}`),
    result.passed ? 'selftest passed' : 'selftest FAILED',
  ].join('\n');
}

/** Registers `lathe export` and `lathe bundles list|selftest`. */
export function registerExportCommands(program: Command, globals: () => GlobalOptions): void {
  program
    .command('export')
    .description('export a model version as a deployable bundle (a Node server, an AWS Lambda or a Cloud Function)')
    .argument('<ref>', 'NAME@V (or NAME@ALIAS, NAME@latest)')
    .requiredOption('--target <target>', 'server (HTTP server + Dockerfile), lambda (zip for AWS Lambda) or gcf')
    .requiredOption('--out <path>', 'a new or empty folder, or a new FILE.zip')
    .option(
      '--golden <data>',
      "where the golden rows come from (dataset NAME@V or a file); default: the version's training data",
    )
    .action(async (ref: string, local: { target: string; out: string; golden?: string }) => {
      const options = globals();
      if (!BundleTarget.options.includes(local.target as BundleTarget))
        throw new LatheError(
          'BAD_INPUT',
          `--target: "${local.target}" is not a bundle target; use ${BundleTarget.options.join(', ')}`,
          { field: 'target' },
        );
      const input = parseInput('bundles.export', { ref, target: local.target, out: local.out, golden: local.golden });
      const result = await withCore(options, (core) =>
        core.bundles.export(input, (progress) => {
          if (!options.json) process.stderr.write(`${progress.phase}: ${progress.detail}\n`);
        }),
      );
      printResult(options, result, () => describeExport(result));
    });

  const bundles = program.command('bundles').description('past exports of a model version, and their self-tests');
  bundles
    .command('list')
    .description("a version's exports, newest first")
    .argument('<ref>', 'NAME@V (or NAME@ALIAS, NAME@latest)')
    .action(async (ref: string) => {
      const options = globals();
      const input = parseInput('bundles.list', { ref });
      const result = await withCore(options, (core) => core.bundles.list(input.ref));
      printResult(options, result, () =>
        result.length === 0
          ? `no exports of ${ref} yet; make one with \`lathe export ${ref} --target server --out DIR\``
          : table(
              ['ID', 'CREATED', 'TARGET', 'SIZE', 'SELFTEST', 'OUT'],
              result.map((row) => [
                row.id.slice(0, 8),
                formatTime(row.createdAt),
                row.target,
                megabytes(row.zippedBytes ?? row.unzippedBytes),
                row.selftest ? (row.selftest.passed ? 'passed' : 'FAILED') : '-',
                `${row.out}${row.present ? '' : ' (gone)'}`,
              ]),
            ),
      );
    });
  bundles
    .command('selftest')
    .description("run a bundle's selftest (every file hash, every golden row); exit 1 when it fails")
    .argument('<id>', 'the export id (`lathe bundles list`; a unique prefix is enough)')
    .action(async (id: string) => {
      const options = globals();
      const result = await withCore(options, async (core) => {
        const found = core.bundles.findId(id);
        return core.bundles.selftest(found);
      });
      printResult(options, result, () => describeSelftest(result));
      if (!result.passed) process.exitCode = exitCodes.failed;
    });
}
