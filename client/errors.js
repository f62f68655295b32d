// One error type for everything the library refuses or the server answers
// with a failure, with a machine-readable `code` the UI can switch on.

/** What an HTTP status means for the call that got it. */
const CODES = {
  400: 'bad_request',
  403: 'forbidden',
  404: 'not_found',
  405: 'guests_disabled',
  409: 'not_started',
  410: 'gone',
  413: 'too_large',
  423: 'locked',
};

export class AnteroomError extends Error {
  /**
   * @param {string} code - e.g. `not_found`, `locked`, `expired`, `network`
   * @param {string} message
   * @param {{status?: number, body?: unknown, cause?: unknown}} [extra]
   */
  constructor(code, message, extra = {}) {
    super(message, extra.cause === undefined ? undefined : { cause: extra.cause });
    this.name = 'AnteroomError';
    this.code = code;
    this.status = extra.status ?? null;
    this.body = extra.body ?? null;
  }

  static fromStatus(status, body) {
    const text = body && typeof body.error === 'string' ? body.error : `HTTP ${status}`;
    const code = CODES[status] ?? (status >= 500 ? 'server' : 'http');
    return new AnteroomError(code, text, { status, body });
  }
}
