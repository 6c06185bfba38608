/** Monitor alerts reach the desktop as one notification per run; other events do not. */
import { describe, expect, it } from 'vitest';
import type { MonitorAlert } from '../../shared/contract/index.js';
import { EventBus } from '../core/events.js';
import { notifyMonitorAlerts } from './alert-notifications.js';

function setup() {
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
  return { shown, events };
}

function alert(id: number, kind: MonitorAlert['kind'], message: string): MonitorAlert {
  return { id, monitor: 'weekly', runId: 'r', createdAt: 0, window: 'week', kind, message, value: 1, threshold: 0.5 };
}

describe('notifyMonitorAlerts', () => {
  it('shows a lone alert with its own message once its run has finished', () => {
    const { shown, events } = setup();
    events.emit('monitors.changed', { name: 'weekly', change: 'ran' });
    events.emit('monitors.alert', alert(1, 'drift', 'week of 2024-01-29: 2 of 2 features drift (x1, x2)'));
    expect(shown).toEqual([]);
    events.emit('monitors.changed', { name: 'weekly', change: 'ran' });
    expect(shown).toEqual([
      { title: 'Lathe · Monitor weekly: drift alert', body: 'week of 2024-01-29: 2 of 2 features drift (x1, x2)' },
    ]);
  });

  it('shows a run of eight alerts as one summary notification', () => {
    const { shown, events } = setup();
    for (let id = 0; id < 8; id++) events.emit('monitors.alert', alert(id, id < 4 ? 'drift' : 'performance', 'x'));
    events.emit('monitors.changed', { name: 'weekly', change: 'ran' });
    expect(shown.map((notification) => notification.title)).toEqual([
      'Lathe · Monitor weekly: 8 alerts (4 drift, 4 performance)',
    ]);
    events.emit('monitors.changed', { name: 'weekly', change: 'ran' });
    expect(shown).toHaveLength(1);
  });
});
