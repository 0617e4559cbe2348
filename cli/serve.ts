// `met serve`: the dashboard and its API on one warehouse, until Ctrl-C.

import { existsSync } from 'node:fs';
import type { Role } from '../lib/disclosure.js';
import { ServeRefused, startServer, type RunningServer } from '../server/index.js';

export async function runServe(o: { db: string; port: number; role: Role; host: string; allowHost?: string[]; maxUploadMb?: number }): Promise<number> {
  let server: RunningServer;
  try {
    server = await startServer({
      db: o.db,
      port: o.port,
      role: o.role,
      host: o.host,
      ...(o.allowHost ? { allowHosts: o.allowHost } : {}),
      ...(o.maxUploadMb !== undefined ? { maxUploadMb: o.maxUploadMb } : {}),
    });
  } catch (e) {
    if (e instanceof ServeRefused) {
      console.error(`met serve: ${e.message}`);
      return 2;
    }
    throw e;
  }
  if (!existsSync(o.db)) {
    // Not fatal: the server says "no warehouse" (503) until a refresh creates one.
    console.error(`There is no warehouse at ${o.db} yet: the dashboard will say so until one is loaded (met load, or the Data page).`);
  }
  console.error(`The MET dashboard is at ${server.url}`);
  console.error(`Running as the ${o.role} role for every request until sign-in exists.`);
  if (['0.0.0.0', '::', '[::]'].includes(o.host) && !(o.allowHost ?? []).length) {
    console.error('It answers only to localhost and 127.0.0.1 until given the name other machines use for it (--allow-host NAME).');
  }
  console.error('Press Ctrl-C to stop.');
  await new Promise<void>((done) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      console.error('Stopping the server …');
      void server.close().then(done);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  return 0;
}
