// GET /api/meta: what the warehouse covers and what may be asked; 200 with no warehouse yet.

import { Router } from 'express';
import { authOf } from '../auth/session.js';
import { meta } from '../meta.js';
import { VERSION } from '../version.js';
import { NoWarehouse, type Lease, type Warehouse } from '../warehouse.js';

export function metaRoutes(warehouse: Warehouse): Router {
  const router = Router();
  router.get('/api/meta', async (req, res) => {
    let lease: Lease | null = null;
    try {
      lease = await warehouse.acquire();
    } catch (e) {
      if (!(e instanceof NoWarehouse)) throw e;
    }
    try {
      res.json(await meta(lease?.db ?? null, lease?.info ?? null, req.met.role, VERSION, { area: req.met.area, signIn: authOf(req) !== null }));
    } finally {
      lease?.release();
    }
  });
  return router;
}
