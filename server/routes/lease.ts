// A handler that reads the warehouse runs with a lease: the file it reads stays open
// until the handler is done, even if a refresh replaces it meanwhile (server/warehouse.ts).

import type { Request, Response } from 'express';
import { gzipSync } from 'node:zlib';
import { type AnswerCache, isAbandoned } from '../cache.js';
import { QueryInterrupted } from '../../lib/db.js';
import type { Lease, Warehouse } from '../warehouse.js';

/**
 * Runs a handler with a leased warehouse, released when the handler is done. When the
 * client goes before its answer is sent, the query the handler is running is interrupted
 * and its next ones refused (lib/db.ts QueryInterrupted): nothing is left running for no one.
 */
export function withLease(warehouse: Warehouse, f: (lease: Lease, req: Request, res: Response) => Promise<void>) {
  return async (req: Request, res: Response) => {
    const gone = new AbortController();
    const onClose = () => {
      if (!res.writableFinished) gone.abort();
    };
    res.on('close', onClose);
    const lease = await warehouse.acquire(gone.signal);
    try {
      await f(lease, req, res);
    } catch (e) {
      // No one is left to answer.
      if (e instanceof QueryInterrupted && gone.signal.aborted) return;
      throw e;
    } finally {
      res.off('close', onClose);
      lease.release();
    }
  };
}

/**
 * Answers JSON worked out once per refresh and key (server/cache.ts), saying how in
 * X-MET-Cache (hit, shared or miss). A client that goes before its work starts leaves
 * no work behind and gets no answer; when the last client waiting for running work goes,
 * `stop` aborts (run its queries on lease.reader(stop) to have them interrupted).
 */
export async function cachedJson(
  cache: AnswerCache,
  refresh: string,
  key: string,
  res: Response,
  compute: (stop: AbortSignal) => Promise<string>,
): Promise<void> {
  const gone = new AbortController();
  const onClose = () => {
    if (!res.writableFinished) gone.abort();
  };
  res.on('close', onClose);
  try {
    const { body, how } = await cache.get(refresh, key, compute, gone.signal);
    res.set('X-MET-Cache', how).type('application/json');
    if (res.req.acceptsEncodings('gzip') !== 'gzip') {
      res.send(body);
      return;
    }
    // Compressed once per answer, not once per request (compression() leaves an answer
    // already encoded alone): gzip of every copy was the largest cost of a kept answer.
    const gz = gzipped(refresh, key, body);
    res.set({ 'Content-Encoding': 'gzip', 'Content-Length': String(gz.length) });
    res.vary('Accept-Encoding');
    res.end(gz);
  } catch (e) {
    if (isAbandoned(e) && gone.signal.aborted) return;
    throw e;
  } finally {
    res.off('close', onClose);
  }
}

/** The gzipped bytes of kept answers, by refresh and key: at most GZIP_KEPT of them, least recently used dropped. */
const zipped = new Map<string, { body: string; gz: Buffer }>();
const GZIP_KEPT = 256;

function gzipped(refresh: string, key: string, body: string): Buffer {
  const k = `${refresh}\u0000${key}`;
  const had = zipped.get(k);
  zipped.delete(k);
  // The same answer (the cache hands out the very string it keeps): its bytes as they were.
  const z = had && had.body === body ? had : { body, gz: gzipSync(body) };
  zipped.set(k, z);
  for (const old of zipped.keys()) {
    if (zipped.size <= GZIP_KEPT) break;
    zipped.delete(old);
  }
  return z.gz;
}
