/** The one number format of the UI and the CLI. */
import { describe, expect, it } from 'vitest';
import { formatNumber } from './format';

describe('formatNumber', () => {
  it('groups integers and rounds decimals to the digits asked', () => {
    expect(formatNumber(1234567, 4, { locale: 'en-US' })).toBe('1,234,567');
    expect(formatNumber(0.123456, 4, { locale: 'en-US' })).toBe('0.1235');
    expect(formatNumber(49124.834, 2, { locale: 'en-US' })).toBe('49,124.83');
  });

  it('writes tiny and huge values in exponent form', () => {
    expect(formatNumber(0.0000123)).toBe('1.23e-5');
    expect(formatNumber(-3.7e-17)).toBe('-3.70e-17');
    expect(formatNumber(2.5e12 + 0.5)).toBe('2.50e+12');
  });

  it('says what is missing', () => {
    expect(formatNumber(null)).toBe('—');
    expect(formatNumber(Number.NaN, 4, { empty: '' })).toBe('');
    expect(formatNumber(Number.POSITIVE_INFINITY)).toBe('∞');
  });
});
