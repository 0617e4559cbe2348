// The disclosure audit on the analyst's data page: worked out in the background once per
// refresh (lib/audit/cache.ts), the page saying so until it is done, then its figures in
// words; and `met audit`, which prints the same report. On a small generated partnership
// (seed 5, scale 0.01: about 90 episodes) and without months, so that the background work is short (the
// page's own default, months included, is the bench's and `met audit`'s).

import { execFile, execFileSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { generate } from '../../etl/generate/generate.js';
import { load } from '../../etl/load.js';
import { withDb } from '../../lib/db.js';
import { buildPage } from '../../lib/pages.js';
import { residualFor } from '../../lib/audit/cache.js';
import { auditWords } from '../../lib/audit/words.js';
import { tempDir } from '../helpers.js';

let db: string;
/** What `met audit --no-months` printed: worked out in a process of its own while the page's background work runs here. */
let printed: Promise<string>;
const BIN = resolve(import.meta.dirname, '../../bin/met.js');

beforeAll(async () => {
  const dir = tempDir('met-audit-page-');
  db = join(dir, 'met.duckdb');
  await generate({ out: join(dir, 'extracts'), seed: 5, scale: 0.01 });
  const { report } = await load({ inDir: join(dir, 'extracts'), db });
  expect(report.status).toBe('loaded');
  // Both read the warehouse only: the command's audit and the page's overlap (two cores).
  printed = new Promise((done, fail) =>
    execFile(process.execPath, [BIN, 'audit', '--db', db, '--no-months'], { env: { ...process.env }, encoding: 'utf-8' }, (e, out) =>
      e ? fail(e) : done(out),
    ),
  );
  // Awaited in its test; a failure before then is not an unhandled rejection.
  printed.catch(() => {});
});

const auditTable = async (refresh_id: string, warehouse?: string) => {
  const page = await withDb(db, { readOnly: true }, (d) =>
    buildPage(d, {
      page: 'data',
      area: 'all',
      period: '2025-Q4',
      ages: '0-17',
      role: 'analyst',
      refresh: { refresh_id, finished_at: null },
      ...(warehouse ? { warehouse } : {}),
    }),
  );
  const t = page.tables.find((x) => x.id === 'disclosure_audit');
  expect(t?.title).toBe(auditWords.title);
  return t!.rows.map((r) => String(r.what));
};

describe('the data page’s disclosure audit', () => {
  it('says it is being worked out, then gives the figures, the same as `met audit` prints; once per refresh', async () => {
    // Without the warehouse's path (a page built outside the server) it says where to get them.
    expect(await auditTable('r1')).toEqual([auditWords.unavailable]);
    // The work starts in the background (as the first data page of a refresh starts it), and the page says so.
    const started = residualFor(db, 'r1', { months: false });
    expect(started.state.state).toBe('working');
    expect(await auditTable('r1', db)).toEqual([auditWords.working(null)]);
    // The same refresh asks again: the same work, not a second one.
    expect(residualFor(db, 'r1').done).toBe(started.done);
    const done = await started.done;
    expect(done.state).toBe('done');
    const report = done.state === 'done' ? done.report : null;
    expect(report).not.toBeNull();
    expect(report!.figures.withheld).toBeGreaterThan(0);
    const sentences = await auditTable('r1', db);
    expect(sentences).toEqual(auditWords.sentences(report!));
    // The same figures as `met audit` worked out on its own, in another process (nothing cached wrongly).
    expect((await printed).trim().split('\n')).toEqual(sentences);
    expect(sentences[1]).toBe(`${report!.figures.withheld.toLocaleString('en-GB')} counts are withheld in those answers.`);
    // A new refresh starts again (here a year the data does not reach: nothing to read, so quick).
    const again = residualFor(db, 'r2', { fy: 'FY2019-20', months: false });
    expect(again.done).not.toBe(started.done);
    expect((await again.done).state).toBe('done');
  });

  it('met audit prints its report; the analyst has nothing withheld to attack', async () => {
    const env = { ...process.env };
    const text = await printed;
    // Sentence for sentence the page's (the test above compares them): here, that it printed a report.
    expect(text.trim().split('\n').length).toBeGreaterThan(2);
    expect(text).toMatch(/^[\d,]+ counts are withheld in those answers\.$/m);
    expect(() => execFileSync(process.execPath, [BIN, 'audit', '--db', db, '--role', 'analyst'], { env, encoding: 'utf-8', stdio: 'pipe' })).toThrow(
      /sees exact figures/,
    );
  });
});
