// Errors cross the protocol as data: `{ code, message, data? }`. `RpcError` is the one class both sides
// throw and catch, so a handler's failure arrives at the caller with the same code it was thrown with.

/** The protocol's error catalogue: stable codes, one default message each. */
export const ERROR_CODES = {
  E_BAD_FRAME: 'The message is not a valid protocol frame.',
  E_BAD_PARAMS: 'The call parameters are invalid.',
  E_BAD_RESULT: 'The engine returned a result that does not match the contract.',
  E_UNKNOWN_METHOD: 'No such call in the protocol.',
  E_NOT_IMPLEMENTED: 'The engine does not implement this call yet.',
  E_CANCELLED: 'The call was cancelled.',
  E_DISCONNECTED: 'The connection to the engine was lost.',
  E_ENGINE_CRASHED: 'The engine process stopped unexpectedly; it has been restarted.',
  E_ENGINE_RESTARTING: 'The engine is restarting and too many calls are already waiting for it; try again.',
  E_BUSY: 'A training run is already in progress.',
  E_NO_RUN: 'There is no training run.',
  E_UNKNOWN_BLOCK: 'The network has no block at this path.',
  E_DEBUG_LIMIT: 'Too many debug subscriptions or watched blocks.',
  E_NOT_TRAINED: 'The project has no trained weights.',
  E_INTERNAL: 'The engine failed with an unexpected error.',
  E_UNAUTHORIZED: 'The engine refused the connection (wrong or missing token).',
  E_TIMEOUT: 'The call took too long.',
  E_BAD_CHUNK: 'A message sent in chunks arrived broken (out of order, unknown, or not adding up).',
  E_MESSAGE_TOO_BIG: 'The message is larger than the other side accepts.',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES | (string & {});

/** The wire shape of an error. */
export interface ErrorData {
  code: ErrorCode;
  message: string;
  data?: unknown;
}

/** An error with a stable code. Example: `throw new RpcError('E_BUSY')`. */
export class RpcError extends Error {
  readonly code: ErrorCode;
  readonly data?: unknown;

  constructor(code: ErrorCode, message?: string, data?: unknown) {
    super(message ?? (ERROR_CODES as Record<string, string>)[code] ?? code);
    this.name = 'RpcError';
    this.code = code;
    if (data !== undefined) this.data = data;
  }

  toJSON(): ErrorData {
    return this.data === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, data: this.data };
  }

  /** Any thrown value → RpcError; unknown errors become E_INTERNAL and keep their message. */
  static from(err: unknown): RpcError {
    if (err instanceof RpcError) return err;
    if (isErrorData(err)) return new RpcError(err.code, err.message, err.data);
    if (err instanceof Error) {
      if (err.name === 'AbortError') return new RpcError('E_CANCELLED');
      return new RpcError('E_INTERNAL', err.message);
    }
    return new RpcError('E_INTERNAL', String(err));
  }
}

function isErrorData(v: unknown): v is ErrorData {
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof (v as ErrorData).code === 'string' &&
    typeof (v as ErrorData).message === 'string'
  );
}
