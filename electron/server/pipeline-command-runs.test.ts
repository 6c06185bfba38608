/**
 * A pipeline's `train: command` against a real `lathe serve`: the program logs through the MLflow REST
 * API as MLflow's Python client does (the tags of MLFLOW_RUN_CONTEXT on every run it creates, as its
 * SystemEnvironmentContext adds them), then fails or is cancelled without ending its run. The step ends
 * that run FAILED or KILLED instead of leaving it RUNNING forever.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../core/pipelines/testing/wait.js';
import { startServing, type Serving } from './serve.js';

let home: string;
let serving: Serving;

/**
 * What a training script does with MLflow's client: create a run (with the context's tags), log a param,
 * then exit with `code` after `holdMs`, never calling end_run.
 */
const script = `
const tags = Object.entries(JSON.parse(process.env.MLFLOW_RUN_CONTEXT || '{}')).map(([key, value]) => ({ key, value }));
const api = (path, body) =>
  fetch(process.env.MLFLOW_TRACKING_URI + '/api/2.0/mlflow/' + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer ' + process.env.MLFLOW_TRACKING_TOKEN },
    body: JSON.stringify(body),
  }).then((r) => r.json());
(async () => {
  const { run } = await api('runs/create', { experiment_id: '0', start_time: Date.now(), tags });
  await api('runs/log-parameter', { run_id: run.info.run_id, key: 'lr', value: '0.1' });
  console.log('started run ' + run.info.run_id);
  setTimeout(() => process.exit(Number(process.argv[2])), Number(process.argv[3]));
})();
`;

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'lathe-command-runs-'));
  const renderer = join(home, 'renderer');
  mkdirSync(renderer, { recursive: true });
  writeFileSync(join(renderer, 'index.html'), '<!doctype html><title>Lathe</title>');
  writeFileSync(join(home, 'train.js'), script);
  serving = await startServing({ home, port: 0, rendererDir: renderer });
});
afterAll(async () => {
  await serving.stop();
  rmSync(home, { recursive: true, force: true });
});

const pipeline = (name: string, exitCode: number, holdMs: number) => `name: ${name}
steps:
  fit:
    type: train
    with:
      command: ["${process.execPath}", "${join(home, 'train.js')}", "${exitCode}", "${holdMs}"]
      modelName: never-registered
`;

/** The tracking runs the pipeline run's step started, by their tags. */
function runsOf(pipelineRun: string) {
  const { core } = serving;
  const experiment = core.tracking.runs.searchRuns({
    experimentIds: ['0'],
    filter: `tags.\`lathe.pipeline_run\` = '${pipelineRun}'`,
  });
  return experiment.runs.map((run) => core.tracking.getRunDetail(run.id));
}

describe('train: command and the MLflow runs it leaves open', () => {
  it("ends a failing command's run FAILED, tagged with the pipeline run and step", { timeout: 60_000 }, async () => {
    const { core } = serving;
    core.pipelines.save(pipeline('fails', 3, 0));
    const ended = await core.pipelines.execute(core.pipelines.trigger('fails').id);
    expect(ended.status).toBe('failed');
    const runs = runsOf(ended.id);
    expect(runs).toHaveLength(1);
    expect(runs[0]!.status).toBe('FAILED');
    expect(runs[0]!.endTime).not.toBeNull();
    expect(runs[0]!.tags).toMatchObject({ 'lathe.pipeline_run': ended.id, 'lathe.pipeline_step': 'fit' });
    expect(core.pipelines.run(ended.id).steps[0]!.logs.map((l) => l.message)).toContain(
      `the command left run ${runs[0]!.id} running: ended FAILED`,
    );
  });

  it("ends a cancelled command's run KILLED", { timeout: 60_000 }, async () => {
    const { core } = serving;
    core.pipelines.save(pipeline('cancelled', 0, 60_000));
    const run = core.pipelines.trigger('cancelled');
    const done = core.pipelines.execute(run.id);
    // Cancelled only once the script's run exists (checked on pipeline events and every 250 ms).
    await waitFor(
      core,
      () => (runsOf(run.id).length === 1 ? true : undefined),
      30_000,
      'the command to start its MLflow run',
    );
    core.pipelines.cancel(run.id);
    expect((await done).status).toBe('cancelled');
    expect(runsOf(run.id)[0]!.status).toBe('KILLED');
  });
});
