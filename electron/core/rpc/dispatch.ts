/**
 * The one entry point both transports call: checks the method exists, parses the payload with its
 * schema before any service sees it, and turns every failure into the contract's error shape.
 */
import { isMethodName, methods, type MethodName } from '../../../shared/contract/index.js';
import { LatheError, toErrorShape, type ErrorShape } from '../../../shared/errors.js';
import type { z } from 'zod';
import type { Handlers } from './handlers.js';

/** The result of one call: a value or an error shape, never a throw. */
export type DispatchResult = { ok: true; value: unknown } | { ok: false; error: ErrorShape };

/** Something that can answer a method call by name with an untrusted payload. */
export type Dispatch = (method: string, payload: unknown) => Promise<DispatchResult>;

/** Creates the dispatcher over a set of handlers. */
export function createDispatch(handlers: Handlers): Dispatch {
  return async (method, payload) => {
    try {
      if (!isMethodName(method)) throw new LatheError('UNKNOWN_METHOD', `Unknown method "${method}"`, { method });
      const input = parseInput(method, payload ?? {});
      const handler = handlers[method] as (input: unknown) => unknown;
      return { ok: true, value: await handler(input) };
    } catch (error) {
      const shape = toErrorShape(error);
      if (shape.code === 'INTERNAL') console.error(`lathe: ${method} failed:`, error);
      return { ok: false, error: shape };
    }
  };
}

/** Parses a payload with the method's input schema; a failure names the first field at fault. */
export function parseInput<M extends MethodName>(method: M, payload: unknown): z.output<(typeof methods)[M]['input']> {
  const result = methods[method].input.safeParse(payload);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const field = issue.path.join('.');
    const message = field ? `${field}: ${issue.message}` : issue.message;
    throw new LatheError('BAD_INPUT', `Invalid input for ${method}: ${message}`, {
      field: field || undefined,
      issues: result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
    });
  }
  return result.data as z.output<(typeof methods)[M]['input']>;
}
