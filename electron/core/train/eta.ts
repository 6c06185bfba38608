/**
 * How long a training has left, honestly: early stopping ends it once validation loss has not improved
 * for `patience` epochs, so the remaining time to the maximum epoch count is only an upper bound (a run
 * said "2 min" and took 3 s). Both figures are given: the time until the patience window closes if the
 * loss stops improving now, and the time to the last epoch.
 */

/** Where the loop is. `epoch` is the current (1-based) epoch, `batchesDone` counts every batch so far. */
export interface EtaInput {
  elapsedSeconds: number;
  batchesDone: number;
  batchesPerEpoch: number;
  epoch: number;
  epochs: number;
  patience: number;
  /** Finished epochs since the best validation loss so far. */
  epochsWithoutImprovement: number;
}

/** Seconds left at most, seconds left if validation loss does not improve again, and that stop's epoch. */
export interface Eta {
  maxSeconds: number;
  earlyStopSeconds: number;
  earlyStopEpoch: number;
}

/** Both estimates at the measured seconds per batch. */
export function trainingEta(input: EtaInput): Eta {
  const perBatch = input.batchesDone > 0 ? input.elapsedSeconds / input.batchesDone : 0;
  const total = input.epochs * input.batchesPerEpoch;
  // The current epoch counts towards the window when it ends without improving.
  const earlyStopEpoch = Math.min(
    input.epochs,
    input.epoch + Math.max(0, input.patience - input.epochsWithoutImprovement - 1),
  );
  const remaining = (batches: number) => Math.max(0, batches - input.batchesDone) * perBatch;
  return {
    maxSeconds: remaining(total),
    earlyStopSeconds: remaining(earlyStopEpoch * input.batchesPerEpoch),
    earlyStopEpoch,
  };
}
