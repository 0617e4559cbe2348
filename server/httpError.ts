// An error that carries the HTTP status it is answered with (after Observable
// Framework's src/error.ts). Thrown by a handler, it reaches the one error handler
// (server/errors.ts), which answers { error: message } with its status.

import type { Request, Response } from 'express';

export class HttpError extends Error {
  /**
   * @param status the HTTP status of the answer (4xx: what the client did wrong)
   * @param message what the client is told: what is allowed, never the server's insides
   * @param closeConnection close the connection after the answer, reading and dropping
   *   whatever of the body is still arriving (an upload over the cap)
   */
  constructor(
    readonly status: number,
    message: string,
    readonly closeConnection = false,
    /** Seconds the client should wait before asking again (a 503's Retry-After). */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

/** A 403 for endpoints with record-level or data-quality detail. */
export class Forbidden extends HttpError {
  constructor(message: string) {
    super(403, message);
    this.name = 'Forbidden';
  }
}

/** Answers an HttpError now (unless the request is already answered). */
export function sendHttpError(req: Request, res: Response, err: HttpError): void {
  if (res.headersSent) return;
  if (err.closeConnection) res.set('Connection', 'close');
  if (err.retryAfterSeconds !== undefined) res.set('Retry-After', String(err.retryAfterSeconds));
  res.status(err.status).json({ error: err.message });
  // Whatever of the body is still arriving is read and dropped (never kept) until the
  // connection closes.
  if (err.closeConnection) req.resume();
}
