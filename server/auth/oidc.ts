// Single sign-on by OpenID Connect through the organisation's identity provider (issue
// 9, docs/sso.md). GET /auth/oidc/start sends the browser to the provider (authorization
// code flow, PKCE S256, state and nonce); GET /auth/oidc/callback exchanges the code,
// has openid-client validate the ID token (signature, issuer, audience, expiry, nonce)
// and reads the person's claims. The MET role and area come from the configured claims
// (roleClaim through roleMap, areaClaim) or, where no claim gives a role, from what the
// analyst assigned to that person (issuer + subject) in the state store; neither: refused,
// with a page that says what to do, and audited.
//
// The flow's secrets (state, nonce, PKCE verifier) stay on the server, keyed by a random
// handle in a short-lived HttpOnly SameSite=Lax cookie (the callback is a cross-site
// navigation, which a Strict cookie would not survive). Each is used once: a replayed
// callback finds nothing. Nothing of a token or code reaches a log, a page or the audit:
// the audit records the outcome, the account name and subject, and a reason in fixed words.

import { randomBytes } from 'node:crypto';
import { type Request, type Response, Router } from 'express';
import { perMinute } from '../limits.js';
import * as client from 'openid-client';
import { z } from 'zod';
import { AREAS, type AreaName } from '../../model/areas.js';
import { ROLES, type Role } from '../../model/roles.js';
import { type Account, nameProblem, sha256, type StateStore } from '../../state/store.js';
import { safeNext } from './password.js';
import { authOf, clientAddress, startSession } from './session.js';

export const OIDC_START = '/auth/oidc/start';
export const OIDC_CALLBACK = '/auth/oidc/callback';
/** Answers { oidc: true } when single sign-on is configured (the sign-in page shows its button then), { oidc: false } when not. */
export const OIDC_AVAILABLE = '/auth/oidc/available';
const COOKIE = 'met_oidc';
/** How long a sign-in may take at the provider before it must be started again. */
const PENDING_MS = 10 * 60_000;
/** At most this many sign-ins in flight (a flood of /start evicts the oldest, never grows memory). */
const PENDING_MAX = 10_000;

const httpUrl = z.url({ protocol: /^https?$/, error: 'must be a full http(s) URL' });

/** The single sign-on configuration (`met serve --oidc-…`), checked before the server starts. */
export const oidcConfigSchema = z
  .object({
    /** The provider's issuer URL: its discovery document is at ISSUER/.well-known/openid-configuration. */
    issuer: httpUrl,
    clientId: z.string().trim().min(1, 'the client id is empty'),
    /** From MET_OIDC_CLIENT_SECRET or a file, never a command-line flag. */
    clientSecret: z.string().min(1, 'the client secret is empty'),
    /** Where browsers reach this server (behind a proxy, its https address); default: the address of the request. */
    publicUrl: httpUrl.optional(),
    scope: z.string().default('openid profile'),
    /** The claim that holds the person's MET role (a string or a list, e.g. "groups"). */
    roleClaim: z.string().trim().min(1).optional(),
    /** Claim value → MET role; without one, a claim value that is a role's name is that role. */
    roleMap: z.record(z.string().min(1), z.enum(ROLES)).default({}),
    /** The claim that holds the person's area (one of the four, or "all"). */
    areaClaim: z.string().trim().min(1).optional(),
    /** Tests only (a provider on http://127.0.0.1): openid-client refuses http otherwise. */
    allowHttp: z.boolean().default(false),
  })
  .superRefine((c, ctx) => {
    if (!c.allowHttp && !c.issuer.startsWith('https://')) ctx.addIssue({ code: 'custom', path: ['issuer'], message: 'must be an https URL' });
    if (!c.scope.split(/\s+/).includes('openid')) ctx.addIssue({ code: 'custom', path: ['scope'], message: 'must include openid' });
    if (Object.keys(c.roleMap).length > 0 && !c.roleClaim) {
      ctx.addIssue({ code: 'custom', path: ['roleMap'], message: 'needs the claim it maps (--oidc-role-claim)' });
    }
  });
export type OidcConfig = z.output<typeof oidcConfigSchema>;
export type OidcConfigInput = z.input<typeof oidcConfigSchema>;

