/** Monitor alerts reach the desktop as notifications; other events do not. */
import { describe, expect, it } from 'vitest';
import { EventBus } from '../core/events.js';
import { notifyMonitorAlerts } from './alert-notifications.js';

describe('notifyMonitorAlerts', () => {
  it('shows one notification per monitors.alert event', () => {
    const shown: { title?: string; body?: string }[] = [];
    class FakeNotification {
      constructor(private readonly options: { title?: string; body?: string }) {}
      static isSupported() {
        return true;
      }
      show() {
        shown.push(this.options);
      }
    }
    const events = new EventBus();
    notifyMonitorAlerts({ Notification: FakeNotification }, events);
    events.emit('monitors.changed', { name: 'weekly', change: 'ran' });
    events.emit('monitors.alert', {
      id: 1,
      monitor: 'weekly',
      runId: 'r',
      createdAt: 0,
      window: 'week of 2024-01-29',
      kind: 'drift',
      message: 'week of 2024-01-29: 2 of 2 features drift (x1, x2)',
      value: 1,
      threshold: 0.5,
    });
    expect(shown).toEqual([
      { title: 'Lathe · monitor weekly: drift alert', body: 'week of 2024-01-29: 2 of 2 features drift (x1, x2)' },
    ]);
  });
});
