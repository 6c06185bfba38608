/** The one-toast-per-run summary words counts by kind and keeps a lone alert's own message. */
import { describe, expect, it } from 'vitest';
import { summarizeAlerts } from './monitor-alerts.js';

describe('summarizeAlerts', () => {
  it('counts a run of eight alerts by kind in one title', () => {
    const alerts = [
      ...Array.from({ length: 4 }, () => ({ kind: 'performance' as const, message: 'accuracy low' })),
      ...Array.from({ length: 4 }, () => ({ kind: 'drift' as const, message: 'features drift' })),
    ];
    expect(summarizeAlerts('weekly', alerts).title).toBe('Monitor weekly: 8 alerts (4 drift, 4 performance)');
  });

  it('names only the kinds present', () => {
    const alerts = [
      { kind: 'drift' as const, message: 'a' },
      { kind: 'drift' as const, message: 'b' },
    ];
    expect(summarizeAlerts('daily', alerts).title).toBe('Monitor daily: 2 alerts (2 drift)');
  });

  it('keeps a single alert as its own kind and message', () => {
    expect(summarizeAlerts('weekly', [{ kind: 'performance', message: 'week of 2024-02-19: accuracy 0.61' }])).toEqual({
      title: 'Monitor weekly: performance alert',
      message: 'week of 2024-02-19: accuracy 0.61',
    });
  });
});
