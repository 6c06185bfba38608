import { describe, expect, it } from 'vitest';
import { breakablePieces } from './BreakableText';

describe('breakablePieces', () => {
  it('offers a break after each separator, never inside a word', () => {
    expect(breakablePieces('skipped_columns')).toEqual(['skipped_', 'columns']);
    expect(breakablePieces('lathe.model_version')).toEqual(['lathe.', 'model_', 'version']);
    expect(breakablePieces('test_onnx_max_difference')).toEqual(['test_', 'onnx_', 'max_', 'difference']);
  });

  it('keeps the text whole, whatever it holds', () => {
    for (const text of ['loss', 'a__b', '_leading', 'trailing_', 'path/to/file.csv', 'customers@2', '']) {
      expect(breakablePieces(text).join('')).toBe(text);
    }
    expect(breakablePieces('loss')).toEqual(['loss']);
    expect(breakablePieces('a__b')).toEqual(['a__', 'b']);
  });
});

describe('breakablePieces on lists', () => {
  it('breaks a comma-separated list after its commas', () => {
    expect(breakablePieces('customer_id,signup_date')).toEqual(['customer_', 'id,', 'signup_', 'date']);
  });
});

describe('breakablePieces on numbers', () => {
  it('keeps a number whole', () => {
    for (const text of ['0.001', '1.19209e-7', '-2.5E+10', '.5', '42']) expect(breakablePieces(text)).toEqual([text]);
  });
});
