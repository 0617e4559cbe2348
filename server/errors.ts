// The one error handler: every error a handler throws is answered here, with the
// status of the one map below. What the client did wrong is a 4xx saying what is
// allowed; anything else a 500 that says nothing of the server's insides (the log has
// the error's kind).

import { DbError } from '../lib/db.js';
import type { ErrorRequestHandler } from 'express';
import multer from 'multer';
import type { Logger } from 'pino';
import { ForbiddenError, MeasureNotBuilt, ProtectionNotBuilt, RequestError } from '../lib/measures.js';
import { HttpError, sendHttpError } from './httpError.js';
import { multerRule, UploadRefused, UploadTooLarge } from './upload.js';
import { NoWarehouse } from './warehouse.js';

/** A status the error carries itself (body-parser's, for one): express's own client errors. */
function clientStatus(err: unknown): number | null {
  if (err && typeof err === 'object' && 'status' in err && (err as { status: number }).status < 500) return (err as { status: number }).status;
  return null;
}

/**
 * The map from an error to its answer, or null for a fault of the server's (500):
 * - an HttpError: its own status (Forbidden 403, UploadRefused 400, UploadTooLarge 413, …);
 * - lib's ForbiddenError 403, RequestError 400; NoWarehouse 503; ProtectionNotBuilt and MeasureNotBuilt 503 (refresh the warehouse);
 * - multer's errors: a file over the cap 413, any other limit 400;
 * - express's own client errors (e.g. a malformed body): their status.
 */
export function httpErrorOf(err: unknown, maxUploadBytes: number): HttpError | null {
  if (err instanceof HttpError) return err;
  if (err instanceof ForbiddenError) return new HttpError(403, err.message);
  if (err instanceof RequestError) return new HttpError(400, err.message);
  if (err instanceof NoWarehouse) return new HttpError(503, err.message);
  if (err instanceof ProtectionNotBuilt) return new HttpError(503, err.message);
  // A warehouse of an older version: its next refresh builds what this version reads.
  if (err instanceof MeasureNotBuilt) return new HttpError(503, err.message);
  if (err instanceof multer.MulterError) {
    return err.code === 'LIMIT_FILE_SIZE' ? new UploadTooLarge(maxUploadBytes) : new UploadRefused(`the upload was refused: ${multerRule(err)}`);
  }
  const status = clientStatus(err);
  return status === null ? null : new HttpError(status, 'the request could not be read');
}

/** The error handler, last of the app. */
export function errorHandler(opts: { log: Logger | null; maxUploadBytes: number }): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    // Already answered (an upload over the cap is answered the moment it passes it).
    if (res.headersSent) return;
    const known = httpErrorOf(err, opts.maxUploadBytes);
    if (known) {
      sendHttpError(req, res, known);
      return;
    }
    // The log names the error and, for DuckDB's, what was being done: never its message,
    // which can quote a value of the data (MET_DEBUG=1 prints it on the server's terminal).
    if (process.env.MET_DEBUG === '1') console.error(err);
    opts.log?.error({ err: { name: err instanceof Error ? err.name : typeof err, ...(err instanceof DbError ? { doing: err.doing } : {}) } }, 'request failed');
    res.status(500).json({ error: 'something went wrong on the server: try again, and tell the analyst if it keeps happening' });
  };
}
