/** Monitor alerts as desktop notifications: the core emits `monitors.alert`; the Electron shell shows it. */
import type { MonitorAlert } from '../../shared/contract/index.js';
import type { EventBus } from '../core/events.js';
import type { ElectronApi } from './electron-api.js';

/** Shows a notification for every monitor alert; returns the unsubscribe function (none when unsupported). */
export function notifyMonitorAlerts(electron: Pick<ElectronApi, 'Notification'>, events: EventBus): () => void {
  const Notification = electron.Notification;
  if (!Notification || !Notification.isSupported()) return () => {};
  return events.onDidEmit((event, payload) => {
    if (event !== 'monitors.alert') return;
    const alert = payload as MonitorAlert;
    new Notification({
      title: `Lathe · monitor ${alert.monitor}: ${alert.kind === 'drift' ? 'drift' : 'accuracy'} alert`,
      body: alert.message,
    }).show();
  });
}
