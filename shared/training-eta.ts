/**
 * The training ETA in words, the same in the app and `lathe train`: early stopping may end training long
 * before the last epoch, so the time to the last epoch is said as an upper bound and the time until the
 * patience window closes (if validation loss stops improving) comes first.
 */
import type { TrainingProgress } from './contract/models.js';

/** "4 s", "2 min 3 s". */
export function secondsText(seconds: number): string {
  const rounded = Math.ceil(seconds);
  if (rounded < 60) return `${rounded} s`;
  return `${Math.floor(rounded / 60)} min ${rounded % 60} s`;
}

/** The ETA of a training tick, or '' before one is known. */
export function etaText(
  p: Pick<
    TrainingProgress,
    'epoch' | 'epochs' | 'etaSeconds' | 'etaEarlyStopSeconds' | 'epochsWithoutImprovement' | 'patience'
  >,
): string {
  if (p.etaSeconds === null || !Number.isFinite(p.etaSeconds)) return '';
  const early = p.etaEarlyStopSeconds;
  if (early === null || p.patience === null || p.epochsWithoutImprovement === null || early >= p.etaSeconds - 0.5)
    return `${secondsText(p.etaSeconds)} left`;
  const stopEpoch = Math.min(p.epochs, p.epoch + Math.max(0, p.patience - p.epochsWithoutImprovement - 1));
  return `${secondsText(early)} left if val_loss stops improving (early stop at epoch ${stopEpoch}), at most ${secondsText(p.etaSeconds)}`;
}
