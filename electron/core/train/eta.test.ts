import { describe, expect, it } from 'vitest';
import { trainingEta } from './eta.js';

describe('trainingEta', () => {
  it('bounds the time by the patience window, not only by the maximum epochs', () => {
    // 1 s per batch, 10 batches an epoch, in epoch 3 of 200 with patience 5 and no improvement for 1 epoch.
    const eta = trainingEta({
      elapsedSeconds: 25,
      batchesDone: 25,
      batchesPerEpoch: 10,
      epoch: 3,
      epochs: 200,
      patience: 5,
      epochsWithoutImprovement: 1,
    });
    expect(eta.maxSeconds).toBe(2000 - 25);
    // Epochs 3, 4, 5 and 6 without improvement make 1 + 4 = 5: training stops after epoch 6.
    expect(eta.earlyStopEpoch).toBe(6);
    expect(eta.earlyStopSeconds).toBe(60 - 25);
  });

  it('never goes past the last epoch and never below zero', () => {
    const eta = trainingEta({
      elapsedSeconds: 10,
      batchesDone: 20,
      batchesPerEpoch: 10,
      epoch: 2,
      epochs: 2,
      patience: 50,
      epochsWithoutImprovement: 0,
    });
    expect(eta.earlyStopEpoch).toBe(2);
    expect(eta.earlyStopSeconds).toBe(0);
    expect(eta.maxSeconds).toBe(0);
  });
});
