// The contract's typed error (`modgate:host/types.error`).

/** The stable error codes, as the contract writes them. */
export const ErrorCode = Object.freeze({
  forbidden: 'forbidden',
  rateLimited: 'rate-limited',
  busy: 'busy',
  timeout: 'timeout',
  handlerError: 'handler-error',
  protocol: 'protocol',
  notAvailable: 'not-available',
  budgetExhausted: 'budget-exhausted',
  notFound: 'not-found',
  invalid: 'invalid',
});

/**
 * A typed error: `code` is stable, `message` explains. Thrown from an
 * export whose result carries the contract's error, its `payload` is
 * returned to the host as that error; host calls that fail throw an error
 * whose `payload` is `{ code, message }` (`ModgateError.of` makes it one
 * of these). Anything else thrown traps the invocation.
 */
export class ModgateError extends Error {
  constructor(code, message) {
    super(`${code}: ${message}`);
    this.name = 'ModgateError';
    this.payload = { code, message };
  }

  get code() {
    return this.payload.code;
  }

  static of(thrown) {
    if (thrown instanceof ModgateError) return thrown;
    const payload = thrown && thrown.payload;
    if (payload && typeof payload.code === 'string') return new ModgateError(payload.code, String(payload.message));
    return new ModgateError(ErrorCode.handlerError, String(thrown));
  }

  static invalid(message) {
    return new ModgateError(ErrorCode.invalid, message);
  }

  static handler(message) {
    return new ModgateError(ErrorCode.handlerError, message);
  }

  static notFound(message) {
    return new ModgateError(ErrorCode.notFound, message);
  }
}
