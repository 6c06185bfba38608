import { describe, expect, it } from 'vitest';
import type { PipelineStep } from '../../../../shared/contract/index';
import { triggerValueNames, triggerValuesOf } from './trigger-values';

const step = (id: string, settings: Record<string, unknown>): PipelineStep => ({
  id,
  type: 'notify',
  needs: [],
  with: settings,
  retries: 0,
  backoffMs: 1000,
  line: 1,
});

describe('the trigger values Run now asks for', () => {
  it('are the trigger references of every step, nested or inside text, each once', () => {
    const steps = [
      step('load', { file: '${{ trigger.file }}', dataset: 'customers' }),
      step('tell', {
        message: 'got ${{trigger.name}} from ${{ trigger.file }}',
        list: [{ x: '${{ trigger.batch }}' }],
      }),
      step('other', { value: '${{ steps.load.outputs.dataset }}', run: '${{ run.id }}' }),
    ];
    expect(triggerValueNames({ steps })).toEqual(['file', 'name', 'batch']);
    expect(triggerValueNames({ steps: [step('plain', { message: 'hi' })] })).toEqual([]);
  });

  it('types what was typed, and leaves blanks out', () => {
    expect(triggerValuesOf({ file: ' /in/a.csv ', rows: '120', share: '0.5', late: 'true', empty: '  ' })).toEqual({
      file: '/in/a.csv',
      rows: 120,
      share: 0.5,
      late: true,
    });
  });
});
