import { describe, expect, it } from 'vitest';
import type { PipelineTrigger } from '../../../../shared/contract/index';
import { eventTriggers, nextScheduledAt } from './schedule';

const cron = (schedule: string): PipelineTrigger => ({
  kind: 'cron',
  detail: `cron ${schedule}`,
  config: { kind: 'cron', schedule },
  line: 3,
});

describe('the next scheduled start', () => {
  const now = new Date(2026, 10, 30, 19, 7, 30).getTime();

  it('is the soonest fire time of the cron triggers, in local time', () => {
    expect(nextScheduledAt([cron('0 2 * * *')], now)).toBe(new Date(2026, 11, 1, 2, 0, 0).getTime());
    expect(nextScheduledAt([cron('0 2 * * *'), cron('*/15 * * * *')], now)).toBe(
      new Date(2026, 10, 30, 19, 15, 0).getTime(),
    );
  });

  it('is null without a cron trigger', () => {
    const manual: PipelineTrigger = { kind: 'manual', detail: 'manual', config: { kind: 'manual' }, line: 2 };
    expect(nextScheduledAt([manual], now)).toBeNull();
    expect(nextScheduledAt([], now)).toBeNull();
  });

  it('names the triggers that wait for an event rather than a time', () => {
    const folder: PipelineTrigger = {
      kind: 'folder',
      detail: 'files *.csv in /in',
      config: { kind: 'folder', path: '/in', glob: '*.csv' },
      line: 4,
    };
    expect(eventTriggers([cron('0 2 * * *'), folder])).toEqual(['files *.csv in /in']);
  });
});
