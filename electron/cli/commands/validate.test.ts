/** `lathe validate` from a shell: exit 0 when the suite passes, 1 when it fails, 2 on bad input; --json, --html, list, show, gates. */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCore } from '../../core/core.js';
import { prepareValidationWorld } from '../../core/validation/testing/validation-data.js';
import { runLathe } from '../testing/run-lathe.js';

let home: string;
beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'lathe-cli-validate-'));
  const core = openCore({ home, shell: 'cli' });
  try {
    await prepareValidationWorld(core, home, 10);
  } finally {
    await core.dispose();
  }
}, 180_000);
afterAll(() => rmSync(home, { recursive: true, force: true }));

const lathe = (...args: string[]) => runLathe(['--home', home, ...args]);
const write = (name: string, text: string) => {
  const path = join(home, name);
  writeFileSync(path, text);
  return path;
};

describe('lathe validate', () => {
  it('exits 0 on a passing suite, 1 on a failing one, with --json and --html', { timeout: 180_000 }, async () => {
    const passing = write('pass.yaml', 'name: smoke\nholdout: holdout@1\nchecks:\n  - type: onnx\n  - type: schema\n');
    const html = join(home, 'report.html');
    const ok = await lathe('validate', 'clf@1', '--suite', passing, '--html', html);
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^PASSED: clf@1, suite smoke, 2 of 2 checks passed/);
    expect(ok.stdout).toMatch(/PASS\s+checks\[0\] onnx opset 7–23/);
    expect(readFileSync(html, 'utf8')).toContain('PASSED');

    const failing = write(
      'fail.yaml',
      'name: strict\nchecks:\n  - type: metric\n    metric: accuracy\n    threshold: 0.999\n',
    );
    const failed = await lathe('--json', 'validate', 'clf@1', '--suite', failing, '--holdout', 'holdout@1');
    expect(failed.code).toBe(1);
    const report = JSON.parse(failed.stdout) as {
      id: string;
      passed: boolean;
      checks: { passed: boolean; measured: number }[];
    };
    expect(report.passed).toBe(false);
    expect(report.checks[0]!.measured).toBeLessThan(0.999);

    const listed = await lathe('validate', 'list', 'clf@1');
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(
      new RegExp(`${report.id.slice(0, 8)}\\s+\\S+ \\S+\\s+strict\\s+holdout@1\\s+-\\s+0/1\\s+FAILED`),
    );
    const shown = await lathe('--json', 'validate', 'show', report.id.slice(0, 8));
    expect(JSON.parse(shown.stdout)).toEqual(report);
    const suite = await lathe('validate', 'suite', 'clf@1');
    expect(suite.stdout).toMatch(/^name: default-classification$/m);
    // The default suite runs as it is given a holdout, and says what it lacks without one.
    const noHoldout = await lathe('validate', 'clf@1');
    expect(noHoldout.code).toBe(2);
    expect(noHoldout.stderr).toMatch(/^lathe: default-suite\.yaml:6 checks\[0\]\.type: a metric check needs a holdout/);
    const byDefault = await lathe('--json', 'validate', 'clf@1', '--holdout', 'holdout@1');
    expect(JSON.parse(byDefault.stdout)).toMatchObject({ suite: { name: 'default-classification' }, passed: true });
    expect(byDefault.code).toBe(0);
  });

  it('exits 2 on bad input naming file, line and field, writing nothing', { timeout: 120_000 }, async () => {
    const before = JSON.parse((await lathe('--json', 'validate', 'list', 'clf@1')).stdout) as unknown[];
    const broken = write(
      'broken.yaml',
      'name: x\nchecks:\n  - type: metric\n    metric: accuracy\n    threshold: high\n',
    );
    const bad = await lathe('validate', 'clf@1', '--suite', broken, '--holdout', 'holdout@1');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe(`lathe: ${broken}:5 checks[0].threshold: expected a number\n`);
    const unknownMetric = write(
      'auc.yaml',
      'name: x\nchecks:\n  - type: metric\n    metric: auc\n    threshold: 0.9\n',
    );
    const auc = await lathe('--json', 'validate', 'clf@1', '--suite', unknownMetric, '--holdout', 'holdout@1');
    expect(auc.code).toBe(2);
    expect(JSON.parse(auc.stderr).error).toMatchObject({
      code: 'BAD_INPUT',
      message: expect.stringContaining(':4 checks[0].metric: "auc"'),
    });
    const noTarget = await lathe(
      'validate',
      'clf@1',
      '--suite',
      write('m.yaml', 'name: x\nchecks:\n  - type: metric\n    metric: accuracy\n    threshold: 0.5\n'),
      '--holdout',
      'nolabel@1',
    );
    expect(noTarget.code).toBe(2);
    expect(noTarget.stderr).toMatch(/--holdout: nolabel@1 has no column "label", the target of clf@1/);
    expect((await lathe('validate', 'clf@1', '--suite', join(home, 'missing.yaml'))).code).toBe(2);
    expect((await lathe('validate', 'nope@1')).code).toBe(2);
    const after = JSON.parse((await lathe('--json', 'validate', 'list', 'clf@1')).stdout) as unknown[];
    expect(after.length).toBe(before.length);
  });

  it('sets a gate that refuses an alias until a passing report exists', { timeout: 120_000 }, async () => {
    expect((await lathe('validate', 'gate', 'set', 'production', '--model', 'clf', '--suite', 'gatekeeper')).code).toBe(
      0,
    );
    const refused = await lathe('model', 'alias', 'clf@1', 'production');
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(
      /Alias "production" of clf requires a passing validation report of suite "gatekeeper" before it moves; clf@1: it has none/,
    );
    const suite = write('gatekeeper.yaml', 'name: gatekeeper\nchecks:\n  - type: onnx\n');
    expect((await lathe('validate', 'clf@1', '--suite', suite)).code).toBe(0);
    expect((await lathe('model', 'alias', 'clf@1', 'production')).code).toBe(0);
    const gates = await lathe('validate', 'gate', 'list');
    expect(gates.stdout).toMatch(/clf\s+production\s+a passing report of suite gatekeeper/);
    expect((await lathe('validate', 'gate', 'remove', 'production', '--model', 'clf')).code).toBe(0);
    expect((await lathe('validate', 'gate', 'remove', 'production', '--model', 'clf')).code).toBe(2);
    expect(existsSync(suite)).toBe(true);
  });
});
