/** Definitions: a valid one gives its DAG; each kind of mistake is refused naming the line and field. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LatheError } from '../../../shared/errors.js';
import { checkDefinition, parseDefinition } from './definition.js';
import { intakeYaml, trainLoopYaml } from './testing/loop.js';

function problems(yaml: string) {
  const checked = checkDefinition(yaml);
  if (checked.ok) throw new Error('expected problems');
  return checked.problems;
}

describe('pipeline definitions', () => {
  it('orders the steps by their references and needs', () => {
    const definition = parseDefinition(trainLoopYaml());
    expect(definition.spec.steps.map((s) => [s.id, s.needs])).toEqual([
      ['train', []],
      ['evaluate', ['train']],
      ['better', ['evaluate']],
      ['release', ['better', 'train']],
      ['promote', ['better', 'release', 'train']],
    ]);
    expect(definition.spec.steps[1]!.line).toBe(21);
    expect(definition.spec.triggers.map((t) => t.detail)).toEqual(['manual', 'alert of monitor loans-watch']);
    expect(parseDefinition(intakeYaml('/tmp')).spec.triggers[0]!.detail).toBe('files *.csv in /tmp');
  });

  it('refuses a cycle, naming a step of it and its line', () => {
    const yaml = `name: loop
steps:
  a:
    type: notify
    needs: [c]
    with: { message: "\${{ steps.b.outputs.message }}" }
  b:
    type: notify
    with: { message: "\${{ steps.c.outputs.message }}" }
  c:
    type: notify
    needs: [a]
    with: { message: hi }
`;
    const [problem] = problems(yaml);
    expect(problem!.message).toMatch(/form a cycle/);
    expect(problem!.message).toMatch(/a → .*a/);
    expect(problem!.line).toBe(3);
    expect(() => parseDefinition(yaml, 'loop.yaml')).toThrow(/^loop\.yaml:3:3 \(steps\.a\): steps a → /);
  });

  it('refuses a reference to an unknown output or step, naming the line and field', () => {
    const yaml = trainLoopYaml().replace('steps.evaluate.outputs.better', 'steps.evaluate.outputs.winner');
    const [problem] = problems(yaml);
    expect(problem).toMatchObject({ line: 31, field: 'steps.better.with.condition' });
    expect(problem!.message).toMatch(/the evaluate step "evaluate" has no output "winner" \(it has .*better/);
    const unknownStep = problems(
      trainLoopYaml().replace('steps.train.outputs.model }}\n      data', 'steps.fit.outputs.model }}\n      data'),
    );
    expect(unknownStep[0]).toMatchObject({ line: 24, field: 'steps.evaluate.with.model' });
    expect(unknownStep[0]!.message).toMatch(/names step "fit", which is not a step/);
  });

  it('names the line of a schema error, an unknown field and broken YAML', () => {
    const badType = problems('name: x\nsteps:\n  a:\n    type: deploy\n');
    expect(badType[0]).toMatchObject({ line: 4, field: 'steps.a.type' });
    const unknownField = problems('name: x\nsteps:\n  a:\n    type: notify\n    retry: 3\n');
    expect(unknownField[0]).toMatchObject({ line: 5, field: 'steps.a.retry' });
    const broken = problems('name: x\nsteps:\n  a: [\n');
    expect(broken[0]!.line).toBeGreaterThanOrEqual(3);
    const cron = problems(
      'name: x\ntriggers:\n  - kind: cron\n    schedule: every day\nsteps:\n  a: { type: notify, with: { message: hi } }\n',
    );
    expect(cron[0]).toMatchObject({ line: 4, field: 'triggers.0.schedule' });
  });

  it("checks a step's own settings on their line, leaving those that wait for a reference to run time", () => {
    const settings = problems(
      [
        'name: x',
        'steps:',
        '  ingest: { type: ingest, with: { file: "${{ trigger.file }}", dataset: d } }',
        '  fit:',
        '    type: train',
        '    with:',
        '      data: ${{ steps.ingest.outputs.dataset }}',
        '      target: label',
        '      epochs: 20000',
        '  tell:',
        '    type: notify',
        '    with: { mesage: hi }',
        '',
      ].join('\n'),
    );
    expect(settings.map((p) => `${p.line} ${p.field}: ${p.message}`).sort()).toEqual([
      '12 steps.tell.with.mesage: Unrecognized key: "mesage"',
      '12 steps.tell.with.message: Invalid input: expected string, received undefined',
      '9 steps.fit.with.epochs: Too big: expected number to be <=10000',
    ]);
    // With the limit respected, the misspelt key is named too.
    const misspelt = problems(
      'name: x\nsteps:\n  fit:\n    type: train\n    with:\n      data: d@1\n      target: label\n      epoch: 3\n',
    );
    expect(misspelt).toEqual([expect.objectContaining({ line: 8, field: 'steps.fit.with.epoch' })]);
  });

  it('throws a BAD_INPUT LatheError with the file, line and field in its details', () => {
    try {
      parseDefinition('name: x\nsteps:\n  a:\n    type: deploy\n', 'x.yaml');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(LatheError);
      expect((error as LatheError).details).toMatchObject({ file: 'x.yaml', line: 4, field: 'steps.a.type' });
    }
  });

  it('accepts the samples of docs/pipelines.md', () => {
    const text = readFileSync(new URL('../../../docs/pipelines.md', import.meta.url), 'utf8');
    const samples = [...text.matchAll(/```yaml\n([\s\S]*?)```/g)].map((match) => match[1]!);
    expect(samples).toHaveLength(2);
    for (const sample of samples) expect(checkDefinition(sample).problems).toEqual([]);
  });
});
