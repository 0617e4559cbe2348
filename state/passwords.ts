// Passwords: hashed with argon2id (@node-rs/argon2, its default algorithm and the
// OWASP-recommended cost: 19 MiB, 2 passes), never stored or logged in clear.

import { hash, verify } from '@node-rs/argon2';

export async function hashPassword(password: string): Promise<string> {
  const h = await hash(password);
  // argon2id is the library's default; a change of default must not pass unseen.
  if (!h.startsWith('$argon2id$')) throw new Error('the password hash is not argon2id');
  return h;
}

let dummy: Promise<string> | null = null;

/**
 * A hash of no one's password, made once per process: an unknown name is checked
 * against it so that it takes as long as a wrong password (no timing tells them apart).
 */
export function dummyHash(): Promise<string> {
  dummy ??= hash(`no account ${Math.random()}`);
  return dummy;
}

let checks = 0;

/** How many passwords this process has checked against a hash (each 19 MiB and tens of milliseconds of a core). */
export function passwordChecks(): number {
  return checks;
}

/** True when the password is the one hashed; false for any other (or a malformed hash). */
export async function checkPassword(passwordHash: string | null, password: string): Promise<boolean> {
  checks++;
  const h = passwordHash ?? (await dummyHash());
  try {
    const ok = await verify(h, password);
    return ok && passwordHash !== null;
  } catch {
    return false;
  }
}