/** The configuration, or an Error naming every problem in words a person can act on. */
export function parseOidcConfig(input: OidcConfigInput): OidcConfig {
  const r = oidcConfigSchema.safeParse(input);
  if (r.success) return r.data;
  const problems = r.error.issues.map((i) => `${i.path.length ? `${i.path.join('.')} ` : ''}${i.message}`);
  throw new Error(oidcMessages.badConfig(problems));
}

/** `--oidc-role-map 'group=role,…'` as a map; an unknown role is refused naming the allowed ones. */
export function parseRoleMap(text: string): Record<string, Role> {
  const pairs: [string, Role][] = [];
  for (const part of text.split(',')) {
    if (!part.trim()) continue;
    const eq = part.lastIndexOf('=');
    const value = part.slice(0, eq).trim();
    const role = part.slice(eq + 1).trim();
    if (eq < 1 || !value) throw new Error(oidcMessages.badRoleMapEntry(part.trim()));
    if (!(ROLES as readonly string[]).includes(role)) throw new Error(oidcMessages.badRoleMapRole(value, role));
    pairs.push([value, role as Role]);
  }
  // fromEntries makes own properties, whatever the claim value ("__proto__" included).
  return Object.fromEntries(pairs);
}

/** Every sentence of single sign-on a person reads (lib/messages.ts style). */
export const oidcMessages = {
  badConfig: (problems: string[]) => `the single sign-on settings are not usable: ${problems.join('; ')}`,
  badRoleMapEntry: (entry: string) => `--oidc-role-map takes claim=role pairs separated by commas, not "${entry}"`,
  badRoleMapRole: (value: string, role: string) => `--oidc-role-map maps "${value}" to "${role}", which is not a MET role: use ${ROLES.join(', ')}`,
  signInTitle: 'Sign in',
  refusedTitle: 'You are not signed in',
  noRole: 'Your account has no MET role: ask the analyst to give you one.',
  twoRoles: (roles: Role[]) => `Your organisation gives you more than one MET role (${roles.join(', ')}): ask the analyst to choose the one you should have.`,
  noArea: 'Your organisation’s account does not say which area of the partnership you work for: ask the analyst.',
  disabled: 'Your MET account has been switched off: ask the analyst.',
  expired: 'This sign-in has expired or has already been used: start again.',
  notVerified:
    'The answer from your organisation’s sign-in could not be verified, so you are not signed in: start again, and tell the analyst if it happens again.',
  notCompleted: 'The sign-in at your organisation was not completed: start again.',
  unreachable: 'Your organisation’s sign-in cannot be reached just now: try again in a few minutes, or tell the analyst.',
  startAgain: 'Sign in again',
  signInOff: 'Sign-in is off on this server.',
  signedIn: (name: string) => `You are signed in as ${name}.`,
  continue: 'Continue to the dashboard',
};

/** What the state store knows of a person who signs in through the provider (state/store.ts Account). */
export type ExternalAccount = Pick<Account, 'id' | 'name' | 'role' | 'area' | 'disabled' | 'role_from'>;

export interface OidcOptions {
  /** The clock of the sign-ins in flight (tests). */
  now?: () => number;
  /** Where a failure of the provider's is said (its kind only). */
  warn?: (what: string) => void;
}

/** The outcome of mapping a verified person to a MET role and area. */
export type Access = { ok: true; role: Role; area: AreaName | null; from: 'claims' | 'analyst' } | { ok: false; message: string; reason: string };

/** A claim's values as strings: a string, or a list of strings (others are ignored). */
function claimValues(claims: Record<string, unknown>, name: string): string[] {
  const v = claims[name];
  if (typeof v === 'string') return [v];
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string');
  return [];
}

/**
 * The MET role and area of a person the provider has vouched for. In order:
 * 1. an account the analyst switched off is refused;
 * 2. the role claim, each value through roleMap (or a role's own name when there is no
 *    map): one role → that role, with the area from areaClaim when it is configured
 *    (one of the declared areas, or "all"; otherwise refused), the whole partnership when
 *    it is not; two different roles → refused;
 * 3. no claim gives a role: the role and area the analyst assigned to this person;
 * 4. neither: refused.
 * A value outside the declared roles and areas is never taken.
 */
