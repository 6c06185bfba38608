/**
 * When a pipeline next starts on its own: the soonest fire time of its cron triggers, computed with
 * cron-parser (the library the core's scheduler uses, in the same local time zone, since the page and the
 * core run on one machine). Folder, alert and pipeline triggers have no time: they are described instead.
 */
import { CronExpressionParser } from 'cron-parser';
import type { PipelineTrigger } from '../../../../shared/contract/index';

/** The next time (ms since the epoch) a cron trigger of `triggers` fires after `now`, or null when none will. */
export function nextScheduledAt(triggers: readonly PipelineTrigger[], now: number): number | null {
  let soonest: number | null = null;
  for (const trigger of triggers) {
    if (trigger.kind !== 'cron' || typeof trigger.config.schedule !== 'string') continue;
    try {
      const next = CronExpressionParser.parse(trigger.config.schedule, { currentDate: new Date(now) })
        .next()
        .getTime();
      if (soonest === null || next < soonest) soonest = next;
    } catch {
      // The core refuses a bad schedule when the definition is saved; a stored one always parses.
    }
  }
  return soonest;
}

/** What starts a pipeline without a schedule, in words (`new files *.csv in /data/in`), one per trigger. */
export function eventTriggers(triggers: readonly PipelineTrigger[]): string[] {
  return triggers.filter((trigger) => trigger.kind !== 'cron' && trigger.kind !== 'manual').map((t) => t.detail);
}
