// GET /api/health (the process answers) and GET /api/ready (a warehouse is open).

import { Router } from 'express';
import type { Warehouse } from '../warehouse.js';

export function healthRoutes(warehouse: Warehouse): Router {
  const router = Router();
  router.get('/api/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/api/ready', async (_req, res) => {
    const info = await warehouse.info();
    if (!info) res.status(503).json({ status: 'no warehouse' });
    else res.json({ status: 'ready', refresh_id: info.refresh_id });
  });
  return router;
}
