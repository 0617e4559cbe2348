// A value someone typed (a query parameter, a page id), as a message may quote it.

/**
 * What a message may say of a value someone typed: the value itself when it is short and
 * plain ('Narnia', '2026-Q9'), otherwise only its length, never its characters (a long
 * or marked-up value is not sent back).
 */
export function asked(text: string): string {
  return /^[\p{L}\p{N} ._-]{0,30}$/u.test(text) ? `'${text}'` : `a value of ${text.length} ${text.length === 1 ? 'character' : 'characters'}`;
}
