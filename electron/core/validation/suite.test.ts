/** Suite parsing: every problem names its line and field; the default suites parse. */
import { describe, expect, it } from 'vitest';
import { defaultSuiteYaml, formatProblem, parseSuite, suiteError } from './suite.js';

function problemsOf(yaml: string) {
  const parsed = parseSuite(yaml, 'gate.yaml');
  if (!('problems' in parsed)) throw new Error('expected problems');
  return parsed.problems;
}

describe('validation suites', () => {
  it('parses a suite with defaults filled in and finds the line of any field', () => {
    const parsed = parseSuite(
      [
        'name: gate',
        'holdout: holdout@1',
        'baseline: 2',
        'checks:',
        '  - type: slice',
        '    column: region',
        '    metric: accuracy',
        '    threshold: 0.8',
      ].join('\n'),
    );
    if ('problems' in parsed) throw new Error(JSON.stringify(parsed.problems));
    expect(parsed.suite.baseline).toBe('2');
    expect(parsed.suite.checks[0]).toEqual({
      type: 'slice',
      column: 'region',
      metric: 'accuracy',
      threshold: 0.8,
      worst: 5,
      minRows: 1,
    });
    expect(parsed.lineOf(['checks', 0, 'threshold'])).toBe(8);
    expect(parsed.lineOf(['checks', 0, 'nothing'])).toBe(5);
  });

  it('names file, line and field of a wrong type, an unknown field, a missing field and an unknown check', () => {
    const problems = problemsOf(
      [
        'name: gate',
        'checks:',
        '  - type: metric',
        '    metric: accuracy',
        '    threshold: 0.8',
        '  - type: latency',
        '    p95Ms: 5',
        '    treshold: 3',
        '  - type: metric',
        '    metric: accuracy',
        '    threshold: high',
        '  - type: metric',
        '    metric: f1',
        '  - type: magic',
      ].join('\n'),
    );
    expect(problems.map((problem) => formatProblem('gate.yaml', problem))).toEqual([
      'gate.yaml:6 checks[1]: unknown field "treshold"',
      'gate.yaml:11 checks[2].threshold: expected a number',
      'gate.yaml:12 checks[3].threshold: is required',
      'gate.yaml:14 checks[4].type: type must be one of metric, slice, regression, latency, schema, drift, onnx',
    ]);
    const error = suiteError('gate.yaml', problems);
    expect(error).toMatchObject({ code: 'BAD_INPUT', details: { file: 'gate.yaml', line: 6, field: 'checks[1]' } });
    expect(error.message).toBe('gate.yaml:6 checks[1]: unknown field "treshold" (and 3 more problems)');
  });

  it('reports YAML that does not parse at its line', () => {
    const problems = problemsOf('name: gate\nchecks:\n  - type: metric\n   metric: [accuracy\n');
    expect(problems[0]).toMatchObject({ field: '(yaml)' });
    expect(problems[0]!.line).toBeGreaterThanOrEqual(3);
    expect(problemsOf('- just\n- a list\n')[0]).toMatchObject({ line: 1, field: '(suite)' });
    expect(problemsOf('name: a\nname: b\nchecks: []\n')[0]).toMatchObject({ line: 2, field: '(yaml)' });
  });

  it('gives a default suite per task that parses', () => {
    for (const [task, binary] of [
      ['classification', true],
      ['classification', false],
      ['regression', false],
      [null, false],
    ] as const) {
      const parsed = parseSuite(defaultSuiteYaml(task, binary));
      expect('problems' in parsed ? parsed.problems : []).toEqual([]);
    }
    expect(defaultSuiteYaml('regression', false)).toContain('metric: r2');
  });
});
