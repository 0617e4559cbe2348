// `met serve`: the dashboard and its API on one warehouse, until Ctrl-C. Sign-in is on
// unless --no-sign-in, which is allowed on a loopback address only and warned of at
// every start.

import { existsSync } from 'node:fs';
import type { Role } from '../lib/disclosure.js';
import { ServeRefused, startServer, type RunningServer } from '../server/index.js';

export interface ServeArgs {
  db: string;
  port: number;
  host: string;
  /** False with --no-sign-in. */
  signIn?: boolean;
  role?: Role;
  state?: string;
  secureCookies?: boolean;
  trustProxy?: string;
  idleMinutes?: number;
  absoluteHours?: number;
  allowHost?: string[];
  maxUploadMb?: number;
}

/** The words `met serve` says about sign-in. */
export const serveMessages = {
  roleNeedsNoSignIn: () => '--role is for --no-sign-in only: with sign-in, each account has its own role (met user add --role)',
  noSignInNeedsRole: () => '--no-sign-in needs --role (analyst, board, commissioner or public): the role every request runs as',
  noSignInWarning: (role: string) =>
    `WARNING: sign-in is off (--no-sign-in): everyone who can reach this machine's port is the ${role} role, unnamed and unaudited by name. Use it for a demonstration on this machine only.`,
  signInOn: (state: string) => `Sign-in is on: accounts, sessions and the audit log are in ${state}.`,
  noAccounts: (db: string) => `There is no account yet: add one with  npx met user add --name NAME --role analyst --db ${db}`,
};

/** `--trust-proxy`: a number of hops, true/false, or addresses as Express takes them. */
function trustProxyValue(v: string | undefined): boolean | number | string | undefined {
  if (v === undefined) return undefined;
  if (v === 'true') return true;
  if (v === 'false') return false;
  if (/^\d+$/.test(v)) return Number(v);
  return v;
}

export async function runServe(o: ServeArgs): Promise<number> {
  const signIn = o.signIn !== false;
  if (signIn && o.role !== undefined) {
    console.error(`met serve: ${serveMessages.roleNeedsNoSignIn()}`);
    return 2;
  }
  if (!signIn && o.role === undefined) {
    console.error(`met serve: ${serveMessages.noSignInNeedsRole()}`);
    return 2;
  }
  let server: RunningServer;
  try {
    server = await startServer({
      db: o.db,
      port: o.port,
      host: o.host,
      ...(signIn ? {} : { role: o.role! }),
      ...(o.state ? { state: o.state } : {}),
      ...(o.secureCookies ? { secureCookies: true } : {}),
      ...(o.trustProxy !== undefined ? { trustProxy: trustProxyValue(o.trustProxy)! } : {}),
      ...(o.idleMinutes !== undefined ? { idleMinutes: o.idleMinutes } : {}),
      ...(o.absoluteHours !== undefined ? { absoluteHours: o.absoluteHours } : {}),
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
  if (signIn) {
    console.error(serveMessages.signInOn(server.state.path));
    if (server.state.accounts.list().length === 0) console.error(serveMessages.noAccounts(o.db));
  } else {
    console.error(serveMessages.noSignInWarning(o.role!));
  }
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
