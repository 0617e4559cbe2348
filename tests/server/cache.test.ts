// The answer cache (server/cache.ts): once per refresh and key, shared while being
// worked out, bounded in size, limited in work at once (503 with Retry-After beyond),
// and work dropped when every client waiting for it has gone. Each piece of work here
// is a promise the test settles itself: no clock, no sleep.

import { describe, expect, it } from 'vitest';
import { AnswerCache, Overloaded } from '../../server/cache.js';

/** A piece of work the test finishes when it chooses, counting how often it was started. */
function work(body: string) {
  let finish!: () => void;
  const done = new Promise<void>((r) => {
    finish = r;
  });
  const w = {
    started: 0,
    finish,
    compute: async () => {
      w.started++;
      await done;
      return body;
    },
  };
  return w;
}

const instant = (body: string) => async () => body;

describe('the answer cache', () => {
  it('works an answer out once per refresh: miss, then hit; a new refresh empties it', async () => {
    const c = new AnswerCache();
    let computed = 0;
    const f = async () => `answer ${++computed}`;
    expect(await c.get('r1', 'overview', f)).toEqual({ body: 'answer 1', how: 'miss' });
    expect(await c.get('r1', 'overview', f)).toEqual({ body: 'answer 1', how: 'hit' });
    expect(await c.get('r1', 'risk', f)).toEqual({ body: 'answer 2', how: 'miss' });
    expect(c.stats.answers).toBe(2);
    // The next refresh: the old answers go, and the overview is worked out again.
    expect(await c.get('r2', 'overview', f)).toEqual({ body: 'answer 3', how: 'miss' });
    expect(c.stats.answers).toBe(1);
  });

  it('shares one piece of work between requests for the same answer at the same moment', async () => {
    const c = new AnswerCache();
    const w = work('{"x":1}');
    const a = c.get('r1', 'k', w.compute);
    const b = c.get('r1', 'k', w.compute);
    w.finish();
    expect(await a).toEqual({ body: '{"x":1}', how: 'miss' });
    expect(await b).toEqual({ body: '{"x":1}', how: 'shared' });
    expect(w.started).toBe(1);
  });

  it('keeps no more than its bound, dropping the least recently used', async () => {
    // Bound 10 characters: "aaaa" (4) + "bbbb" (4) fit; "cccc" makes 12, so the least
    // recently used goes: "a" was read again after "b", so "b" goes.
    const c = new AnswerCache({ maxBytes: 10 });
    await c.get('r', 'a', instant('aaaa'));
    await c.get('r', 'b', instant('bbbb'));
    expect((await c.get('r', 'a', instant('never'))).how).toBe('hit');
    await c.get('r', 'c', instant('cccc'));
    expect(c.stats).toMatchObject({ answers: 2, bytes: 8 });
    expect((await c.get('r', 'a', instant('new a'))).how).toBe('hit');
    expect(await c.get('r', 'b', instant('new b'))).toEqual({ body: 'new b', how: 'miss' });
    // An answer larger than the bound is given but not kept.
    expect(await c.get('r', 'big', instant('x'.repeat(11)))).toMatchObject({ how: 'miss' });
    expect((await c.get('r', 'big', instant('again'))).body).toBe('again');
  });

  it('refuses work beyond so many at once and so many waiting: 503 with Retry-After, at once', async () => {
    const c = new AnswerCache({ maxRunning: 1, maxQueued: 1, retryAfterSeconds: 3 });
    const first = work('1');
    const second = work('2');
    const a = c.get('r', 'one', first.compute);
    const b = c.get('r', 'two', second.compute);
    expect(c.stats).toMatchObject({ running: 1, queued: 1 });
    expect(second.started).toBe(0);
    const refused = c.get('r', 'three', instant('3'));
    await expect(refused).rejects.toBeInstanceOf(Overloaded);
    await expect(refused).rejects.toMatchObject({ status: 503, retryAfterSeconds: 3 });
    // A request for an answer already being worked out is not new work: it waits.
    const shared = c.get('r', 'two', second.compute);
    first.finish();
    expect((await a).body).toBe('1');
    second.finish();
    expect((await b).body).toBe('2');
    expect((await shared).how).toBe('shared');
    expect(second.started).toBe(1);
  });

  it('drops waiting work when its clients have all gone, and never starts it', async () => {
    const c = new AnswerCache({ maxRunning: 1, maxQueued: 4 });
    const first = work('1');
    const queued = work('2');
    const a = c.get('r', 'one', first.compute);
    const left1 = new AbortController();
    const left2 = new AbortController();
    const b1 = c.get('r', 'two', queued.compute, left1.signal);
    const b2 = c.get('r', 'two', queued.compute, left2.signal);
    expect(c.stats.queued).toBe(1);
    left1.abort();
    // One client still waits: the work stays.
    expect(c.stats.queued).toBe(1);
    left2.abort();
    expect(c.stats.queued).toBe(0);
    await expect(b1).rejects.toThrow(/went before its answer/);
    await expect(b2).rejects.toThrow(/went before its answer/);
    first.finish();
    await a;
    expect(queued.started).toBe(0);
    // Asked again, it is worked out afresh.
    expect(await c.get('r', 'two', instant('2 again'))).toEqual({ body: '2 again', how: 'miss' });
  });

  it('tells running work to stop when its last client goes, and not before', async () => {
    const c = new AnswerCache();
    // Work that runs until it is told to stop (as a query is interrupted: lib/db.ts).
    let stopped = 0;
    const compute = (stop: AbortSignal) =>
      new Promise<string>((_resolve, reject) => {
        stop.addEventListener('abort', () => {
          stopped++;
          reject(new Error('stopped'));
        });
      });
    const left1 = new AbortController();
    const left2 = new AbortController();
    const a = c.get('r', 'slow', compute, left1.signal);
    const b = c.get('r', 'slow', compute, left2.signal);
    expect(c.stats.running).toBe(1);
    left1.abort();
    // One client still waits: the work runs on.
    expect(stopped).toBe(0);
    left2.abort();
    expect(stopped).toBe(1);
    await expect(a).rejects.toThrow('stopped');
    await expect(b).rejects.toThrow('stopped');
    expect(c.stats).toEqual({ answers: 0, bytes: 0, running: 0, queued: 0 });
    // Nothing was kept: asked again, it is worked out afresh.
    expect(await c.get('r', 'slow', instant('done'))).toEqual({ body: 'done', how: 'miss' });
  });
});
