import { isErrorShape, type ErrorCode, type ErrorShape } from '../../../shared/errors';

/** An error returned by the core, as the UI sees it: code, message and details. */
export class ClientError extends Error implements ErrorShape {
  readonly code: ErrorCode;
  readonly details?: Record<string, unknown>;

  constructor(shape: ErrorShape) {
    super(shape.message);
    this.name = 'ClientError';
    this.code = shape.code;
    this.details = shape.details;
  }

  /** Wraps anything thrown across a transport into a ClientError. */
  static from(error: unknown): ClientError {
    if (error instanceof ClientError) return error;
    if (isErrorShape(error)) return new ClientError(error);
    // Electron prefixes errors thrown in handlers: "Error invoking remote method 'x': Error: {...}".
    const message = error instanceof Error ? error.message : String(error);
    const json = message.indexOf('{');
    if (json >= 0) {
      try {
        const parsed: unknown = JSON.parse(message.slice(json));
        if (isErrorShape(parsed)) return new ClientError(parsed);
      } catch {
        // not JSON: fall through
      }
    }
    return new ClientError({ code: 'INTERNAL', message });
  }
}
