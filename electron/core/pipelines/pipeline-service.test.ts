/**
 * The executor on bad input and under interruption: each case ends the run in a defined state with a clear
 * message and leaves nothing half-registered; retries back off; a cancel stops a training; the same step on
 * the same input is not done twice; a core closed mid-training resumes the run when opened again.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openCore, type Core } from '../core.js';
import { createDispatch } from '../rpc/dispatch.js';
import { createHandlers } from '../rpc/handlers.js';
import { loopCsv, smallTraining, writeLoopCsv } from './testing/loop.js';
import { waitFor } from './testing/wait.js';

let home: string;
let folder: string;
let core: Core;
beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'lathe-pipeline-home-'));
  folder = mkdtempSync(join(tmpdir(), 'lathe-pipeline-'));
  core = openCore({ home, shell: 'cli' });
});
afterEach(async () => {
  await core.dispose();
  rmSync(home, { recursive: true, force: true });
  rmSync(folder, { recursive: true, force: true });
});

const ingestYaml = (retries = 0) => `name: take
steps:
  ingest:
    type: ingest
    retries: ${retries}
    backoffMs: 20
    with:
      file: \${{ trigger.file }}
      dataset: taken
`;

describe('pipeline definitions through the contract', () => {
  it('refuses a cycle and an unknown output with the line, and a trigger folder that does not exist', async () => {
    const dispatch = createDispatch(createHandlers(core, 'test'));
    const cycle = await dispatch('pipelines.save', {
      file: 'cycle.yaml',
      yaml: 'name: c\nsteps:\n  a:\n    type: notify\n    needs: [b]\n    with: { message: a }\n  b:\n    type: notify\n    needs: [a]\n    with: { message: b }\n',
    });
    expect(cycle).toMatchObject({ ok: false, error: { code: 'BAD_INPUT', details: { file: 'cycle.yaml', line: 3 } } });
    expect(!cycle.ok && cycle.error.message).toMatch(/^cycle\.yaml:3:3 \(steps\.a\): steps a → b → a form a cycle/);
    const missing = join(folder, 'nowhere');
    const noFolder = await dispatch('pipelines.save', {
      yaml: `name: f\ntriggers:\n  - kind: folder\n    path: ${missing}\nsteps:\n  a: { type: notify, with: { message: hi } }\n`,
    });
    expect(noFolder).toMatchObject({
      ok: false,
      error: { code: 'BAD_INPUT', details: { line: 3, field: 'triggers.0.path' } },
    });
    expect(!noFolder.ok && noFolder.error.message).toContain(`folder ${missing} does not exist`);
    const check = await dispatch('pipelines.check', {
      yaml: 'name: u\nsteps:\n  a: { type: notify, with: { message: hi } }\n  b: { type: notify, with: { message: "${{ steps.a.outputs.text }}" } }\n',
    });
    expect(check).toMatchObject({
      ok: true,
      value: { ok: false, problems: [{ line: 4, field: 'steps.b.with.message' }] },
    });
    expect(core.pipelines.list()).toEqual([]);
  });
});

describe('pipeline executor', () => {
  it('fails cleanly when the file to ingest is gone, and adds nothing', async () => {
    core.pipelines.save(ingestYaml());
    const path = writeLoopCsv(folder, 'gone.csv', 50, 1, false);
    const run = core.pipelines.trigger('take', { file: path });
    rmSync(path);
    const ended = await core.pipelines.execute(run.id);
    expect(ended.status).toBe('failed');
    expect(ended.error).toMatch(/^step ingest: .*gone\.csv is gone/);
    expect(core.datasets.list()).toEqual([]);
    const step = core.pipelines.run(run.id).steps[0]!;
    expect(step).toMatchObject({ status: 'failed', attempt: 1 });
    expect(step.logs.filter((l) => l.level === 'error').map((l) => l.message)).toEqual([
      expect.stringMatching(/^failed: .*gone\.csv is gone/),
    ]);
  });

  it('retries with backoff: a file that arrives late is ingested on the second attempt', async () => {
    core.pipelines.save(ingestYaml(2));
    const path = join(folder, 'late.csv');
    const run = core.pipelines.trigger('take', { file: path });
    const stop = core.events.onDidEmit((event, payload) => {
      if (event === 'pipelines.stepChanged' && (payload as { status: string }).status === 'retrying')
        writeFileSync(path, loopCsv(40, 2, false));
    });
    const ended = await core.pipelines.execute(run.id);
    stop();
    expect(ended.status, ended.error ?? '').toBe('succeeded');
    const step = core.pipelines.run(run.id).steps[0]!;
    expect(step).toMatchObject({ status: 'succeeded', attempt: 2, outputs: { dataset: 'taken@1' } });
    expect(step.logs.some((line) => /attempt 1 failed: .* retrying in 20 ms/.test(line.message))).toBe(true);
  });

  it('does not do a step twice for the same input: a second run reuses its outputs', async () => {
    core.pipelines.save(ingestYaml());
    const path = writeLoopCsv(folder, 'same.csv', 60, 3, false);
    const first = await core.pipelines.execute(core.pipelines.trigger('take', { file: path }).id);
    const second = await core.pipelines.execute(core.pipelines.trigger('take', { file: path }).id);
    expect([first.status, second.status]).toEqual(['succeeded', 'succeeded']);
    const steps = [first, second].map((run) => core.pipelines.run(run.id).steps[0]!);
    expect(steps.map((s) => s.status)).toEqual(['succeeded', 'reused']);
    expect(steps[0]!.idempotencyKey).toBe(steps[1]!.idempotencyKey);
    expect(steps[1]!.outputs).toEqual(steps[0]!.outputs);
    expect(core.datasets.versions('taken')).toHaveLength(1);
    // Both runs name the version in the lineage (`lathe lineage pipeline-run:ID`).
    for (const run of [first, second]) {
      const entity = core.lineage.parseEntity(`pipeline-run:${run.id}`);
      const graph = core.lineage.graph(entity, { direction: 'downstream', depth: 1 });
      expect(graph.root).toMatchObject({ kind: 'pipeline_run', name: 'take', exists: true });
      expect(graph.nodes.filter((n) => n.kind === 'dataset_version').map((n) => n.label)).toEqual([
        expect.stringContaining('taken'),
      ]);
    }
  });

  it('a training that crashes ends the run FAILED with its message, registering no model', async () => {
    await core.datasets.add({ path: writeLoopCsv(folder, 'loans.csv', 200, 1, false), name: 'loans' });
    core.pipelines.save(`name: crash
steps:
  broken:
    type: train
    retries: 1
    backoffMs: 10
    with:
      command: ["${process.execPath}", "-e", "console.error('out of memory, pretend'); process.exit(3)"]
      modelName: loans-model
  fit:
    type: train
    with:
      data: loans@1
      target: no_such_column
  after:
    type: notify
    needs: [broken]
    with: { message: never }
`);
    const ended = await core.pipelines.execute(core.pipelines.trigger('crash').id);
    expect(ended.status).toBe('failed');
    const steps = core.pipelines.run(ended.id).steps;
    const byId = Object.fromEntries(steps.map((s) => [s.step, s]));
    expect(byId.broken).toMatchObject({
      status: 'failed',
      attempt: 2,
      error: 'the training command exited with code 3',
    });
    expect(byId.broken!.logs.some((l) => l.message === 'out of memory, pretend')).toBe(true);
    expect(byId.fit).toMatchObject({ status: 'failed' });
    expect(byId.fit!.error).toMatch(/Target column "no_such_column" is not in loans@1/);
    expect(byId.after).toMatchObject({ status: 'skipped' });
    expect(core.models.list()).toEqual([]);
  });

  it(
    'cancels a running training from another process: the run ends cancelled, the tracking run KILLED, no model',
    { timeout: 120_000 },
    async () => {
      await core.datasets.add({ path: writeLoopCsv(folder, 'loans.csv', 2000, 1, false), name: 'loans' });
      core.pipelines.save(`name: long
steps:
  train:
    type: train
    with:
      data: loans@1${smallTraining.replace('epochs: 25', 'epochs: 5000').replace('batchSize: 32', 'batchSize: 8')}
      patience: 1000
`);
      const run = core.pipelines.trigger('long');
      const done = core.pipelines.execute(run.id);
      await waitFor(
        core,
        () => core.pipelines.run(run.id).steps[0]!.logs.find((l) => l.message.startsWith('training loans@1 → run')),
        60_000,
        'the training to start',
      );
      // Asked from another core (as `lathe pipeline cancel` does from another process): the owner sees it.
      const other = openCore({ home, shell: 'cli' });
      expect(other.pipelines.cancel(run.id.slice(0, 8)).status).toBe('running');
      await other.dispose();
      const ended = await done;
      expect(ended.status).toBe('cancelled');
      expect(core.pipelines.run(run.id).steps[0]!.status).toBe('cancelled');
      expect(core.models.list()).toEqual([]);
      const runs = core.tracking.searchRuns({ experimentIds: ['0'] }).runs;
      expect(runs.map((r) => r.status)).toEqual(['KILLED']);
    },
  );

  it(
    'a training command interrupted after it registered a version: the resumed run takes that version, registering none again',
    { timeout: 180_000 },
    async () => {
      // The command registers a version through the CLI (as a script registers through MLflow), then hangs
      // until the core closing under it stops it: the crash window between registering and exiting.
      const cli = fileURLToPath(new URL('../../cli/run.ts', import.meta.url));
      const onnx = fileURLToPath(new URL('../../../resources/fixtures/pytorch-mlp/model.onnx', import.meta.url));
      const script = join(folder, 'register-then-hang.mjs');
      writeFileSync(
        script,
        `import { spawnSync } from 'node:child_process';
const made = spawnSync(process.execPath, ['--import', 'tsx', ${JSON.stringify(cli)}, '--home', ${JSON.stringify(home)},
  'model', 'import', ${JSON.stringify(onnx)}, '--name', 'cmd-model'], { stdio: 'inherit' });
if (made.status !== 0) process.exit(4);
console.log('registered');
setTimeout(() => process.exit(1), 60_000);
`,
      );
      core.pipelines.save(`name: cmd
steps:
  train:
    type: train
    with:
      command: [${JSON.stringify(process.execPath)}, ${JSON.stringify(script)}]
      modelName: cmd-model
`);
      const run = core.pipelines.trigger('cmd');
      void core.pipelines.execute(run.id);
      await waitFor(
        core,
        () => core.pipelines.run(run.id).steps[0]!.logs.find((l) => l.message === 'registered'),
        120_000,
        'the command to register its version',
      );
      await core.dispose();
      core = openCore({ home, shell: 'cli' });
      core.pipelines.start({ pollMs: 100 });
      const ended = await waitFor(
        core,
        () => {
          const current = core.pipelines.run(run.id).run;
          return current.status === 'running' ? undefined : current;
        },
        60_000,
        'the resumed run to end',
      );
      expect(ended.status, ended.error ?? '').toBe('succeeded');
      expect(ended.resumes).toBe(1);
      expect(core.models.get('cmd-model').versions).toHaveLength(1);
      const step = core.pipelines.run(run.id).steps[0]!;
      expect(step.logs.some((l) => l.message === 'the interrupted command had registered cmd-model@1: taking it')).toBe(
        true,
      );
      expect(step.outputs).toMatchObject({ model: 'cmd-model@1' });
    },
  );

  it(
    'resumes a run interrupted mid-training when the core opens again, training once',
    { timeout: 180_000 },
    async () => {
      await core.datasets.add({ path: writeLoopCsv(folder, 'loans.csv', 1500, 1, false), name: 'loans' });
      await core.datasets.add({ path: writeLoopCsv(folder, 'holdout.csv', 300, 2, false), name: 'holdout' });
      mkdirSync(join(folder, 'x'));
      core.pipelines.save(`name: resume
steps:
  train:
    type: train
    with:
      data: loans@1${smallTraining.replace('epochs: 25', 'epochs: 40')}
  promote:
    type: promote
    with:
      model: \${{ steps.train.outputs.model }}
`);
      const run = core.pipelines.trigger('resume');
      void core.pipelines.execute(run.id);
      await waitFor(
        core,
        () => core.pipelines.run(run.id).steps[0]!.logs.find((l) => l.message.startsWith('training loans@1 → run')),
        60_000,
        'the training to start',
      );
      await core.dispose();
      core = openCore({ home, shell: 'cli' });
      expect(core.pipelines.run(run.id).run.status).toBe('running');
      core.pipelines.start({ pollMs: 100 });
      const ended = await waitFor(
        core,
        () => {
          const current = core.pipelines.run(run.id).run;
          return current.status === 'running' ? undefined : current;
        },
        150_000,
        'the resumed run to end',
      );
      expect(ended.status, ended.error ?? '').toBe('succeeded');
      expect(ended.resumes).toBe(1);
      expect(core.models.get('loans-model').versions).toHaveLength(1);
      expect(core.models.resolve('loans-model@champion').version).toBe(1);
      const statuses = core.tracking
        .searchRuns({ experimentIds: ['0'] })
        .runs.map((r) => r.status)
        .sort();
      expect(statuses).toEqual(['FINISHED', 'KILLED']);
    },
  );
});

describe('pipeline triggers', () => {
  it('a cron schedule starts one run per tick', { timeout: 60_000 }, async () => {
    core.pipelines.save(`name: ticking
triggers:
  - kind: cron
    schedule: "* * * * * *"
steps:
  say:
    type: notify
    with: { message: "tick \${{ trigger.at }}" }
`);
    core.pipelines.start({ pollMs: 100 });
    const runs = await waitFor(
      core,
      () => {
        const done = core.pipelines.runs('ticking', 100).filter((r) => r.status === 'succeeded');
        return done.length >= 2 ? done : undefined;
      },
      30_000,
      'two ticks',
    );
    expect(runs.every((r) => r.trigger.kind === 'cron')).toBe(true);
    const ticks = runs.map((r) => r.trigger.values.at as number);
    expect(new Set(ticks).size).toBe(ticks.length);
    core.pipelines.delete('ticking');
    expect(core.pipelines.list()).toEqual([]);
  });

  it("another pipeline's end starts a run once, with the upstream run's id", async () => {
    core.pipelines.save('name: first\nsteps:\n  say: { type: notify, with: { message: one } }\n');
    core.pipelines.save(`name: second
triggers:
  - kind: pipeline
    pipeline: first
steps:
  say:
    type: notify
    with: { message: "after \${{ trigger.run }}" }
`);
    const first = core.pipelines.runNow('first');
    expect((await first.done).status).toBe('succeeded');
    const queued = core.pipelines.runs('second', 10);
    expect(queued).toHaveLength(1);
    expect(queued[0]).toMatchObject({ status: 'queued', trigger: { kind: 'pipeline', values: { run: first.id } } });
    const ended = await core.pipelines.execute(queued[0]!.id);
    expect(ended.status).toBe('succeeded');
    expect(core.pipelines.run(ended.id).steps[0]!.outputs).toEqual({ message: `after ${first.id}` });
    expect(core.pipelines.runs('second', 10)).toHaveLength(1);
  });

  it('refuses a pipeline triggered by its own end', () => {
    expect(() =>
      core.pipelines.save(
        'name: self\ntriggers:\n  - kind: pipeline\n    pipeline: self\nsteps:\n  a: { type: notify, with: { message: x } }\n',
      ),
    ).toThrow(/pipeline\.yaml:4:5 \(triggers\.0\.pipeline\): a pipeline cannot be triggered by its own end/);
  });
});

describe('the validate-data step', () => {
  it(
    'passes data like its reference and stops drifted data at the gate, naming the columns',
    { timeout: 60_000 },
    async () => {
      await core.datasets.add({ path: writeLoopCsv(folder, 'v1.csv', 400, 1, false), name: 'loans' });
      await core.datasets.add({ path: writeLoopCsv(folder, 'v2.csv', 400, 2, false), name: 'loans' });
      await core.datasets.add({ path: writeLoopCsv(folder, 'v3.csv', 400, 3, true), name: 'loans' });
      core.pipelines.save(`name: check
steps:
  check:
    type: validate-data
    with:
      data: \${{ trigger.data }}
      reference: loans@1
      columns: [x1, x2, label]
      maxDriftShare: 0.5
  train:
    type: notify
    with: { message: "would train on \${{ steps.check.outputs.data }}" }
`);
      const same = await core.pipelines.runNow('check', { data: 'loans@2' }).done;
      expect(same.status, same.error ?? '').toBe('succeeded');
      expect(core.pipelines.run(same.id).steps[0]!.outputs).toMatchObject({ passed: true, drifted: false });
      const drifted = await core.pipelines.runNow('check', { data: 'loans@3' }).done;
      expect(drifted.status).toBe('failed');
      expect(drifted.error).toMatch(
        /^step check: loans@3 failed its checks: drift share 0\.667 reaches the gate 0\.5 \(x1, x2\)$/,
      );
      expect(core.pipelines.run(drifted.id).steps.map((s) => s.status)).toEqual(['failed', 'skipped']);
      const missing = await core.pipelines.runNow('check', { data: 'nothing@1' }).done;
      expect(missing.status).toBe('failed');
      expect(missing.error).toMatch(/nothing/);
    },
  );
});

describe('the validate step', () => {
  it('a failing suite fails the run before the promotion, keeping its report', { timeout: 120_000 }, async () => {
    await core.datasets.add({ path: writeLoopCsv(folder, 'loans.csv', 400, 1, false), name: 'loans' });
    await core.datasets.add({ path: writeLoopCsv(folder, 'holdout.csv', 200, 5, true), name: 'holdout' });
    core.pipelines.save(`name: strict
steps:
  train:
    type: train
    with:
      data: loans@1${smallTraining}
  release:
    type: validate
    with:
      model: \${{ steps.train.outputs.model }}
      holdout: holdout@1
      suite: |
        name: strict
        checks:
          - type: metric
            metric: accuracy
            threshold: 0.99
  promote:
    type: promote
    needs: [release]
    with: { model: "\${{ steps.train.outputs.model }}" }
`);
    const ended = await core.pipelines.runNow('strict').done;
    expect(ended.status).toBe('failed');
    expect(ended.error).toMatch(
      /^step release: loans-model@1 failed validation suite strict: checks\[0\] metric accuracy ≥ 0\.99 \(report /,
    );
    const steps = core.pipelines.run(ended.id).steps;
    expect(steps.map((s) => s.status)).toEqual(['succeeded', 'failed', 'skipped']);
    expect(() => core.models.resolve('loans-model@champion')).toThrow();
    expect(core.validation.list('loans-model@1').map((r) => r.passed)).toEqual([false]);
  });
});