export function accessOf(config: OidcConfig, claims: Record<string, unknown>, account: ExternalAccount | null): Access {
  if (account?.disabled) return { ok: false, message: oidcMessages.disabled, reason: 'the account is switched off' };
  const values = config.roleClaim ? claimValues(claims, config.roleClaim) : [];
  const mapped = Object.keys(config.roleMap).length > 0;
  // Own keys only: a claim value such as "constructor" is not a key of every object.
  const roleOf = (v: string): Role | undefined =>
    mapped ? (Object.hasOwn(config.roleMap, v) ? config.roleMap[v] : undefined) : (ROLES as readonly string[]).includes(v) ? (v as Role) : undefined;
  const roles = [...new Set(values.map(roleOf).filter((r): r is Role => r !== undefined))].sort();
  if (roles.length > 1) return { ok: false, message: oidcMessages.twoRoles(roles), reason: `the ${config.roleClaim} claim gives ${roles.length} roles` };
  if (roles.length === 1) {
    const role = roles[0]!;
    // The analyst sees the whole partnership (record-level detail): no area limits it.
    if (!config.areaClaim || role === 'analyst') return { ok: true, role, area: null, from: 'claims' };
    const areas = claimValues(claims, config.areaClaim);
    const declared = areas.length === 1 ? [...AREAS, 'all'].find((a) => a.toLowerCase() === areas[0]!.trim().toLowerCase()) : undefined;
    if (declared === undefined) {
      const why = areas.length === 0 ? 'is absent' : areas.length > 1 ? `has ${areas.length} values` : 'names no declared area';
      return { ok: false, message: oidcMessages.noArea, reason: `the ${config.areaClaim} claim ${why}` };
    }
    return { ok: true, role, area: declared === 'all' ? null : (declared as AreaName), from: 'claims' };
  }
  if (account && account.role_from === 'analyst') return { ok: true, role: account.role, area: account.area, from: 'analyst' };
  const why = !config.roleClaim
    ? 'no role assigned by the analyst'
    : values.length === 0
      ? `no ${config.roleClaim} claim and no role assigned by the analyst`
      : `the ${config.roleClaim} claim maps to no MET role and no role is assigned by the analyst`;
  return { ok: false, message: oidcMessages.noRole, reason: why };
}

interface Pending {
  /** The page to come back to (safeNext), below home. */
  next: string;
  state: string;
  nonce: string;
  verifier: string;
  redirectUri: string;
  until: number;
}

/** Sign-ins in flight, each taken once. */
class PendingSignIns {
  private readonly map = new Map<string, Pending>();
  constructor(private readonly now: () => number) {}
  add(p: Omit<Pending, 'until'>): string {
    const handle = randomBytes(32).toString('base64url');
    // Oldest first (insertion order): the expired ones go, then the oldest if still full.
    for (const [h, old] of this.map) {
      if (old.until > this.now()) break;
      this.map.delete(h);
    }
    if (this.map.size >= PENDING_MAX) this.map.delete(this.map.keys().next().value!);
    this.map.set(handle, { ...p, until: this.now() + PENDING_MS });
    return handle;
  }
  take(handle: string | undefined): Pending | null {
    if (!handle) return null;
    const p = this.map.get(handle);
    this.map.delete(handle);
    return p && p.until > this.now() ? p : null;
  }
}

