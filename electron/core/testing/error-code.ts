/** Test helper: the LatheError code a piece of work throws, so a test states the refusal in one line. */
import { LatheError } from '../../../shared/errors.js';

/** The code `work` throws (`'not a LatheError'` for another error), or undefined when it does not throw. */
export function errorCode(work: () => unknown): string | undefined {
  try {
    work();
  } catch (error) {
    return error instanceof LatheError ? error.code : 'not a LatheError';
  }
  return undefined;
}
