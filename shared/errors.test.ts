/** The error shape's round trip across a thread or process boundary: toErrorShape then errorFromShape. */
import { describe, expect, it } from 'vitest';
import { LatheError, errorFromShape, toErrorShape } from './errors.js';

describe('error shape round trip', () => {
  it('keeps a LatheError’s code, message and details', () => {
    const back = errorFromShape(toErrorShape(new LatheError('NOT_FOUND', 'No model "m"', { field: 'ref' })));
    expect(back).toBeInstanceOf(LatheError);
    expect((back as LatheError).toShape()).toEqual({
      code: 'NOT_FOUND',
      message: 'No model "m"',
      details: { field: 'ref' },
    });
  });

  it('turns an unexpected error into INTERNAL with its message', () => {
    const back = errorFromShape(toErrorShape(new TypeError('x is undefined')));
    expect((back as LatheError).code).toBe('INTERNAL');
    expect(back.message).toBe('x is undefined');
  });

  it('gives a plain Error for a code Lathe does not know', () => {
    const back = errorFromShape({ code: 'EWHATEVER', message: 'odd' });
    expect(back).not.toBeInstanceOf(LatheError);
    expect(back.message).toBe('odd');
  });
});
