// Starting and stopping the dashboard server (used by `met serve`, `npm start` and the tests).

import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { resolve } from 'node:path';
import type { Role } from '../lib/disclosure.js';
import { createApp } from './app.js';
import { Warehouse } from './warehouse.js';

export { createApp } from './app.js';

export interface StartOptions {
  db: string;
  /** The role every request runs as until sign-in exists (default analyst). */
  role?: Role;
  /** 0 for any free port (default 8080). */
  port?: number;
  /** Default 127.0.0.1: the dashboard is not on the network unless asked. */
  host?: string;
  /** Request logging to stdout (default true). */
  log?: boolean;
}

export interface RunningServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

export async function startServer(opts: StartOptions): Promise<RunningServer> {
  const warehouse = new Warehouse(resolve(opts.db));
  const app = createApp({ warehouse, role: opts.role ?? 'analyst', ...(opts.log === false ? { logger: false as const } : {}) });
  const host = opts.host ?? '127.0.0.1';
  const server: Server = await new Promise((ok, fail) => {
    const s = app.listen(opts.port ?? 8080, host, (err?: Error) => (err ? fail(err) : ok(s)));
    s.on('error', fail);
  });
  const port = (server.address() as AddressInfo).port;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shownHost}:${port}`,
    port,
    close: () =>
      new Promise<void>((ok) => {
        server.close(() => {
          warehouse.close();
          ok();
        });
        // Keep-alive connections would hold close() open until they time out.
        server.closeAllConnections();
      }),
  };
}
