/**
 * `lathe train`, `lathe predict` and `lathe model import|export|bench|list|show`: training, batch
 * scoring and the model registry from the command line. Progress goes to stderr; stdout holds the
 * result (one JSON document with --json).
 */
import type { Command } from 'commander';
import type {
  BenchResult,
  ImportResult,
  ModelSummary,
  ModelVersion,
  TrainingProgress,
  TrainResult,
} from '../../../shared/contract/index.js';
import { LatheError } from '../../../shared/errors.js';
import { etaText } from '../../../shared/training-eta.js';
import { parseInput } from '../../core/rpc/dispatch.js';
import { untilInterrupted } from '../interrupt.js';
import { withCore } from '../context.js';
import { printResult, table, type GlobalOptions, formatTime } from '../output.js';

const list = (value: string): string[] =>
  value
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);

function number(name: string, integer: boolean) {
  return (value: string): number => {
    const parsed = Number(value);
    if (value.trim() === '' || !Number.isFinite(parsed) || (integer && !Number.isInteger(parsed))) {
      throw new LatheError('BAD_INPUT', `--${name} must be ${integer ? 'an integer' : 'a number'}, got "${value}"`, {
        field: name,
      });
    }
    return parsed;
  };
}

/** A progress line that rewrites itself on a terminal and prints sparsely elsewhere. */
function progressWriter(): { update(text: string, important?: boolean): void; done(): void } {
  const tty = process.stderr.isTTY === true;
  let last = 0;
  let shown = false;
  return {
    update(text, important = false) {
      const now = Date.now();
      if (tty) {
        if (!important && now - last < 100) return;
        process.stderr.write(`\r\x1b[2K${text}`);
        shown = true;
      } else if (important) process.stderr.write(`${text}\n`);
      last = now;
    },
    done() {
      if (tty && shown) process.stderr.write('\r\x1b[2K');
    },
  };
}

