// One rate limit per client address a minute, as the API, the sign-in and single sign-on
// use it: standard RateLimit headers (draft 8), 429 with `message` beyond the limit.

import type { RequestHandler } from 'express';
import { rateLimit } from 'express-rate-limit';

/** At most `limit` requests a minute from one address; beyond, 429 with `message` (JSON, or a text). */
export function perMinute(limit: number, message: string | Record<string, unknown>): RequestHandler {
  return rateLimit({ windowMs: 60_000, limit, standardHeaders: 'draft-8', legacyHeaders: false, message });
}
