/**
 * What tells finished training cards apart: the settings whose values differ between the jobs on screen
 * (two runs of the same data and target otherwise look alike) and how long each took. Dismissed cards are
 * remembered on this machine so a reload does not bring them back.
 */
import type { TrainingJob } from '../../../../shared/contract/index';

/** `name value` for each setting of `job` that is not the same in every one of `jobs`. */
export function differingSettings(job: Pick<TrainingJob, 'settings'>, jobs: Pick<TrainingJob, 'settings'>[]): string[] {
  if (jobs.length < 2) return [];
  const keys = [...new Set(jobs.flatMap((j) => Object.keys(j.settings)))];
  return keys
    .filter((key) => new Set(jobs.map((j) => j.settings[key] ?? '')).size > 1)
    .map((key) => `${key} ${job.settings[key] ?? '–'}`);
}

/** "took 3.2 s", "took 2 min 5 s"; '' while running. */
export function durationText(job: Pick<TrainingJob, 'startedAt' | 'finishedAt'>): string {
  if (job.finishedAt === null) return '';
  const seconds = (job.finishedAt - job.startedAt) / 1000;
  if (seconds < 60) return `took ${seconds.toFixed(1)} s`;
  return `took ${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`;
}

const dismissedKey = 'lathe.trainingJobs.dismissed';

/** Job ids dismissed on this machine. */
export function loadDismissed(): Set<string> {
  try {
    return new Set(JSON.parse(localStorage.getItem(dismissedKey) ?? '[]') as string[]);
  } catch {
    return new Set();
  }
}

/** Remembers `ids` (the last 200) as dismissed. */
export function saveDismissed(ids: Set<string>): void {
  localStorage.setItem(dismissedKey, JSON.stringify([...ids].slice(-200)));
}
