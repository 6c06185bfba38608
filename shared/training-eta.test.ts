import { describe, expect, it } from 'vitest';
import { etaText, secondsText } from './training-eta.js';

describe('etaText', () => {
  it('leads with the patience window and gives the maximum as a bound', () => {
    const text = etaText({
      epoch: 3,
      epochs: 200,
      etaSeconds: 123,
      etaEarlyStopSeconds: 3.2,
      epochsWithoutImprovement: 1,
      patience: 5,
    });
    expect(text).toBe('4 s left if val_loss stops improving (early stop at epoch 6), at most 2 min 3 s');
  });
  it('says one figure when early stopping cannot come sooner', () => {
    const tick = { epoch: 9, epochs: 10, epochsWithoutImprovement: 0, patience: 5 };
    expect(etaText({ ...tick, etaSeconds: 12, etaEarlyStopSeconds: 12 })).toBe('12 s left');
    expect(etaText({ ...tick, etaSeconds: null, etaEarlyStopSeconds: null })).toBe('');
  });
  it('spells minutes', () => {
    expect(secondsText(58.2)).toBe('59 s');
    expect(secondsText(59.2)).toBe('1 min 0 s');
    expect(secondsText(60)).toBe('1 min 0 s');
  });
});
