/**
 * One notification per monitor run instead of one per alert: a run with eight alerts used to raise eight stacked
 * toasts that covered the alerts table. This groups the alerts of one run and words the summary.
 */
import type { MonitorAlert } from './contract/index.js';

/** The title and message of the one notification shown for a run's alerts. */
export interface AlertSummary {
  title: string;
  message: string;
}

/** Words the alerts of one run of one monitor as a single notification, e.g. "Monitor weekly: 8 alerts (4 drift, 4 performance)". */
export function summarizeAlerts(
  monitor: string,
  alerts: readonly Pick<MonitorAlert, 'kind' | 'message'>[],
): AlertSummary {
  if (alerts.length === 1)
    return { title: `Monitor ${monitor}: ${alerts[0]!.kind} alert`, message: alerts[0]!.message };
  const counts = new Map<string, number>();
  for (const alert of alerts) counts.set(alert.kind, (counts.get(alert.kind) ?? 0) + 1);
  const parts = [...counts.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([kind, count]) => `${count} ${kind}`);
  return {
    title: `Monitor ${monitor}: ${alerts.length} alerts (${parts.join(', ')})`,
    message: 'Open the monitor to see each window.',
  };
}
