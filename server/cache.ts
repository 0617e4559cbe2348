// Figures for one audience, area, period and age scope are the same for every request
// until the next refresh: each answer is worked out once and kept, as the bytes sent,
// in a cache keyed by the refresh (a new refresh empties it) with a bound on its size.
// Requests for the same answer while it is being worked out wait for that one piece of
// work. The work itself is limited: so many at once, so many waiting, and beyond that
// the server answers 503 with Retry-After at once rather than queue without end. Work
// that has not started yet is dropped when every client waiting for it has gone; work
// that is running is told to stop (its signal aborts: its queries are interrupted).

import { HttpError } from './httpError.js';
import { QueryInterrupted } from '../lib/db.js';

export interface CacheOptions {
  /** The bound on the answers kept, in characters of their JSON (about bytes; default 64 Mi). */
  maxBytes?: number;
  /** Pieces of work at once (default 4: DuckDB uses the cores for each). */
  maxRunning?: number;
  /** Pieces of work waiting to start; one more is refused with 503 (default 64). */
  maxQueued?: number;
  /** The seconds a refused client is told to wait (Retry-After; default 2). */
  retryAfterSeconds?: number;
}

/** Answered 503 with Retry-After: the server has more work waiting than it takes on. */
export class Overloaded extends HttpError {
  constructor(retryAfterSeconds: number) {
    super(503, `the server is busy: try again in ${retryAfterSeconds} seconds`, false, retryAfterSeconds);
    this.name = 'Overloaded';
  }
}

/** The client went before its work started. */
class Abandoned extends Error {}

interface Work {
  promise: Promise<string>;
  /** Clients waiting for it. */
  waiting: number;
  /** Set while it waits for a place: taking it out of the queue rejects it. */
  queued?: { start: () => void; drop: () => void };
  /** Aborted when every client waiting for it has gone. */
  stop: AbortController;
}

export interface Cached {
  body: string;
  /** 'hit': kept from an earlier request; 'shared': worked out for another request at the same moment; 'miss'. */
  how: 'hit' | 'shared' | 'miss';
}

export class AnswerCache {
  private readonly maxBytes: number;
  private readonly maxRunning: number;
  private readonly maxQueued: number;
  readonly retryAfterSeconds: number;
  /** Kept answers, least recently used first (a Map keeps insertion order). */
  private readonly kept = new Map<string, string>();
  private bytes = 0;
  private refresh: string | null = null;
  private readonly working = new Map<string, Work>();
  private running = 0;
  private readonly queue: Work[] = [];

  constructor(opts: CacheOptions = {}) {
    this.maxBytes = opts.maxBytes ?? 64 * 1024 * 1024;
    this.maxRunning = opts.maxRunning ?? 4;
    this.maxQueued = opts.maxQueued ?? 64;
    this.retryAfterSeconds = opts.retryAfterSeconds ?? 2;
  }

  /** What the cache holds now (for tests and the health of the server). */
  get stats(): { answers: number; bytes: number; running: number; queued: number } {
    return { answers: this.kept.size, bytes: this.bytes, running: this.running, queued: this.queue.length };
  }

  /**
   * The answer for `key` under refresh `refresh`: kept, being worked out, or worked out
   * now by `compute`. `gone` is aborted when the client goes.
   */
  async get(refresh: string, key: string, compute: (stop: AbortSignal) => Promise<string>, gone?: AbortSignal): Promise<Cached> {
    if (refresh !== this.refresh) {
      // A new refresh: what was kept is about the old warehouse.
      this.kept.clear();
      this.bytes = 0;
      this.refresh = refresh;
    }
    const full = `${refresh}\u0000${key}`;
    const body = this.kept.get(full);
    if (body !== undefined) {
      this.kept.delete(full);
      this.kept.set(full, body);
      return { body, how: 'hit' };
    }
    const existing = this.working.get(full);
    const how: Cached['how'] = existing ? 'shared' : 'miss';
    const work = existing ?? this.start(full, refresh, compute);
    if (!existing) {
      this.working.set(full, work);
      const done = () => this.working.delete(full);
      work.promise.then(done, done);
    }
    work.waiting++;
    const onGone = () => {
      work.waiting--;
      if (work.waiting > 0) return;
      if (work.queued) work.queued.drop();
      else work.stop.abort();
    };
    gone?.addEventListener('abort', onGone, { once: true });
    try {
      return { body: await work.promise, how };
    } finally {
      gone?.removeEventListener('abort', onGone);
    }
  }

  private start(full: string, refresh: string, compute: (stop: AbortSignal) => Promise<string>): Work {
    const work: Work = { waiting: 0, promise: Promise.resolve(''), stop: new AbortController() };
    const run = async (): Promise<string> => {
      this.running++;
      try {
        const body = await compute(work.stop.signal);
        this.keep(full, refresh, body);
        return body;
      } finally {
        this.running--;
        this.next();
      }
    };
    if (this.running < this.maxRunning) {
      work.promise = run();
      return work;
    }
    if (this.queue.length >= this.maxQueued) throw new Overloaded(this.retryAfterSeconds);
    work.promise = new Promise<string>((resolve, reject) => {
      work.queued = {
        start: () => {
          work.queued = undefined;
          run().then(resolve, reject);
        },
        drop: () => {
          const i = this.queue.indexOf(work);
          if (i >= 0) this.queue.splice(i, 1);
          work.queued = undefined;
          reject(new Abandoned('the client went before its answer was worked out'));
        },
      };
    });
    // A dropped piece of work has no one left to tell.
    work.promise.catch(() => {});
    this.queue.push(work);
    return work;
  }

  private next(): void {
    while (this.running < this.maxRunning && this.queue.length > 0) this.queue.shift()!.queued?.start();
  }

  private keep(full: string, refresh: string, body: string): void {
    // An answer about an older refresh is not kept; one larger than the bound neither.
    if (refresh !== this.refresh || body.length > this.maxBytes) return;
    this.kept.set(full, body);
    this.bytes += body.length;
    for (const [k, b] of this.kept) {
      if (this.bytes <= this.maxBytes) break;
      this.kept.delete(k);
      this.bytes -= b.length;
    }
  }
}

/** Work dropped before it started, or stopped while it ran, because its clients had gone. */
export function isAbandoned(e: unknown): boolean {
  return e instanceof Abandoned || e instanceof QueryInterrupted;
}
