// A handler that reads the warehouse runs with a lease: the file it reads stays open
// until the handler is done, even if a refresh replaces it meanwhile (server/warehouse.ts).

import type { Request, Response } from 'express';
import { type AnswerCache, isAbandoned } from '../cache.js';
import type { Lease, Warehouse } from '../warehouse.js';

/** Runs a handler with a leased warehouse, released when the handler is done. */
export function withLease(warehouse: Warehouse, f: (lease: Lease, req: Request, res: Response) => Promise<void>) {
  return async (req: Request, res: Response) => {
    const lease = await warehouse.acquire();
    try {
      await f(lease, req, res);
    } finally {
      lease.release();
    }
  };
}

/**
 * Answers JSON worked out once per refresh and key (server/cache.ts), saying how in
 * X-MET-Cache (hit, shared or miss). A client that goes before its work starts leaves
 * no work behind and gets no answer.
 */
export async function cachedJson(cache: AnswerCache, refresh: string, key: string, res: Response, compute: () => Promise<string>): Promise<void> {
  const gone = new AbortController();
  const onClose = () => {
    if (!res.writableFinished) gone.abort();
  };
  res.on('close', onClose);
  try {
    const { body, how } = await cache.get(refresh, key, compute, gone.signal);
    res.set('X-MET-Cache', how).type('application/json').send(body);
  } catch (e) {
    if (isAbandoned(e) && gone.signal.aborted) return;
    throw e;
  } finally {
    res.off('close', onClose);
  }
}