function bar(fraction: number, width = 24): string {
  const filled = Math.round(Math.max(0, Math.min(1, fraction)) * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
}

function describeProgress(p: TrainingProgress): string {
  if (p.phase !== 'training') return `${p.phase}…`;
  const fraction = p.batches > 0 ? (p.epoch - 1 + p.batch / p.batches) / p.epochs : 0;
  const parts = [`epoch ${p.epoch}/${p.epochs}`, `batch ${p.batch}/${p.batches}`];
  if (p.loss !== null) parts.push(`loss ${p.loss.toFixed(4)}`);
  if (p.valLoss !== null) parts.push(`val_loss ${p.valLoss.toFixed(4)}`);
  if (p.valMetric !== null && p.valMetricName) parts.push(`${p.valMetricName} ${p.valMetric.toFixed(4)}`);
  const eta = etaText(p);
  if (eta) parts.push(eta);
  return `${bar(fraction)} ${parts.join('  ')}`;
}

/** Registers train, predict and the model commands. */
export function registerModelCommands(program: Command, globals: () => GlobalOptions): void {
  program
    .command('train')
    .description('train an MLP on a dataset (a tracked run and a new model version, exported to ONNX)')
    .requiredOption('--data <ref>', 'dataset NAME or NAME@V (or a table file)')
    .requiredOption('--target <column>', 'the column to predict')
    .option('--task <task>', 'auto, classification or regression', 'auto')
    .option('--features <a,b,c>', 'feature columns (default: every other column)', list)
    .option('--hidden <64,64>', 'hidden layer sizes', (v: string) => list(v).map(number('hidden', true)))
    .option('--epochs <n>', 'most epochs (early stopping may end sooner)', number('epochs', true))
    .option('--batch-size <n>', 'rows per batch', number('batch-size', true))
    .option('--lr <x>', 'Adam learning rate', number('lr', false))
    .option('--seed <n>', 'seed of the split, initialisation and shuffling', number('seed', true))
    .option('--patience <n>', 'epochs without validation improvement before stopping', number('patience', true))
    .option(
      '--validation-share <x>',
      'share of rows held out for validation (0.05 to 0.5, default 0.15)',
      number('validation-share', false),
    )
    .option('--experiment <name>', 'experiment of the run (created when missing)', undefined)
    .option('--model-name <name>', 'model to add the version to (default: DATASET-TARGET)')
    .option(
      '--backend <name>',
      'force a TensorFlow.js backend: tensorflow-gpu, webgpu (a software adapter too), tensorflow, wasm or cpu',
    )
    .action(async (local: Record<string, unknown>) => {
      const options = globals();
      const input = parseInput('models.train', {
        data: local.data,
        target: local.target,
        task: local.task,
        features: local.features,
        hidden: local.hidden,
        epochs: local.epochs,
        batchSize: local.batchSize,
        learningRate: local.lr,
        seed: local.seed,
        patience: local.patience,
        validationShare: local.validationShare,
        experiment: local.experiment,
        modelName: local.modelName,
        backend: local.backend,
      });
      const progress = progressWriter();
      let lastEpoch = 0;
      const result = await withCore(options, async (core) => {
        const { jobId, done } = core.training.start(input, (p) => {
          const important = p.phase !== 'training' || p.epoch !== lastEpoch;
          lastEpoch = p.epoch;
          progress.update(describeProgress(p), important);
        });
        // Ctrl-C cancels the job; the run ends KILLED.
        const onInterrupt = () => core.training.cancel(jobId);
        process.once('SIGINT', onInterrupt);
        try {
          return await done;
        } finally {
          process.off('SIGINT', onInterrupt);
          progress.done();
        }
      });
      printResult(options, result, () => humanTrain(result));
    });

  program
    .command('predict')
    .description('score a table with a model version and write the outputs to .csv or .parquet')
    .requiredOption('--model <ref>', 'model NAME, NAME@latest or NAME@N')
    .requiredOption('--data <ref>', 'a table file, or a dataset NAME@V')
    .requiredOption('--out <file>', 'output .csv or .parquet')
    .option('--features <a,b,c>', 'column order for a model with one 2-D float input', list)
    .option('--provider <name>', 'force an ONNX Runtime execution provider: cuda, webgpu or cpu')
    .option('--keep <a,b>', 'input columns copied through to the output (an id, say)', list)
    .option('--label <column>', "label column for metrics (default: the model's target, when the data has it)")
    .action(
      async (local: {
        model: string;
        data: string;
        out: string;
        features?: string[];
        provider?: string;
        keep?: string[];
        label?: string;
      }) => {
        const options = globals();
        const input = parseInput('models.predict', {
          ref: local.model,
          data: local.data,
          out: local.out,
          features: local.features,
          provider: local.provider,
          keep: local.keep,
          label: local.label,
        });
        const progress = progressWriter();
        // Ctrl-C stops the worker between batches and removes the partial output.
        const result = await withCore(options, (core) =>
          untilInterrupted(async (signal) => {
            try {
              return await core.models.predict(
                input,
                (rows, total) => {
                  const text = total
                    ? `${bar(rows / total)} ${rows.toLocaleString('en-US')}/${total.toLocaleString('en-US')} rows`
                    : `${rows.toLocaleString('en-US')} rows`;
                  progress.update(text, total !== null && rows >= total);
                },
                signal,
              );
            } finally {
              progress.done();
            }
          }),
        );
        // After the warm-up (worker start, table description, session load, first batch): the rate a longer file approaches.
        const steady =
          result.warmup && result.rows > result.warmup.rows
            ? (result.rows - result.warmup.rows) / (result.seconds - result.warmup.seconds)
            : null;
        const output = {
          rows: result.rows,
          out: result.out,
          columns: result.columns,
          seconds: result.seconds,
          rowsPerSecond: result.rows / result.seconds,
          warmupSeconds: result.warmup?.seconds ?? null,
          steadyRowsPerSecond: steady,
          provider: result.provider,
          evaluation: result.evaluation,
        };
        printResult(options, output, () => {
          const line = `scored ${result.rows.toLocaleString('en-US')} rows on ${result.provider} in ${result.seconds.toFixed(2)} s → ${result.out} (${result.columns.join(', ')})`;
          if (!result.evaluation) return line;
          const metrics = Object.entries(result.evaluation.metrics)
            .map(([name, value]) => `${name} ${value.toFixed(4)}`)
            .join(', ');
          return `${line}\nagainst ${result.evaluation.label} (${result.evaluation.labeledRows.toLocaleString('en-US')} labeled rows): ${metrics}`;
        });
      },
    );

  const model = program.command('model').description('import, export, benchmark and list models');

  model
    .command('import')
    .description('import an ONNX file (PyTorch, scikit-learn, Keras exports) as a new model version')
    .argument('<file>', 'an .onnx file')
    .requiredOption('--name <name>', 'the model name')
    .option('--features <a,b,c>', 'column order for a model with one 2-D float input', list)
    .action(async (file: string, local: { name: string; features?: string[] }) => {
      const options = globals();
      const input = parseInput('models.import', { path: file, name: local.name, features: local.features });
      const result = await withCore(options, (core) => core.models.importFile(input.path, input.name, input.features));
      printResult(options, result, () => humanImport(result));
    });

  model
    .command('export')
    .description("write a version's ONNX file, byte for byte what Lathe scores with")
    .argument('<ref>', 'NAME@V')
    .requiredOption('--out <file>', 'the .onnx file to write')
    .action(async (ref: string, local: { out: string }) => {
      const options = globals();
      const input = parseInput('models.export', { ref, out: local.out });
      const result = await withCore(options, (core) => core.models.exportTo(input.ref, input.out));
      printResult(
        options,
        result,
        () =>
          `wrote ${result.path} (${result.size.toLocaleString('en-US')} bytes, sha256 ${result.hash.slice(0, 12)}…)`,
      );
    });

  model
    .command('bench')
    .description('latency p50/p95/p99 at batch 1 and throughput at batch 1, 64 and 1024 (recorded on the version)')
    .argument('<ref>', 'NAME@V')
    .option('--provider <name>', 'force an ONNX Runtime execution provider: cuda, webgpu or cpu')
    .action(async (ref: string, local: { provider?: string }) => {
      const options = globals();
      const input = parseInput('models.bench', { ref, provider: local.provider });
      const result = await withCore(options, (core) => core.models.bench(input.ref, { provider: input.provider }));
      printResult(options, result, () => humanBench(ref, result));
    });

  model
    .command('list')
    .description('list models with their latest version')
    .action(async () => {
      const options = globals();
      const models = await withCore(options, (core) => core.models.list());
      printResult(options, models, () => humanModels(models));
    });

  model
    .command('show')
    .description("show a version's signature, metrics, benchmark and lineage")
    .argument('<ref>', 'NAME, NAME@latest or NAME@N')
    .action(async (ref: string) => {
      const options = globals();
      const input = parseInput('models.version', { ref });
      const shown = await withCore(options, (core) => core.models.versionWithLineage(input.ref));
      printResult(options, shown, () => humanVersion(shown.version, shown.lineage));
    });
}

const fmt = (v: number) =>
  Number.isInteger(v) || Math.abs(v) >= 1000
    ? v.toLocaleString('en-US', { maximumFractionDigits: 0 })
    : v.toPrecision(4);

function humanTrain(result: TrainResult): string {
  const metrics = Object.entries(result.metrics)
    .filter(([k]) => !['epochs_run', 'best_epoch'].includes(k))
    .map(([k, v]) => `  ${k.padEnd(20)} ${fmt(v)}`);
  return [
    `trained ${result.model}@${result.version} on ${result.backend} (run ${result.run}), ${result.metrics.epochs_run} epochs, best ${result.metrics.best_epoch}`,
    ...metrics,
  ].join('\n');
}

function shape(spec: { name: string; type: string; shape: (number | string | null)[] }): string {
  return `${spec.name}: ${spec.type}[${spec.shape.map((d) => d ?? '?').join(', ')}]`;
}

function humanImport(result: ImportResult): string {
  return [
    `imported ${result.model}@${result.version} (${result.producer}, opset ${result.opset}, ${result.nodes} nodes, ${result.parameters.toLocaleString('en-US')} parameters)`,
    `  inputs:  ${result.inputs.map(shape).join('; ')}`,
    `  outputs: ${result.outputs.map(shape).join('; ')}`,
  ].join('\n');
}

function humanBench(ref: string, b: BenchResult): string {
  const t = b.throughputRowsPerSecond;
  return [
    `${ref} on ${b.provider}`,
    `  latency at batch 1: p50 ${b.latencyMs.p50.toFixed(3)} ms, p95 ${b.latencyMs.p95.toFixed(3)} ms, p99 ${b.latencyMs.p99.toFixed(3)} ms`,
    `  throughput: ${fmt(t.batch1)} rows/s at batch 1, ${fmt(t.batch64)} at 64, ${fmt(t.batch1024)} at 1024`,
  ].join('\n');
}

function humanModels(models: ModelSummary[]): string {
  if (models.length === 0)
    return 'No models yet. Train one with: lathe train --data NAME --target COLUMN, or import one with: lathe model import FILE.onnx --name NAME';
  return table(
    ['NAME', 'LATEST', 'ALIASES', 'VERSIONS', 'SOURCE', 'TASK', 'UPDATED'],
    models.map((m) => [
      m.name,
      m.latestVersion ? `@${m.latestVersion}` : '-',
      Object.entries(m.aliases)
        .map(([alias, version]) => `${alias}→@${version}`)
        .join(' ') || '-',
      String(m.versionCount),
      m.latestSource ?? '-',
      m.latestTask ?? '-',
      formatTime(m.updatedAt),
    ]),
  );
}

function humanVersion(
  v: ModelVersion,
  lineage: { direction: string; kind: string; label: string; relation: string }[],
): string {
  const lines = [
    `${v.model}@${v.version}  ${v.source}${v.task ? ` ${v.task}` : ''}  ${v.producer}, opset ${v.opset}, ${v.nodes} nodes, ${v.parameters.toLocaleString('en-US')} parameters, ${v.size.toLocaleString('en-US')} bytes`,
    `  inputs:  ${v.inputs.map(shape).join('; ')}`,
    `  outputs: ${v.outputs.map(shape).join('; ')}`,
  ];
  if (v.aliases.length > 0) lines.push(`  aliases: ${v.aliases.join(', ')}`);
  if (v.description) lines.push(`  description: ${v.description}`);
  if (!v.scorable) lines.push('  not an ONNX model: registered for browsing, Lathe cannot score it');
  if (v.features.length > 0) lines.push(`  features: ${v.features.join(', ')}`);
  const metrics = Object.entries(v.metrics);
  if (metrics.length > 0) lines.push(`  metrics: ${metrics.map(([k, m]) => `${k} ${fmt(m)}`).join(', ')}`);
  if (v.bench)
    lines.push(
      `  bench: p50 ${v.bench.latencyMs.p50.toFixed(3)} ms, ${fmt(v.bench.throughputRowsPerSecond.batch1024)} rows/s at 1024`,
    );
  for (const link of lineage)
    lines.push(`  ${link.direction === 'upstream' ? '←' : '→'} ${link.relation}: ${link.label}`);
  return lines.join('\n');
}
