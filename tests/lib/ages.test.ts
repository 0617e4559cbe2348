// The ages picker (issue 10, "Ages": every figure follows the picker or says its own
// scope; comparators only where they apply), on the demo's pages (seed 2026, scale 0.2,
// 2026-Q3, the board):
//  - service gaps and who MET children are are about children: read at 0–17 whatever the
//    picker, every title and children's column saying "(ages 0–17 only)", provision "(not by
//    age)", and a sentence saying so; never a table mixing 0–17 and 18–24 figures;
//  - return interviews are for children: none for young adults (no 0.0%, no chart, no
//    "due an interview"), read at 0–17 under 0–24 and labelled so;
//  - young adults are not called children; ages are written with an en dash.

import { beforeAll, describe, expect, it } from 'vitest';
import { withDb } from '../../lib/db.js';
import { readMeasures } from '../../lib/measures.js';
import { buildPage, type PageModel } from '../../lib/pages.js';
import { smallDemoWarehouse } from '../demo.js';

let db: string;
const refresh = { refresh_id: 'r', finished_at: null };
const PERIOD = '2026-Q3';

beforeAll(async () => {
  ({ db } = await smallDemoWarehouse());
}, 240_000);

const page = (p: 'gaps' | 'groups' | 'missing' | 'overview', ages: string): Promise<PageModel> =>
  withDb(db, { readOnly: true }, (d) => buildPage(d, { page: p, area: 'all', period: PERIOD, ages, role: 'board', refresh }));
const table = (m: PageModel, id: string) => m.tables.find((t) => t.id === id)!;

describe('a page about children under other ages', () => {
  it('service gaps: the whole gaps block stays at 0–17 with 18–24 chosen, and says so; provision says it is not by age', async () => {
    const children = await page('gaps', '0-17');
    const adults = await page('gaps', '18-24');
    const kids = table(children, 'service_gaps');
    const gaps = table(adults, 'service_gaps');
    // The same rows as at 0–17: MET children, prevalence, episodes, interviews and the flag
    // all from the children's figures (before, episodes and interviews were 18–24's beside
    // 0–17's MET children and prevalence, and the flag was judged on that mix). In the demo,
    // Rushmoor comes first at 0–17 with 10 MET children over its 0–17 population: 22.9 per 10,000.
    expect(gaps.rows).toEqual(kids.rows);
    expect(kids.rows[0]).toMatchObject({ locality: 'Rushmoor', met_children: 10, prevalence_per_10k: 22.9 });
    expect(gaps.title).toBe('Need against provision by locality (ages 0–17 only)');
    const label = (k: string) => gaps.columns.find((c) => c.key === k)!.label;
    expect(label('met_children')).toBe('MET children (ages 0–17 only)');
    expect(label('missing_episodes')).toBe('Missing episodes (ages 0–17 only)');
    expect(label('rhi_completed_72h_pct')).toBe('% interviews within 72 hours (ages 0–17 only)');
    expect(label('locality')).toBe('Locality');
    // Map and funnel name their ages; provision's charts say they are not by age.
    for (const id of ['hexmap-gaps', 'funnel-prevalence']) expect(adults.charts.find((c) => c.id === id)!.title).toMatch(/\(ages 0–17 only\)$/);
    const provision = adults.charts.filter((c) => c.id.startsWith('provision-'));
    expect(provision.length).toBeGreaterThan(0);
    for (const c of provision) expect(c.title).toMatch(/\(not by age\)$/);
    const need = table(adults, 'provision').columns;
    expect(need.find((c) => c.key === 'met_children')!.label).toBe('MET children (ages 0–17 only)');
    expect(need.find((c) => c.key === 'service_referrals')!.label).toBe('Referrals to commissioned services (not by age)');
    expect(adults.commentary[0]).toBe(
      'Every figure on this page is for children aged 0–17, whatever ages are chosen (18–24 chosen), except provision, which is not by age.',
    );
    expect(adults.ages).toBe('0-17');
    // At 0–17 nothing needs saying.
    expect(kids.title).toBe('Need against provision by locality');
    expect(children.commentary.join(' ')).not.toMatch(/whatever ages are chosen/);
  }, 120_000);

  it('who MET children are: the profile stays at 0–17 with 18–24 chosen, every title says so, and the closing note is true', async () => {
    const children = await page('groups', '0-17');
    const adults = await page('groups', '18-24');
    expect(table(adults, 'group_profile').rows).toEqual(table(children, 'group_profile').rows);
    expect(table(adults, 'group_profile').title).toBe('MET children by group (ages 0–17 only)');
    expect(table(adults, 'group_profile').columns.find((c) => c.key === 'children')!.label).toBe('Children (ages 0–17 only)');
    expect(adults.charts.length).toBe(5);
    for (const c of adults.charts) expect(c.title).toMatch(/^MET children by .*\(ages 0–17 only\)$/);
    const said = adults.commentary.join(' ');
    // Before: "Figures are for ages 18-24, except those whose label names their own ages." — no figure was.
    expect(said).not.toMatch(/Figures are for ages 18/);
    expect(said).toContain('Every figure on this page is for children aged 0–17, whatever ages are chosen (18–24 chosen).');
  }, 120_000);
});

