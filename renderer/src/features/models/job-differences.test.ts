import { describe, expect, it } from 'vitest';
import { differingSettings, durationText } from './job-differences';

const job = (settings: Record<string, string>) => ({ settings });

describe('differingSettings', () => {
  it('names only the settings that differ between the jobs on screen', () => {
    const a = job({ data: 'churn@1', hidden: '64,64', learning_rate: '0.001', seed: '42' });
    const b = job({ data: 'churn@1', hidden: '32', learning_rate: '0.01', seed: '42' });
    expect(differingSettings(a, [a, b])).toEqual(['hidden 64,64', 'learning_rate 0.001']);
    expect(differingSettings(b, [a, b])).toEqual(['hidden 32', 'learning_rate 0.01']);
  });
  it('says nothing for a single job, and names a setting one job lacks', () => {
    const a = job({ data: 'churn@1' });
    expect(differingSettings(a, [a])).toEqual([]);
    const b = job({ data: 'churn@1', features: 'x,y' });
    expect(differingSettings(a, [a, b])).toEqual(['features –']);
  });
});

describe('durationText', () => {
  it('says how long a finished job took', () => {
    expect(durationText({ startedAt: 1000, finishedAt: 4200 })).toBe('took 3.2 s');
    expect(durationText({ startedAt: 0, finishedAt: 125_000 })).toBe('took 2 min 5 s');
    expect(durationText({ startedAt: 0, finishedAt: null })).toBe('');
  });
});
