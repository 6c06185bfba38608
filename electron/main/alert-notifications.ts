/**
 * Monitor alerts as desktop notifications: the core emits `monitors.alert` for each alert of a run, then
 * `monitors.changed` (ran). One system notification per run, not one per alert, so a run with eight alerts does
 * not stack eight notifications.
 */
import type { MonitorAlert } from '../../shared/contract/index.js';
import { summarizeAlerts } from '../../shared/monitor-alerts.js';
import type { EventBus } from '../core/events.js';
import type { ElectronApi } from './electron-api.js';

/** Shows one notification per monitor run that raised alerts; returns the unsubscribe function (none when unsupported). */
export function notifyMonitorAlerts(electron: Pick<ElectronApi, 'Notification'>, events: EventBus): () => void {
  const Notification = electron.Notification;
  if (!Notification || !Notification.isSupported()) return () => {};
  // Alerts of runs still under way, by monitor name: the run's `monitors.changed` (ran) event flushes them.
  const pending = new Map<string, MonitorAlert[]>();
  return events.onDidEmit((event, payload) => {
    if (event === 'monitors.alert') {
      const alert = payload as MonitorAlert;
      pending.set(alert.monitor, [...(pending.get(alert.monitor) ?? []), alert]);
      return;
    }
    if (event !== 'monitors.changed') return;
    const { name, change } = payload as { name: string; change: string };
    const alerts = pending.get(name);
    if (change !== 'ran' || !alerts) return;
    pending.delete(name);
    const summary = summarizeAlerts(name, alerts);
    new Notification({ title: `Lathe · ${summary.title}`, body: summary.message }).show();
  });
}
