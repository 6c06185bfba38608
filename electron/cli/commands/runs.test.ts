import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openCore } from '../../core/core.js';
import { runLathe } from '../testing/run-lathe.js';

let home: string;
const ids: string[] = [];

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'lathe-cli-runs-'));
  const core = openCore({ home, shell: 'cli' });
  const experiment = core.experiments.create('cli-runs');
  for (const [i, acc] of [0.8, 0.95].entries()) {
    const run = core.tracking.createRun({ experimentId: experiment.id, name: `run-${i}`, startTime: 1000 + i });
    core.tracking.logParams(run.id, { lr: String(0.1 / (i + 1)) });
    core.tracking.logMetrics(run.id, [{ key: 'acc', value: acc, step: 0, timestamp: 5000 }]);
    await core.tracking.logArtifactBytes(run.id, 'notes.txt', new TextEncoder().encode(`notes of run ${i}`));
    core.tracking.endRun(run.id, 'FINISHED');
    ids.push(run.id);
  }
  core.dispose();
});
afterAll(() => rmSync(home, { recursive: true, force: true }));

describe('lathe runs', () => {
  it('lists runs with a filter, as JSON and as a table', async () => {
    const json = await runLathe([
      '--home',
      home,
      '--json',
      'runs',
      'list',
      '--experiment',
      'cli-runs',
      '--filter',
      'metrics.acc > 0.9',
    ]);
    expect(json.code).toBe(0);
    const parsed = JSON.parse(json.stdout) as { runs: { id: string; name: string }[]; total: number };
    expect(parsed.runs.map((r) => r.name)).toEqual(['run-1']);
    expect(parsed.total).toBe(1);
    const human = await runLathe(['--home', home, 'runs', 'list', '--experiment', 'cli-runs']);
    expect(human.stdout).toMatch(/run-1\s+FINISHED/);
    expect(human.stdout).toContain('acc=0.8');
  });

  it('says where a filter is wrong, with exit code 2', async () => {
    const bad = await runLathe([
      '--home',
      home,
      'runs',
      'list',
      '--experiment',
      'cli-runs',
      '--filter',
      'metrics.acc >',
    ]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/Expected a value after > \(at character \d+ of the filter\)/);
  });

  it('shows a run, then deletes it for good with its artifacts', async () => {
    const shown = await runLathe(['--home', home, 'runs', 'show', ids[0]!]);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain('run-0');
    expect(shown.stdout).toMatch(/lr\s+0\.1/);
    expect(shown.stdout).toContain('notes.txt');
    const deleted = await runLathe(['--home', home, '--json', 'runs', 'delete', ids[0]!]);
    expect(JSON.parse(deleted.stdout)).toMatchObject({ runs: 1, objectsRemoved: 1 });
    const again = await runLathe(['--home', home, '--json', 'runs', 'show', ids[0]!]);
    expect(again.code).toBe(2);
    expect(JSON.parse(again.stderr).error.code).toBe('NOT_FOUND');
  });
});
