// A handler that reads the warehouse runs with a lease: the file it reads stays open
// until the handler is done, even if a refresh replaces it meanwhile (server/warehouse.ts).

import type { Request, Response } from 'express';
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
