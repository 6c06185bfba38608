import { describe, expect, it } from 'vitest';
import { axisScale } from './axis-scale';

describe('axisScale', () => {
  it('uses a log axis for a learning rate swept over orders of magnitude', () => {
    expect(axisScale('lr', [0.0001, 0.001, 0.01])).toBe('log');
    expect(axisScale('units', [8, 64, 512])).toBe('log');
    // A rate-like name is log even over a small range.
    expect(axisScale('learning_rate', [0.01, 0.03])).toBe('log');
  });
  it('keeps a linear axis for small ranges, zeros, negatives and constants', () => {
    expect(axisScale('seed', [1, 2, 3])).toBe('value');
    expect(axisScale('lr', [0, 0.1])).toBe('value');
    expect(axisScale('shift', [-1, 10])).toBe('value');
    expect(axisScale('lr', [0.1, 0.1])).toBe('value');
  });
});
