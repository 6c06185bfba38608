/**
 * `lathe pipeline add|list|show|run|runs|cancel|watch`: pipelines headless. `run` executes one run in this
 * process to its end (exit 1 when it fails); `watch` is the executor in the foreground (triggers, queued
 * runs, resumes of interrupted ones) until Ctrl-C, which stops it cleanly: a step cut short is resumed by
 * the next executor, never done twice.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { PipelineRunDetail, PipelineRunSummary } from '../../../shared/contract/index.js';
import { LatheError } from '../../../shared/errors.js';
import { openCore } from '../../core/core.js';
import { parseInput } from '../../core/rpc/dispatch.js';
import { interruptible } from '../interrupt.js';
import { homeFrom, withCore } from '../context.js';
import { exitCodes, formatTime, printResult, table, type GlobalOptions } from '../output.js';

function runLine(run: PipelineRunSummary): string[] {
  const steps = Object.entries(run.stepCounts)
    .map(([status, count]) => `${count} ${status}`)
    .join(', ');
  return [
    run.id.slice(0, 8),
    run.pipeline,
    run.status,
    run.trigger.detail,
    formatTime(run.createdAt),
    steps,
    run.error ?? '',
  ];
}

function runTable(runs: PipelineRunSummary[]): string {
  return runs.length === 0
    ? 'no runs yet'
    : table(['RUN', 'PIPELINE', 'STATUS', 'TRIGGER', 'CREATED', 'STEPS', 'ERROR'], runs.map(runLine));
}

function runDetail(detail: PipelineRunDetail): string {
  const lines = [
    `run ${detail.run.id} of ${detail.run.pipeline}: ${detail.run.status}${detail.run.error ? ` (${detail.run.error})` : ''}`,
    `trigger: ${detail.run.trigger.detail}${detail.run.resumes ? `; resumed ${detail.run.resumes}×` : ''}`,
  ];
  for (const step of detail.steps) {
    lines.push(
      `  ${step.step.padEnd(16)} ${step.type.padEnd(14)} ${step.status.padEnd(10)}${step.attempt > 1 ? ` attempt ${step.attempt}` : ''}${step.error ? `  ${step.error}` : ''}`,
    );
    if (step.outputs) lines.push(`    outputs: ${JSON.stringify(step.outputs)}`);
    for (const log of step.logs) lines.push(`    ${formatTime(log.at)} ${log.level.padEnd(5)} ${log.message}`);
  }
  return lines.join('\n');
}

/** Registers the pipeline commands. */
export function registerPipelineCommands(program: Command, globals: () => GlobalOptions): void {
  const pipeline = program
    .command('pipeline')
    .description('pipelines: steps from new data to a promoted model, with triggers, run headless');

  pipeline
    .command('add')
    .description('add or replace a pipeline from its YAML definition (see docs/pipelines.md)')
    .argument('<file>', 'the definition (.yaml)')
    .action(async (file: string) => {
      const options = globals();
      const path = resolve(file);
      let yaml: string;
      try {
        yaml = readFileSync(path, 'utf8');
      } catch (error) {
        throw new LatheError('NOT_FOUND', `${path} cannot be read: ${(error as Error).message}`, { file: path });
      }
      const input = parseInput('pipelines.save', { yaml, file: path });
      const saved = await withCore(options, (core) => core.pipelines.save(input.yaml, input.file));
      printResult(
        options,
        saved,
        () => `saved pipeline ${saved.name}: ${saved.spec.steps.map((s) => s.id).join(' → ')}`,
      );
    });

  pipeline
    .command('list')
    .description('list pipelines with their last run')
    .action(async () => {
      const options = globals();
      const list = await withCore(options, (core) => core.pipelines.list());
      printResult(options, list, () =>
        list.length === 0
          ? 'no pipelines yet; add one with `lathe pipeline add FILE.yaml`'
          : table(
              ['NAME', 'STEPS', 'TRIGGERS', 'LAST RUN', 'STATUS'],
              list.map((p) => [
                p.name,
                String(p.stepCount),
                p.triggers.map((t) => t.detail).join('; '),
                p.lastRun ? formatTime(p.lastRun.createdAt) : '-',
                p.lastRun?.status ?? '-',
              ]),
            ),
      );
    });

  pipeline
    .command('show')
    .description('show a pipeline (steps, triggers, recent runs), or a run with its steps and logs')
    .argument('<name-or-run>', 'pipeline name, or a run id (or its first characters)')
    .action(async (target: string) => {
      const options = globals();
      await withCore(options, (core) => {
        const known = core.pipelines.list().some((p) => p.name === target);
        if (!known) {
          const detail = core.pipelines.run(target);
          printResult(options, detail, () => runDetail(detail));
          return;
        }
        const detail = core.pipelines.get(target);
        const runs = core.pipelines.runs(target, 10);
        printResult(options, { ...detail, runs }, () =>
          [
            `${detail.name}${detail.description ? `: ${detail.description}` : ''}`,
            `triggers: ${detail.triggers.map((t) => t.detail).join('; ')}`,
            ...detail.spec.steps.map(
              (s) => `  ${s.id.padEnd(16)} ${s.type.padEnd(14)} ${s.needs.length ? `after ${s.needs.join(', ')}` : ''}`,
            ),
            '',
            runTable(runs),
          ].join('\n'),
        );
      });
    });

  pipeline
    .command('runs')
    .description('runs, newest first')
    .argument('[name]', 'only runs of this pipeline')
    .option('--limit <n>', 'how many (default 100)')
    .action(async (name: string | undefined, flags: { limit?: string }) => {
      const options = globals();
      const input = parseInput('pipelines.runs', {
        pipeline: name,
        limit: flags.limit === undefined ? undefined : Number(flags.limit),
      });
      const runs = await withCore(options, (core) => core.pipelines.runs(input.pipeline, input.limit));
      printResult(options, runs, () => runTable(runs));
    });

  pipeline
    .command('run')
    .description('run a pipeline now, in this process, and wait for its end (exit 1 when it fails)')
    .argument('<name>', 'pipeline name')
    .option('--set <key=value...>', 'values for ${{ trigger.KEY }} references')
    .action(async (name: string, flags: { set?: string[] }) => {
      const options = globals();
      const values = Object.fromEntries(
        (flags.set ?? []).map((pair) => {
          const at = pair.indexOf('=');
          if (at <= 0) throw new LatheError('BAD_INPUT', `--set ${pair}: write KEY=VALUE`, { field: 'set' });
          return [pair.slice(0, at), pair.slice(at + 1)];
        }),
      );
      const input = parseInput('pipelines.trigger', { name, values });
      const ended = await withCore(options, async (core) => {
        const started = core.pipelines.runNow(input.name, input.values);
        if (!options.json) process.stderr.write(`run ${started.id} of ${name} (Ctrl-C cancels it)\n`);
        // Ctrl-C in the foreground cancels the run: it ends CANCELLED, its running step stopped.
        const stop = interruptible(() => core.pipelines.cancel(started.id));
        try {
          await started.done;
        } finally {
          stop();
        }
        return core.pipelines.run(started.id);
      });
      printResult(options, ended, () => runDetail(ended));
      if (ended.run.status !== 'succeeded') process.exitCode = exitCodes.failed;
    });

  pipeline
    .command('delete')
    .description('delete a pipeline (its runs stay in the history)')
    .argument('<name>', 'pipeline name')
    .action(async (name: string) => {
      const options = globals();
      const input = parseInput('pipelines.delete', { name });
      const deleted = await withCore(options, (core) => core.pipelines.delete(input.name));
      printResult(options, deleted, () => `deleted pipeline ${deleted.name}`);
    });

  pipeline
    .command('cancel')
    .description('cancel a queued or running run')
    .argument('<run>', 'run id (or its first characters)')
    .action(async (id: string) => {
      const options = globals();
      const run = await withCore(options, (core) => core.pipelines.cancel(id));
      printResult(options, run, () => `run ${run.id}: ${run.status}`);
    });

  pipeline
    .command('watch')
    .description('run the pipeline executor in the foreground: triggers, queued runs, resumes; Ctrl-C stops')
    .action(async () => {
      const options = globals();
      const core = openCore({ home: homeFrom(options), shell: 'cli', changePollMs: 1000, pipelines: false });
      const seen = new Set<string>();
      core.events.onDidEmit((event, payload) => {
        if (event !== 'pipelines.runChanged') return;
        const run = payload as PipelineRunSummary;
        const line = `${run.id.slice(0, 8)} ${run.pipeline} ${run.status}${run.error ? `: ${run.error}` : ''}`;
        if (seen.has(line)) return;
        seen.add(line);
        if (options.json) process.stdout.write(JSON.stringify({ event: 'run', run }) + '\n');
        else process.stdout.write(`${formatTime(Date.now())} ${line}\n`);
      });
      core.pipelines.start();
      for (const problem of core.pipelines.triggerProblems()) process.stderr.write(`lathe: ${problem}\n`);
      if (!options.json)
        process.stdout.write(`watching ${core.pipelines.list().length} pipelines in ${core.home}; Ctrl-C stops\n`);
      else process.stdout.write(JSON.stringify({ event: 'watching', home: core.home }) + '\n');
      // The executor's timers do not hold the process open (the app and `serve` have their own reasons to
      // live); in the foreground, this one does until Ctrl-C.
      const alive = setInterval(() => undefined, 60_000);
      await new Promise<void>((done) => {
        interruptible(() => done());
      });
      clearInterval(alive);
      await core.dispose();
    });
}