function cookieOf(req: Request, name: string): string | undefined {
  for (const part of (req.get('cookie') ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** A small page of sentences and one link (the sign-in's answers are pages: the browser navigated here). */
function page(res: Response, status: number, title: string, sentences: string[], link: { href: string; text: string }, refresh = false): void {
  res
    .status(status)
    .type('html')
    .set('Cache-Control', 'no-store')
    // The callback's address holds the (spent) code and the state: not sent on, even to this server.
    .set('Referrer-Policy', 'no-referrer')
    .send(
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)} – MET dashboard</title>` +
        // A same-site navigation onwards, so the SameSite=Strict session cookie goes with it (a redirect would still count as cross-site).
        (refresh ? `<meta http-equiv="refresh" content="0;url=${escapeHtml(link.href)}">` : '') +
        `</head><body><main><h1>${escapeHtml(title)}</h1>${sentences.map((s) => `<p>${escapeHtml(s)}</p>`).join('')}` +
        `<p><a href="${escapeHtml(link.href)}">${escapeHtml(link.text)}</a></p></main></body></html>`,
    );
}

/** Why openid-client refused the provider's answer, in fixed words (its messages are not recorded). */
function refusalReason(e: unknown): string {
  // openid-client wraps oauth4webapi's error, whose message names the parameter or claim.
  const m = e instanceof Error ? `${e.message} ${e.cause instanceof Error ? e.cause.message : ''}` : '';
  if (/"state"/.test(m)) return 'the state does not match';
  if (/"nonce"/.test(m)) return 'the ID token nonce does not match';
  if (/"iss"/.test(m)) return 'the issuer does not match';
  if (e instanceof client.ResponseBodyError) return `the provider refused the code (${/^[a-z_]{1,40}$/.test(e.error) ? e.error : 'error'})`;
  if (e instanceof client.ClientError) return `the provider's answer was not valid (${e.code ?? 'client error'})`;
  return 'the provider could not be asked';
}

/**
 * The account name of a person of single sign-on (state/store.ts names: 2–64 letters,
 * digits, ". _ @ -"): their preferred username or e-mail address when it is such a name
 * and no other account has it, else "sso-" and 12 hex characters of a hash of issuer and
 * subject (stable, and it reveals neither).
 */
export function externalName(state: StateStore, claims: Record<string, unknown>, issuer: string, subject: string): string {
  for (const c of [claims.preferred_username, claims.email]) {
    if (typeof c !== 'string' || nameProblem(c) !== null) continue;
    const other = state.accounts.byName(c);
    if (!other || (other.issuer === issuer && other.subject === subject)) return c;
  }
  return `sso-${sha256(`${issuer}\n${subject}`).slice(0, 12)}`;
}

/** Single sign-on not configured: the sign-in page asks and is told so (a 200, not a 404 its browser would report). */
export function oidcOff(): Router {
  const router = Router();
  router.get(OIDC_AVAILABLE, (_req, res) => {
    res.set('Cache-Control', 'no-store').json({ oidc: false });
  });
  return router;
}

/** The router of /auth/oidc/start and /auth/oidc/callback; the state store is the app's (server/auth/session.ts, installAuth). */
export function oidcRoutes(config: OidcConfig, opts: OidcOptions = {}): Router {
  const now = opts.now ?? Date.now;
  const pending = new PendingSignIns(now);
  const secure = config.publicUrl?.startsWith('https://') ?? false;
  const home = config.publicUrl ? new URL('./', `${config.publicUrl.replace(/\/?$/, '/')}`).pathname : '/';
  const signInHref = `${home}sign-in`;

  let discovered: Promise<client.Configuration> | null = null;
  const provider = (): Promise<client.Configuration> => {
    discovered ??= client
      .discovery(
        new URL(config.issuer),
        config.clientId,
        undefined,
        client.ClientSecretBasic(config.clientSecret),
        config.allowHttp ? { execute: [client.allowInsecureRequests] } : undefined,
      )
      .catch((e: unknown) => {
        discovered = null; // asked again at the next sign-in
        throw e;
      });
    return discovered;
  };

  /** The state store, or null when sign-in is off on this server. */
  const stateOf = (req: Request): StateStore | null => authOf(req)?.state ?? null;
  /** A refusal: audited (who, when the provider vouched for them; why, in fixed words) and a page saying what to do. */
  const refuse = (
    req: Request,
    res: Response,
    status: number,
    message: string,
    reason: string,
    who: { name: string | null; subject: string } | null = null,
  ) => {
    stateOf(req)?.audit.append({
      event: 'sign-in failed',
      account: who?.name ?? null,
      address: clientAddress(req),
      detail: { how: 'oidc', reason, ...(who ? { subject: who.subject } : {}) },
    });
    page(res, status, oidcMessages.refusedTitle, [message], { href: signInHref, text: oidcMessages.startAgain });
  };
  const cookie = (value: string, maxAge: number) => `${COOKIE}=${value}; Path=/auth/oidc; Max-Age=${maxAge}; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}`;

  const router = Router();
  router.use('/auth/oidc', perMinute(60, 'too many sign-ins: wait a minute and try again'));
  router.use('/auth/oidc', (req, res, next) => {
    if (stateOf(req)) next();
    else page(res, 404, oidcMessages.refusedTitle, [oidcMessages.signInOff], { href: home, text: oidcMessages.continue });
  });

  router.get(OIDC_AVAILABLE, (_req, res) => {
    res.set('Cache-Control', 'no-store').json({ oidc: true });
  });

  router.get(OIDC_START, async (req, res) => {
    let cfg: client.Configuration;
    try {
      cfg = await provider();
    } catch (e) {
      opts.warn?.(`single sign-on: the provider's discovery failed (${e instanceof Error ? e.name : 'error'})`);
      page(res, 503, oidcMessages.refusedTitle, [oidcMessages.unreachable], { href: signInHref, text: oidcMessages.startAgain });
      return;
    }
    const redirectUri = config.publicUrl
      ? new URL(OIDC_CALLBACK.slice(1), `${config.publicUrl.replace(/\/?$/, '/')}`).href
      : `${req.protocol}://${req.get('host')}${OIDC_CALLBACK}`;
    const verifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const nonce = client.randomNonce();
    const url = client.buildAuthorizationUrl(cfg, {
      redirect_uri: redirectUri,
      scope: config.scope,
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    });
    res.append('Set-Cookie', cookie(pending.add({ next: safeNext(req.query.next), state, nonce, verifier, redirectUri }), PENDING_MS / 1000));
    res.set('Cache-Control', 'no-store');
    res.redirect(303, url.href);
  });

  router.get(OIDC_CALLBACK, async (req, res) => {
    const flow = pending.take(cookieOf(req, COOKIE));
    res.append('Set-Cookie', cookie('', 0));
    if (!flow) {
      refuse(req, res, 400, oidcMessages.expired, 'no sign-in in progress for this browser (expired, already used, or started elsewhere)');
      return;
    }
    if (typeof req.query.error === 'string') {
      const code = /^[a-z_]{1,40}$/.test(req.query.error) ? req.query.error : 'error';
      refuse(req, res, 400, oidcMessages.notCompleted, `the provider answered ${code}`);
      return;
    }
    let claims: Record<string, unknown>;
    try {
      const cfg = await provider();
      const current = new URL(flow.redirectUri);
      current.search = new URL(req.originalUrl, 'http://callback').search;
      const tokens = await client.authorizationCodeGrant(cfg, current, {
        pkceCodeVerifier: flow.verifier,
        expectedState: flow.state,
        expectedNonce: flow.nonce,
        idTokenExpected: true,
      });
      claims = { ...tokens.claims()! };
      const wanted = [config.roleClaim, config.areaClaim].filter((c): c is string => !!c);
      const missing = wanted.some((c) => !(c in claims)) || !('preferred_username' in claims || 'email' in claims);
      if (missing && cfg.serverMetadata().userinfo_endpoint) {
        // Many providers put only the subject in the ID token and the rest in the UserInfo answer.
        const info = await client.fetchUserInfo(cfg, tokens.access_token, claims.sub as string);
        claims = { ...info, ...claims };
      }
    } catch (e) {
      refuse(req, res, 400, oidcMessages.notVerified, refusalReason(e));
      return;
    }
    const state = stateOf(req)!;
    const subject = String(claims.sub);
    const issuer = String(claims.iss);
    const account = state.accounts.findByExternal(issuer, subject);
    const name = account?.name ?? externalName(state, claims, issuer, subject);
    const access = accessOf(config, claims, account);
    if (!access.ok) {
      refuse(req, res, 403, access.message, access.reason, { name, subject });
      return;
    }
    const id =
      access.from === 'claims'
        ? state.accounts.upsertExternal({ issuer, subject, name, role: access.role, area: access.area, roleFrom: 'claims' }).id
        : account!.id;
    // startSession rotates any session the browser had, sets the cookie and writes the sign-in to the audit log.
    await startSession(req, res, { id, name, role: access.role, area: access.area }, 'oidc');
    page(res, 200, oidcMessages.signInTitle, [oidcMessages.signedIn(name)], { href: `${home}${flow.next.slice(1)}`, text: oidcMessages.continue }, true);
  });

  return router;
}
