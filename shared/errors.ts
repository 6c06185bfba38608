/**
 * The one error shape Lathe shows everywhere: a stable code for programs, a sentence for people,
 * and optional details (the field, file or line at fault).
 */

/** Every error code Lathe reports, with the HTTP status the server answers with. */
export const errorStatus = {
  BAD_INPUT: 400,
  UNKNOWN_METHOD: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  ALREADY_EXISTS: 409,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  STORE_UNUSABLE: 500,
  INTERNAL: 500,
} as const;

/** A machine-readable error code. */
export type ErrorCode = keyof typeof errorStatus;

/** The serialisable form of an error, as it crosses IPC, HTTP and the CLI's --json output. */
export interface ErrorShape {
  code: ErrorCode;
  message: string;
  details?: Record<string, unknown>;
}

/** An error raised on purpose, with a code the caller can act on. */
export class LatheError extends Error {
  readonly code: ErrorCode;
  readonly details?: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = 'LatheError';
    this.code = code;
    this.details = details;
  }

  /** The plain object sent over the wire. */
  toShape(): ErrorShape {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }
}

/** Turns anything thrown into the error shape; unexpected errors keep their message but are INTERNAL. */
export function toErrorShape(error: unknown): ErrorShape {
  if (error instanceof LatheError) return error.toShape();
  if (isErrorShape(error)) return error;
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'INTERNAL', message };
}

/** True for an object that already has the error shape (for example one parsed from JSON). */
export function isErrorShape(value: unknown): value is ErrorShape {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as ErrorShape).code === 'string' &&
    (value as ErrorShape).code in errorStatus &&
    typeof (value as ErrorShape).message === 'string'
  );
}

/**
 * Rebuilds an error from its shape after it crossed a thread or process boundary (the other half of
 * {@link toErrorShape}): a known code comes back as a LatheError with its details, anything else as an Error.
 */
export function errorFromShape(shape: { code: string; message: string; details?: Record<string, unknown> }): Error {
  return isErrorShape(shape) ? new LatheError(shape.code, shape.message, shape.details) : new Error(shape.message);
}
