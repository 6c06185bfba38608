/**
 * `lathe pipeline` as a user runs it, in child processes: add, run, list, show, runs, and the crash case of
 * the issue: `lathe pipeline run` SIGKILLed in the middle of training, then `lathe pipeline watch` resumes
 * the run to its end (Ctrl-C stops it cleanly); the store passes `PRAGMA integrity_check` and nothing is
 * duplicated (one model version, one champion, the killed attempt's tracking run closed as KILLED).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { databaseOfCore, openCore, type Core } from '../../core/core.js';
import { intakeYaml, loopCsv, smallTraining, trainLoopYaml, writeLoopCsv } from '../../core/pipelines/testing/loop.js';
import { waitFor } from '../../core/pipelines/testing/wait.js';
import { runLathe } from '../testing/run-lathe.js';

const entry = fileURLToPath(new URL('../run.ts', import.meta.url));
let home: string;
let folder: string;
let core: Core;
const children: ChildProcess[] = [];

beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'lathe-cli-pipeline-'));
  folder = mkdtempSync(join(tmpdir(), 'lathe-cli-pipeline-data-'));
  core = openCore({ home, shell: 'cli' });
});
afterEach(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  children.length = 0;
  await core.dispose();
  rmSync(home, { recursive: true, force: true });
  rmSync(folder, { recursive: true, force: true });
});

function lathe(args: string[]): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', entry, '--home', home, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  return child;
}

const exited = (child: ChildProcess) =>
  new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );

describe('lathe pipeline', () => {
  it('adds a definition, refusing a bad one with its file and line', async () => {
    const bad = join(folder, 'bad.yaml');
    writeFileSync(
      bad,
      'name: bad\nsteps:\n  a:\n    type: notify\n    with: { message: "${{ steps.b.outputs.x }}" }\n',
    );
    const refused = await runLathe(['--home', home, 'pipeline', 'add', bad]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`${bad}:5:`);
    expect(refused.stderr).toContain('names step "b", which is not a step');
    const good = join(folder, 'hello.yaml');
    writeFileSync(
      good,
      'name: hello\nsteps:\n  say:\n    type: notify\n    with: { message: "hello from ${{ pipeline.name }}" }\n',
    );
    const added = await runLathe(['--home', home, '--json', 'pipeline', 'add', good]);
    expect(added.code).toBe(0);
    expect(JSON.parse(added.stdout)).toMatchObject({ name: 'hello', spec: { steps: [{ id: 'say', type: 'notify' }] } });
    const run = await runLathe(['--home', home, '--json', 'pipeline', 'run', 'hello']);
    expect(run.code).toBe(0);
    const detail = JSON.parse(run.stdout) as { run: { id: string; status: string }; steps: { outputs: unknown }[] };
    expect(detail.run.status).toBe('succeeded');
    expect(detail.steps[0]!.outputs).toEqual({ message: 'hello from hello' });
    const list = await runLathe(['--home', home, '--json', 'pipeline', 'list']);
    expect(JSON.parse(list.stdout)).toMatchObject([{ name: 'hello', lastRun: { status: 'succeeded' } }]);
    const runs = await runLathe(['--home', home, 'pipeline', 'runs', 'hello']);
    expect(runs.stdout).toContain(detail.run.id.slice(0, 8));
    const shown = await runLathe(['--home', home, 'pipeline', 'show', detail.run.id.slice(0, 8)]);
    expect(shown.stdout).toContain('hello from hello');
    const cancel = await runLathe(['--home', home, 'pipeline', 'cancel', detail.run.id]);
    expect(cancel.code).toBe(2);
    expect(cancel.stderr).toContain('already ended (succeeded)');
  }, 120_000);

  it('resumes a run SIGKILLed mid-training under `lathe pipeline watch`, with nothing duplicated', async () => {
    await core.datasets.add({ path: writeLoopCsv(folder, 'loans.csv', 3000, 1, false), name: 'loans' });
    await core.datasets.add({ path: writeLoopCsv(folder, 'holdout.csv', 300, 2, false), name: 'holdout' });
    const file = join(folder, 'train-loop.yaml');
    writeFileSync(file, trainLoopYaml().replace(smallTraining, smallTraining.replace('epochs: 25', 'epochs: 60')));
    expect((await runLathe(['--home', home, 'pipeline', 'add', file])).code).toBe(0);

    const runner = lathe(['pipeline', 'run', 'train-loop']);
    const runId = await waitFor(
      core,
      () => {
        const run = core.pipelines.runs('train-loop', 1)[0];
        const train = run && core.pipelines.run(run.id).steps.find((s) => s.step === 'train');
        return train?.logs.some((l) => l.message.startsWith('training loans@latest → run')) ? run!.id : undefined;
      },
      90_000,
      'the training to start in the child',
    );
    runner.kill('SIGKILL');
    expect((await exited(runner)).signal).toBe('SIGKILL');
    expect(core.pipelines.run(runId).run.status).toBe('running');
    expect(core.models.list()).toEqual([]);

    const watcher = lathe(['--json', 'pipeline', 'watch']);
    const lines = createInterface({ input: watcher.stdout! });
    const events: { event: string; run?: { id: string; status: string } }[] = [];
    const ended = new Promise<void>((resolve) =>
      lines.on('line', (line) => {
        const event = JSON.parse(line) as (typeof events)[number];
        events.push(event);
        if (event.run?.id === runId && ['succeeded', 'failed', 'cancelled'].includes(event.run.status)) resolve();
      }),
    );
    await ended;
    watcher.kill('SIGINT');
    expect((await exited(watcher)).code).toBe(0);

    const detail = core.pipelines.run(runId);
    expect(detail.run.status, detail.run.error ?? '').toBe('succeeded');
    expect(detail.run.resumes).toBe(1);
    expect(detail.steps.map((s) => s.status)).toEqual([
      'succeeded',
      'succeeded',
      'succeeded',
      'succeeded',
      'succeeded',
    ]);
    const train = detail.steps[0]!;
    expect(train.logs.some((l) => /was left running: ended KILLED, training again/.test(l.message))).toBe(true);
    expect(core.models.get('loans-model').versions).toHaveLength(1);
    expect(core.models.resolve('loans-model@champion').version).toBe(1);
    const trainings = core.tracking
      .searchRuns({ experimentIds: ['0'] })
      .runs.map((r) => r.status)
      .sort();
    expect(trainings).toEqual(['FINISHED', 'KILLED']);
    expect(core.pipelines.runs(undefined, 100)).toHaveLength(1);
    const db = databaseOfCore(core);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    const keys = db.prepare('SELECT state, COUNT(*) AS n FROM pipeline_step_keys GROUP BY state').all();
    expect(keys).toEqual([{ state: 'done', n: 5 }]);
    const lineage = core.lineage.graph({ kind: 'pipeline_run', id: runId }, { direction: 'downstream', depth: 1 });
    expect(lineage.nodes.filter((n) => n.kind === 'model_version').map((n) => n.label)).toEqual(['loans-model@1']);
  }, 300_000);

  it('runs a train: command with the MLflow URI and token of the running `lathe serve`', async () => {
    const server = lathe(['--json', 'serve', '--port', '0']);
    await new Promise<string>((resolve) => createInterface({ input: server.stdout! }).once('line', resolve));
    const script = fileURLToPath(new URL('../../core/pipelines/testing/mlflow-train.mjs', import.meta.url));
    const onnx = fileURLToPath(new URL('../../../resources/fixtures/pytorch-mlp/model.onnx', import.meta.url));
    core.pipelines.save(`name: scripted
steps:
  train:
    type: train
    with:
      command: ["${process.execPath}", "${script}", "iris-script", "${onnx}"]
      modelName: iris-script
  promote:
    type: promote
    with: { model: "\${{ steps.train.outputs.model }}", alias: champion }
`);
    const ended = await core.pipelines.runNow('scripted').done;
    server.kill('SIGTERM');
    expect((await exited(server)).code).toBe(0);
    expect(ended.status, ended.error ?? '').toBe('succeeded');
    const train = core.pipelines.run(ended.id).steps[0]!;
    expect(train.outputs).toMatchObject({ model: 'iris-script@1', backend: 'command', metrics: { accuracy: 0.93 } });
    expect(train.logs.map((l) => l.message)).toContain('registered iris-script version 1');
    expect(core.models.resolve('iris-script@champion')).toMatchObject({ version: 1, scorable: true });
  }, 120_000);

  it('`lathe serve` runs the executor: a run triggered through the contract is run by the server', async () => {
    core.pipelines.save(
      'name: served\nsteps:\n  say:\n    type: notify\n    with: { message: "from ${{ run.id }}" }\n',
    );
    const server = lathe(['--json', 'serve', '--port', '0']);
    const line = await new Promise<string>((resolve) =>
      createInterface({ input: server.stdout! }).once('line', resolve),
    );
    const { port, token } = JSON.parse(line) as { port: number; token: string };
    const response = await fetch(`http://127.0.0.1:${port}/api/rpc/pipelines.trigger`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'served' }),
    });
    expect(response.status).toBe(200);
    const queued = ((await response.json()) as { result: { id: string; status: string } }).result;
    expect(queued.status).toBe('queued');
    const ended = await waitFor(
      core,
      () => {
        const run = core.pipelines.run(queued.id).run;
        return run.status === 'queued' || run.status === 'running' ? undefined : run;
      },
      60_000,
      'the server to run it',
    );
    server.kill('SIGTERM');
    expect((await exited(server)).code).toBe(0);
    expect(ended.status).toBe('succeeded');
    expect(core.pipelines.run(queued.id).steps[0]!.outputs).toEqual({ message: `from ${queued.id}` });
  }, 120_000);

  it('the drift scenario under `lathe pipeline watch`, SIGKILLed while retraining, finishes after a restart', async () => {
    await core.datasets.add({ path: writeLoopCsv(folder, 'loans-v1.csv', 600, 1, false), name: 'loans' });
    await core.datasets.add({ path: writeLoopCsv(folder, 'holdout-v1.csv', 300, 2, false), name: 'holdout' });
    const incoming = join(folder, 'incoming');
    mkdirSync(incoming);
    core.pipelines.save(trainLoopYaml().replace(smallTraining, smallTraining.replace('epochs: 25', 'epochs: 60')));
    core.pipelines.save(intakeYaml(incoming));
    const ended = (pipeline: string) =>
      core.pipelines.runs(pipeline, 100).filter((r) => !['queued', 'running'].includes(r.status));

    const first = lathe(['pipeline', 'watch']);
    const champion = core.pipelines.trigger('train-loop');
    await waitFor(core, () => (ended('train-loop').length === 1 ? true : undefined), 180_000, 'the first champion');
    expect(core.pipelines.run(champion.id).run.status).toBe('succeeded');

    await core.datasets.add({ path: writeLoopCsv(folder, 'holdout-v2.csv', 300, 4, true), name: 'holdout' });
    writeFileSync(join(folder, 'loans-v2.csv'), loopCsv(600, 3, true));
    renameSync(join(folder, 'loans-v2.csv'), join(incoming, 'loans-v2.csv'));
    const retrainId = await waitFor(
      core,
      () => {
        const retrain = core.pipelines.runs('train-loop', 100).find((r) => r.trigger.kind === 'alert');
        const train = retrain && core.pipelines.run(retrain.id).steps[0]!;
        return train?.logs.some((l) => l.message.startsWith('training loans@latest → run')) ? retrain!.id : undefined;
      },
      180_000,
      'the retraining to start',
    );
    first.kill('SIGKILL');
    expect((await exited(first)).signal).toBe('SIGKILL');
    expect(core.pipelines.run(retrainId).run.status).toBe('running');

    const second = lathe(['pipeline', 'watch']);
    const retrained = await waitFor(
      core,
      () => {
        const run = core.pipelines.run(retrainId).run;
        return run.status === 'running' ? undefined : run;
      },
      180_000,
      'the retraining to end after the restart',
    );
    second.kill('SIGINT');
    expect((await exited(second)).code).toBe(0);

    expect(retrained.status, retrained.error ?? '').toBe('succeeded');
    expect(retrained.resumes).toBe(1);
    expect(core.models.resolve('loans-model@champion').version).toBe(2);
    expect(core.models.get('loans-model').versions).toHaveLength(2);
    expect(core.datasets.versions('loans')).toHaveLength(2);
    expect(core.pipelines.runs('intake', 100).map((r) => r.status)).toEqual(['succeeded']);
    expect(core.pipelines.runs('train-loop', 100)).toHaveLength(2);
    const trainings = core.tracking
      .searchRuns({ experimentIds: ['0'] })
      .runs.map((r) => r.status)
      .sort();
    expect(trainings).toEqual(['FINISHED', 'FINISHED', 'KILLED']);
    expect(databaseOfCore(core).pragma('integrity_check', { simple: true })).toBe('ok');
    const evaluate = core.pipelines.run(retrainId).steps.find((s) => s.step === 'evaluate')!.outputs!;
    expect(evaluate).toMatchObject({ model: 'loans-model@2', champion: 'loans-model@1', better: true });
  }, 600_000);
});
