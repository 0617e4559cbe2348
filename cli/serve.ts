// `met serve`: the dashboard and its API on one warehouse, until Ctrl-C. Sign-in is on
// unless --no-sign-in, which is allowed on a loopback address only and warned of at
// every start.

import { existsSync, readFileSync, statSync } from 'node:fs';
import type { Role } from '../lib/disclosure.js';
import { OIDC_CALLBACK, type OidcConfig, parseOidcConfig, parseRoleMap } from '../server/auth/oidc.js';
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
  noAccounts: (db: string, state?: string) =>
    `There is no account yet: add one with  npx met user add --name NAME --role analyst ${state ? `--state ${state}` : `--db ${db}`}`,
};

/** `--trust-proxy`: a number of hops, true/false, or addresses as Express takes them. */
function trustProxyValue(v: string | undefined): boolean | number | string | undefined {
  if (v === undefined) return undefined;
  if (v === 'true') return true;
  if (v === 'false') return false;
  if (/^\d+$/.test(v)) return Number(v);
  return v;
}

export async function runServe(o: ServeArgs & OidcFlags): Promise<number> {
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
  let oidc: OidcConfig | undefined;
  try {
    oidc = oidcSettings(o);
  } catch (e) {
    console.error(`met serve: ${e instanceof Error ? e.message : String(e)}`);
    return 2;
  }
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
      ...(oidc ? { oidc } : {}),
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
    if (server.state.accounts.list().length === 0) console.error(serveMessages.noAccounts(o.db, o.state));
  } else {
    console.error(serveMessages.noSignInWarning(o.role!));
  }
  if (['0.0.0.0', '::', '[::]'].includes(o.host) && !(o.allowHost ?? []).length) {
    console.error('It answers only to localhost and 127.0.0.1 until given the name other machines use for it (--allow-host NAME).');
  }
  if (oidc) {
    const base = oidc.publicUrl ?? server.url;
    console.error(
      `Single sign-on through ${oidc.issuer}: register ${new URL(OIDC_CALLBACK.slice(1), base.replace(/\/?$/, '/')).href} as the client's redirect URI.`,
    );
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

/** The single sign-on flags of `met serve` (the client secret is never one: MET_OIDC_CLIENT_SECRET or a file). */
export interface OidcFlags {
  oidcIssuer?: string;
  oidcClientId?: string;
  oidcClientSecretFile?: string;
  oidcRoleClaim?: string;
  oidcRoleMap?: string;
  oidcAreaClaim?: string;
  oidcScope?: string;
  publicUrl?: string;
}

/**
 * The single sign-on settings of the flags and the environment, checked (server/auth/oidc.ts),
 * or undefined when no --oidc-issuer is given. Throws an Error saying what to change.
 */
export function oidcSettings(o: OidcFlags, env: NodeJS.ProcessEnv = process.env): OidcConfig | undefined {
  const given = Object.entries(o).filter(([k, v]) => k.startsWith('oidc') && v !== undefined);
  if (o.oidcIssuer === undefined) {
    if (given.length > 0)
      throw new Error(
        `${given.map(([k]) => `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`).join(', ')} ${given.length === 1 ? 'needs' : 'need'} --oidc-issuer`,
      );
    return undefined;
  }
  if (!o.oidcClientId) throw new Error('single sign-on needs --oidc-client-id (the id the identity provider gave the MET dashboard)');
  let secret = env.MET_OIDC_CLIENT_SECRET;
  if (o.oidcClientSecretFile !== undefined) {
    if (secret !== undefined) throw new Error('the client secret is given twice (MET_OIDC_CLIENT_SECRET and --oidc-client-secret-file): keep one');
    let mode: number;
    try {
      mode = statSync(o.oidcClientSecretFile).mode;
      secret = readFileSync(o.oidcClientSecretFile, 'utf-8').replace(/\r?\n$/, '');
    } catch (e) {
      throw new Error(`the client secret file ${o.oidcClientSecretFile} cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
    }
    if (mode & 0o077) throw new Error(`the client secret file ${o.oidcClientSecretFile} can be read by others: chmod 600 it`);
  }
  if (!secret)
    throw new Error(
      'single sign-on needs the client secret, in MET_OIDC_CLIENT_SECRET or a file named by --oidc-client-secret-file (never on the command line)',
    );
  return parseOidcConfig({
    issuer: o.oidcIssuer,
    clientId: o.oidcClientId,
    clientSecret: secret,
    ...(o.publicUrl !== undefined ? { publicUrl: o.publicUrl } : {}),
    ...(o.oidcScope !== undefined ? { scope: o.oidcScope } : {}),
    ...(o.oidcRoleClaim !== undefined ? { roleClaim: o.oidcRoleClaim } : {}),
    ...(o.oidcRoleMap !== undefined ? { roleMap: parseRoleMap(o.oidcRoleMap) } : {}),
    ...(o.oidcAreaClaim !== undefined ? { areaClaim: o.oidcAreaClaim } : {}),
  });
}