describe('return interviews are for children', () => {
  it('have no figure, chart or comparison for young adults, and the commentary does not call them children', async () => {
    const m = await page('missing', '18-24');
    const figures = table(m, 'figures');
    for (const id of ['Interviews offered within 72 hours', 'Interviews completed within 72 hours', 'Interviews declined']) {
      const row = figures.rows.find((r) => String(r.measure).startsWith(id))!;
      expect(row.measure).toBe(`${id} (ages 0–17 only)`);
      // Before: 0.0 (no interviews are recorded for young adults), compared with 0.0 before it.
      expect(row.value).toBeNull();
      expect(row.previous).toBeNull();
    }
    // No SPC chart of zeros: neither the pair of interview trends nor a reading of them.
    expect(m.charts.map((c) => c.id)).not.toContain('rhi-72h');
    const said = m.commentary.join(' ');
    expect(said).toContain('Return interviews are for children aged 0–17: there are no interview figures for young adults.');
    expect(said).not.toMatch(/0\.0%|process limits 0\.0|due an interview offer|Interviews completed within 72 hours.*(rose|fell|stayed)/);
    expect(said).not.toMatch(/children were repeat missing|repeat missing children is/);
    // The ages note with an en dash, as every label writes ages.
    expect(said).toContain('Figures are for ages 18–24, except those whose label names their own ages.');
    expect(said).not.toMatch(/\d-\d/);
  }, 120_000);

  it('are read at 0–17 under 0–24 (not diluted by young adults’ returns) and say so', async () => {
    const read = (scope: string) =>
      withDb(db, { readOnly: true }, (d) =>
        readMeasures(d, { period: PERIOD, area: 'all', scope, role: 'board', trend: 0, ids: ['returns', 'rhi_completed_72h_pct'] }),
      );
    const [kids, all] = [await read('0-17'), await read('0-24')];
    // The 0–24 returns hold the young adults' (more of them), but the completion is the children's.
    expect(all.measures.returns!.value as number).toBeGreaterThan(kids.measures.returns!.value as number);
    expect(typeof kids.measures.rhi_completed_72h_pct!.value).toBe('number');
    expect(all.measures.rhi_completed_72h_pct!.value).toBe(kids.measures.rhi_completed_72h_pct!.value);
    const m = await page('overview', '0-24');
    const tile = m.tiles.find((t) => t.id === 'rhi_completed_72h_pct')!;
    expect(tile.label).toBe('Interviews completed within 72 hours (ages 0–17 only)');
    expect(tile.value).toBe(kids.measures.rhi_completed_72h_pct!.value);
  }, 120_000);
});
