// `met user add | list | disable | reset`: the accounts of the state store beside a
// warehouse. A password is typed at a prompt that does not echo it (on a terminal) or
// read from standard input (`--password-stdin`, or whenever input is not a terminal);
// it is kept only as its argon2id hash. Every change is entered in the audit log.

import { createInterface } from 'node:readline';
import type { AreaName } from '../model/areas.js';
import type { Role } from '../model/roles.js';
import { hashPassword } from '../state/passwords.js';
import { defaultStatePath, nameProblem, passwordProblem, roleAreaProblem, StateError, StateStore } from '../state/store.js';

export interface StateArgs {
  db?: string;
  state?: string;
}

/** The words every user command says. */
export const userMessages = {
  whichState: () => 'say which state file: --db FILE (the warehouse; its state file is FILE.state.sqlite beside it) or --state FILE',
  added: (name: string, role: string, area: string | null) => `Added ${name}: ${role}${area ? `, ${area} only` : ''}.`,
  ssoAdded: (name: string, role: string, area: string | null) =>
    `${name} (single sign-on) will be ${role}${area ? `, ${area} only` : ''} when they sign in through their identity provider.`,
  disabled: (name: string) => `Disabled ${name}: their sessions have ended and they can no longer sign in (met user reset enables the account again).`,
  reset: (name: string) => `New password set for ${name}: their sessions have ended, and the account is enabled.`,
  none: () => 'No account yet: add one with met user add --name NAME --role analyst --db FILE.',
  emptyStdin: () => 'no password was given on standard input',
  mismatch: () => 'the two passwords typed are not the same: nothing was changed',
  ssoNeedsIssuer: () => '--sso-subject needs --issuer URL (the identity provider the person signs in through)',
};

export function statePathOf(a: StateArgs): string {
  if (a.state) return a.state;
  if (a.db) return defaultStatePath(a.db);
  throw new StateError(userMessages.whichState());
}

/** Reads a line from a terminal without echoing it. */
function promptHidden(question: string): Promise<string> {
  return new Promise((resolve) => {
    const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
    let muted = false;
    const rlw = rl as unknown as { _writeToOutput: (s: string) => void };
    rlw._writeToOutput = (s: string) => {
      if (!muted) process.stderr.write(s);
    };
    rl.question(question, (answer) => {
      rl.close();
      process.stderr.write('\n');
      resolve(answer);
    });
    muted = true;
  });
}

/** All of standard input as text, without its final line break. */
async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks)
    .toString('utf-8')
    .replace(/\r?\n$/, '');
}

/** The new password: prompted twice without echo on a terminal, else read from standard input. */
export async function readNewPassword(fromStdin: boolean): Promise<string> {
  let password: string;
  if (fromStdin || !process.stdin.isTTY) {
    password = await readStdin();
    if (password === '') throw new StateError(userMessages.emptyStdin());
  } else {
    password = await promptHidden('Password (not shown): ');
    const again = await promptHidden('The same password again: ');
    if (again !== password) throw new StateError(userMessages.mismatch());
  }
  const problem = passwordProblem(password);
  if (problem) throw new StateError(problem);
  return password;
}

function withState<T>(a: StateArgs, f: (s: StateStore) => Promise<T> | T): Promise<T> {
  const s = new StateStore(statePathOf(a));
  return Promise.resolve()
    .then(() => f(s))
    .finally(() => s.close());
}

/** Runs a user command: 0, or 2 with the message when it is refused. */
async function guarded(f: () => Promise<void>): Promise<number> {
  try {
    await f();
    return 0;
  } catch (e) {
    if (e instanceof StateError) {
      console.error(`met user: ${e.message}`);
      return 2;
    }
    throw e;
  }
}

const CLI = 'command line';

