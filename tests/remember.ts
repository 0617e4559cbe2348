// A warehouse opened read-only that answers a query it has answered before from memory:
// for the test files that build hundreds of page models and measures answers from one
// warehouse that nothing changes (the demo's), where every page of every area reads the
// same cells of the same periods. The reader runs exactly as it would (only the rows of a
// repeated query are not fetched and converted again), so every figure checked is the
// reader's own. The rows remembered are frozen: a reader that changed rows it was given
// would fail here, loudly, rather than see another request's changes.

import { type Db, type Params, type Row, withDb } from '../lib/db.js';

function frozen<T>(v: T): T {
  if (v && typeof v === 'object' && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const x of Object.values(v)) frozen(x);
  }
  return v;
}

/** `db` (read-only) with each query's rows kept, by its SQL and parameters, for the next time it is asked. */
export function remembering(db: Db): Db {
  const answers = new Map<string, Promise<Row[]>>();
  const all = <T extends Row = Row>(sql: string, params?: Params, doing?: string): Promise<T[]> => {
    const key = `${sql}\u0000${JSON.stringify(params ?? null, (_, v) => (typeof v === 'bigint' ? `${v}n` : v))}`;
    let rows = answers.get(key);
    if (!rows) {
      rows = db.all(sql, params, doing).then(frozen);
      answers.set(key, rows);
      // A failure is not remembered: asked again, the query runs again.
      rows.catch(() => answers.delete(key));
    }
    return rows as Promise<T[]>;
  };
  return {
    connection: db.connection,
    run: () => Promise.reject(new Error('a remembering warehouse is only read (tests/remember.ts)')),
    all,
    value: async <T>(sql: string, params?: Params, doing?: string) => {
      const first = (await all(sql, params, doing))[0];
      return (first ? Object.values(first)[0] : undefined) as T;
    },
    close: () => db.close(),
  };
}

/** Like withDb(path, { readOnly: true }, f), with the warehouse remembering its answers while f runs. */
export function withRemembering<T>(path: string, f: (db: Db) => Promise<T>): Promise<T> {
  return withDb(path, { readOnly: true }, (db) => f(remembering(db)));
}
