/** `lathe monitor` from a shell over a home prepared through the core (a trained model and weekly files). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openCore } from '../../core/core.js';
import { prepareScenario } from '../../core/monitor/testing/scenario.js';
import { runLathe } from '../testing/run-lathe.js';

let home: string;
beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'lathe-cli-monitor-'));
});
afterEach(() => rmSync(home, { recursive: true, force: true }));

const lathe = (...args: string[]) => runLathe(['--home', home, ...args]);

describe('lathe monitor', () => {
  it('creates, lists, runs (exit 1 with alerts) and shows a monitor', { timeout: 300_000 }, async () => {
    const core = openCore({ home, shell: 'cli' });
    let prepared: { model: string; stream: string };
    try {
      prepared = await prepareScenario(core, home);
    } finally {
      core.training.dispose();
      await core.models.dispose();
      core.dispose();
    }
    const bad = await lathe('monitor', 'create', 'weekly', '--model', prepared.model, '--reference', 'reference@1');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/exactly one stream/);
    const noTime = await lathe(
      'monitor',
      'create',
      'weekly',
      '--model',
      prepared.model,
      '--reference',
      'reference@1',
      '--folder',
      prepared.stream,
      '--window',
      'weekly',
    );
    expect(noTime.code).toBe(2);
    expect(noTime.stderr).toMatch(/timeColumn: weekly windows need a time column/);
    const created = await lathe(
      'monitor',
      'create',
      'weekly',
      '--model',
      prepared.model,
      '--reference',
      'reference@1',
      '--folder',
      prepared.stream,
      '--window',
      'weekly',
      '--time-column',
      'day',
      '--min-accuracy',
      '0.8',
    );
    expect(created.stderr).toBe('');
    expect(created.stdout).toMatch(/created weekly: model .*, weekly windows on day/);
    const run = await lathe('--json', 'monitor', 'run', 'weekly');
    expect(run.code).toBe(1);
    const windows = (JSON.parse(run.stdout) as { windows: { alerts: string[] }[] }).windows;
    expect(windows.map((window) => window.alerts.includes('drift'))).toEqual([
      false,
      false,
      false,
      false,
      true,
      true,
      true,
      true,
    ]);
    const list = await lathe('monitor', 'list');
    expect(list.stdout).toMatch(/weekly\s+\S+@1\s+reference@1\s+\d{4}-\d{2}-\d{2} [\d:]+\s+8\s+\d+/);
    const shown = await lathe('monitor', 'show', 'weekly');
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(/week of 2024-01-29\s+400\s+1\.00\s+x1,x2/);
    expect(shown.stdout).toMatch(/drift\s+week of 2024-02-19: 2 of 2 features drift/);
  });
});