export function runUserAdd(
  o: StateArgs & { name: string; role: Role; area?: AreaName; passwordStdin?: boolean; ssoSubject?: string; issuer?: string },
): Promise<number> {
  return guarded(async () => {
    const path = statePathOf(o);
    if (o.ssoSubject !== undefined) {
      if (!o.issuer) throw new StateError(userMessages.ssoNeedsIssuer());
      await withState({ state: path }, (s) => {
        const a = s.accounts.upsertExternal({ issuer: o.issuer!, subject: o.ssoSubject!, name: o.name, role: o.role, area: o.area ?? null });
        s.audit.append({ event: 'account', account: a.name, role: a.role, account_area: a.area, address: CLI, detail: { action: 'sso assigned' } });
        console.error(userMessages.ssoAdded(a.name, a.role, a.area));
      });
      return;
    }
    // Checked before a password is asked for.
    const problem = nameProblem(o.name) ?? roleAreaProblem(o.role, o.area ?? null);
    if (problem) throw new StateError(problem);
    await withState({ state: path }, (s) => {
      if (s.accounts.byName(o.name)) throw new StateError(`there is already an account named ${o.name}`);
    });
    const password = await readNewPassword(!!o.passwordStdin);
    const passwordHash = await hashPassword(password);
    await withState({ state: path }, (s) => {
      const a = s.accounts.addLocal({ name: o.name, role: o.role, area: o.area ?? null, passwordHash });
      s.audit.append({ event: 'account', account: a.name, role: a.role, account_area: a.area, address: CLI, detail: { action: 'added' } });
      console.error(userMessages.added(a.name, a.role, a.area));
    });
  });
}

export function runUserList(o: StateArgs & { json?: boolean }): Promise<number> {
  return guarded(() =>
    withState(o, (s) => {
      const rows = s.accounts.list().map((a) => ({
        name: a.name,
        role: a.role,
        area: a.area,
        status: a.disabled ? 'disabled' : 'enabled',
        sign_in: a.issuer ? `single sign-on (${a.issuer})` : 'password',
        sessions: s.sessions.countFor(a.id),
        created_at: a.created_at,
      }));
      if (o.json) {
        console.log(JSON.stringify(rows, null, 2));
        return;
      }
      if (rows.length === 0) {
        console.error(userMessages.none());
        return;
      }
      const cols = ['name', 'role', 'area', 'status', 'sign_in', 'sessions'] as const;
      const cell = (r: (typeof rows)[number], c: (typeof cols)[number]) => String(r[c] ?? '–');
      const width = cols.map((c) => Math.max(c.length, ...rows.map((r) => cell(r, c).length)));
      const line = (cells: string[]) =>
        cells
          .map((c, i) => c.padEnd(width[i]!))
          .join('  ')
          .trimEnd();
      console.log(line([...cols]));
      for (const r of rows) console.log(line(cols.map((c) => cell(r, c))));
    }),
  );
}

export function runUserDisable(o: StateArgs & { name: string }): Promise<number> {
  return guarded(() =>
    withState(o, (s) => {
      const a = s.accounts.disable(o.name);
      s.audit.append({ event: 'account', account: a.name, role: a.role, account_area: a.area, address: CLI, detail: { action: 'disabled' } });
      console.error(userMessages.disabled(a.name));
    }),
  );
}

export function runUserReset(o: StateArgs & { name: string; passwordStdin?: boolean }): Promise<number> {
  return guarded(async () => {
    const path = statePathOf(o);
    await withState({ state: path }, (s) => {
      const a = s.accounts.byName(o.name);
      if (!a) throw new StateError(`there is no account named ${o.name}`);
      if (a.issuer) throw new StateError(`${a.name} signs in through single sign-on and has no password here`);
    });
    const passwordHash = await hashPassword(await readNewPassword(!!o.passwordStdin));
    await withState({ state: path }, (s) => {
      const a = s.accounts.resetPassword(o.name, passwordHash);
      s.audit.append({ event: 'account', account: a.name, role: a.role, account_area: a.area, address: CLI, detail: { action: 'password reset' } });
      console.error(userMessages.reset(a.name));
    });
  });
}
