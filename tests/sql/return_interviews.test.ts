// The return interview family (met-dataset.md, "Return home interviews"): over the
// episodes whose returned_at falls in the period, age taken at reported_at, every
// return in the denominator whether or not it has an interview.

import { beforeAll, describe, expect, it } from 'vitest';
import { POPULATION } from '../helpers.js';
import { RHI_HEADER, SSDA903_HEADER, csv, episodes, interview, loadWarehouse, read, value, ep } from './fixture.js';

const rhi = (id: string, episodeId: string, child: string, over: Record<string, string>) =>
  interview({ rhi_id: id, episode_id: episodeId, child_ref: child, ...over });

const HANTS = { area: 'Hampshire', locality: 'Eastleigh' };
const POMPEY = { area: 'Portsmouth', locality: 'Fratton' };

let db: string;
beforeAll(async () => {
  db = await loadWarehouse(
    {
      files: {
        'population.csv': POPULATION,
        'missing_episodes.csv': episodes(
          // Southampton.
          ep('X1', 'H1', '2025-01-10 08:00', '2025-01-10 10:00'),
          ep('X2', 'H2', '2025-01-15 08:00', '2025-01-15 10:00'),
          ep('X3', 'H3', '2025-02-01 08:00', '2025-02-01 10:00'),
          ep('X4', 'H4', '2025-02-05 08:00', '2025-02-05 10:00'),
          ep('X5', 'H5', '2025-02-10 08:00', '2025-02-10 10:00'),
          ep('X6', 'H6', '2025-03-01 08:00', '2025-03-01 10:00'),
          // X7 started in 2024-Q4 and returned in 2025-Q1: a Q1 return.
          ep('X7', 'H7', '2024-12-30 10:00', '2025-01-02 09:00'),
          // X8 returned at 00:00 on 1 April: a Q2 return.
          ep('X8', 'H8', '2025-03-31 20:00', '2025-04-01 00:00'),
          // X9 returned at 23:59 on 31 March: a Q1 return.
          ep('X9', 'H9', '2025-03-31 22:00', '2025-03-31 23:59'),
          // X10 has not returned: not a return.
          ep('X10', 'H10', '2025-03-20 08:00', ''),
          // X11: a young adult (born 2005-01-01, 20).
          ep('X11', 'H11', '2025-02-20 08:00', '2025-02-20 10:00', { dob: '2005-01-01' }),
          // Portsmouth: sixteen returns Q01–Q16 in February.
          ...Array.from({ length: 16 }, (_, i) => {
            const d = String(i + 1).padStart(2, '0');
            return ep(`Q${d}`, `HQ${d}`, `2025-02-${d} 08:00`, `2025-02-${d} 10:00`, POMPEY);
          }),
          // Hampshire: four returns, all at 10:00 on 3 March 2025 (72 h later is 10:00 on 6 March).
          ...['HA', 'HB', 'HC', 'HD'].map((id) => ep(id, `H${id}`, '2025-03-03 08:00', '2025-03-03 10:00', HANTS)),
          // Isle of Wight: W2, born 2007-03-01, reported at 17 (28 Feb), returned on their
          // 18th birthday: the age is taken at reported_at, so a 0-17 return.
          ep('W2', 'HW2', '2025-02-28 22:00', '2025-03-01 02:00', { dob: '2007-03-01', area: 'Isle of Wight', locality: 'Ryde' }),
        ),
        'return_interviews.csv': csv(RHI_HEADER, [
          // X1: offered after 23 h, completed after 48 h; disclosed.
          rhi('RX1', 'X1', 'H1', { offered_at: '2025-01-11 09:00', completed_at: '2025-01-12 10:00', outcome: 'completed', exploitation_disclosed: 'Y' }),
          // X2: offered after 48 h, completed after 5 days (late).
          rhi('RX2', 'X2', 'H2', { offered_at: '2025-01-17 10:00', completed_at: '2025-01-20 10:00', outcome: 'completed', exploitation_disclosed: 'N' }),
          // X3: offered after 24 h and declined; disclosure not recorded.
          rhi('RX3', 'X3', 'H3', { offered_at: '2025-02-02 10:00', outcome: 'declined', exploitation_disclosed: '' }),
          // X4: no interview record at all.
          // X5: two interviews: one offered after 2 h (unable to contact), one offered and
          // completed after 4 days (late), in which the child disclosed exploitation.
          rhi('RX5a', 'X5', 'H5', { offered_at: '2025-02-10 12:00', outcome: 'unable_to_contact', exploitation_disclosed: 'N' }),
          rhi('RX5b', 'X5', 'H5', { offered_at: '2025-02-14 10:00', completed_at: '2025-02-14 11:00', outcome: 'completed', exploitation_disclosed: 'Y' }),
          // X6: recorded as not offered, with no offered_at.
          rhi('RX6', 'X6', 'H6', { outcome: 'not_offered' }),
          // X7: no interview record.
          // X8 (a Q2 return): offered and completed within 72 h, disclosed.
          rhi('RX8', 'X8', 'H8', { offered_at: '2025-04-01 10:00', completed_at: '2025-04-01 11:00', outcome: 'completed', exploitation_disclosed: 'Y' }),
          // X9: offered 34 h after the 23:59 return, declined, but disclosed.
          rhi('RX9', 'X9', 'H9', { offered_at: '2025-04-02 10:00', outcome: 'declined', exploitation_disclosed: 'Y' }),
          // X11 (adult): offered and completed within 72 h, disclosed.
          rhi('RX11', 'X11', 'H11', { offered_at: '2025-02-20 12:00', completed_at: '2025-02-20 13:00', outcome: 'completed', exploitation_disclosed: 'Y' }),
          // Portsmouth: Q01 alone has an interview, offered and completed within 72 h.
          rhi('RQ01', 'Q01', 'HQ01', { offered_at: '2025-02-01 12:00', completed_at: '2025-02-01 13:00', outcome: 'completed' }),
          // Hampshire, against 10:00 on 6 March:
          // HA offered at exactly 72 h (in time), completed one minute after (late);
          rhi('RHA', 'HA', 'HHA', { offered_at: '2025-03-06 10:00', completed_at: '2025-03-06 10:01', outcome: 'completed' }),
          // HB offered at 69 h, completed at exactly 72 h (in time);
          rhi('RHB', 'HB', 'HHB', { offered_at: '2025-03-06 07:00', completed_at: '2025-03-06 10:00', outcome: 'completed' }),
          // HC offered one minute after 72 h (late), completed two minutes after (late);
          rhi('RHC', 'HC', 'HHC', { offered_at: '2025-03-06 10:01', completed_at: '2025-03-06 10:02', outcome: 'completed' }),
          // HD offered and completed within hours.
          rhi('RHD', 'HD', 'HHD', { offered_at: '2025-03-03 11:00', completed_at: '2025-03-03 12:00', outcome: 'completed' }),
          // W2: offered 8 h after return.
          rhi('RW2', 'W2', 'HW2', { offered_at: '2025-03-01 10:00', outcome: 'unable_to_contact' }),
        ]),
      },
    },
    {
      // The Isle of Wight's SSDA903 return: W1 away 10–11 February, no interview can name it.
      area: 'Isle of Wight',
      files: {
        'ssda903_missing.csv': csv(SSDA903_HEADER, [{ CHILD: 'HW1', DOB: '01/01/2012', MISSING: 'A', MIS_START: '10/02/2025', MIS_END: '11/02/2025' }]),
      },
    },
  );
});

describe('return interviews (2025-Q1)', () => {
  it('returns: episodes whose returned_at falls in the period, with or without an interview', async () => {
    // X1–X7 and X9 (X8 returned in Q2, X10 has not returned, X11 is 20).
    expect(value(await read(db, '2025-Q1', 'Southampton'), 'returns')).toBe(8);
    expect(value(await read(db, '2025-Q2', 'Southampton'), 'returns')).toBe(1); // X8
    expect(value(await read(db, '2025-Q1', 'Southampton', '18-24'), 'returns')).toBe(1); // X11
  });

  it('rhi_offered_72h_pct: offered at or before returned_at + 72 h, whatever the outcome', async () => {
    // Of 8: X1 (23 h), X2 (48 h), X3 (24 h, declined), X5 (RX5a 2 h, unable to contact),
    // X9 (34 h, declined) = 5; not X4, X6 (not offered), X7. 5 / 8 = 62.5.
    expect(value(await read(db, '2025-Q1', 'Southampton'), 'rhi_offered_72h_pct')).toBe(62.5);
  });

  it('rhi_completed_72h_pct: 1 of 8 = 12.5, 1 of 16 = 6.3 (half away from zero)', async () => {
    // Southampton: only X1 was completed within 72 h (X2 after 5 days, X5 after 4): 1 / 8 = 12.5.
    expect(value(await read(db, '2025-Q1', 'Southampton'), 'rhi_completed_72h_pct')).toBe(12.5);
    const pompey = await read(db, '2025-Q1', 'Portsmouth');
    // Portsmouth: Q01 of sixteen: 1 / 16 = 6.25 → 6.3.
    expect(value(pompey, 'returns')).toBe(16);
    expect(value(pompey, 'rhi_completed_72h_pct')).toBe(6.3);
    expect(value(pompey, 'rhi_offered_72h_pct')).toBe(6.3);
  });

  it('rhi_declined_pct: % of returns with a declined interview', async () => {
    // X3 and X9: 2 / 8 = 25.0.
    expect(value(await read(db, '2025-Q1', 'Southampton'), 'rhi_declined_pct')).toBe(25);
    // Portsmouth: none of 16 → 0 (a percentage of something, not null).
    expect(value(await read(db, '2025-Q1', 'Portsmouth'), 'rhi_declined_pct')).toBe(0);
  });

  it('rhi_disclosure_count: interviews for the period’s returns flagged, whatever their outcome', async () => {
    // RX1 (completed), RX5b (completed, of X5's two), RX9 (declined) = 3; not RX8 (a Q2
    // return) nor RX11 (adult).
    expect(value(await read(db, '2025-Q1', 'Southampton'), 'rhi_disclosure_count')).toBe(3);
    expect(value(await read(db, '2025-Q2', 'Southampton'), 'rhi_disclosure_count')).toBe(1); // RX8
  });

  it('an interview offered exactly 72 hours after the return is in time; one minute later is late', async () => {
    // Hampshire: HA offered at 72 h (in), HB at 69 h (in), HC at 72 h + 1 min (late), HD
    // at 1 h (in): 3 / 4 = 75.0 (a strict "<" would give 50.0; counting HC 100.0).
    expect(value(await read(db, '2025-Q1', 'Hampshire'), 'rhi_offered_72h_pct')).toBe(75);
  });

  it('an interview completed exactly 72 hours after the return is in time; one minute later is late', async () => {
    // Hampshire: HB completed at 72 h (in), HD at 2 h (in), HA at 72 h + 1 min (late), HC
    // at 72 h + 2 min (late): 2 / 4 = 50.0 (a strict "<" would give 25.0; counting HA 75.0).
    expect(value(await read(db, '2025-Q1', 'Hampshire'), 'rhi_completed_72h_pct')).toBe(50);
  });

  it('SSDA903 returns are in the denominator; the age is taken at reported_at', async () => {
    const iow = await read(db, '2025-Q1', 'Isle of Wight');
    // W1 (SSDA903, returned 11 Feb) and W2 (17 when reported, 18 at return) = 2; only W2
    // has an interview offered in time: 1 / 2 = 50.0.
    expect(value(iow, 'returns')).toBe(2);
    expect(value(iow, 'rhi_offered_72h_pct')).toBe(50);
    expect(value(await read(db, '2025-Q1', 'Isle of Wight', '18-24'), 'returns')).toBe(0);
  });

  it('all: the four areas together', async () => {
    const all = await read(db, '2025-Q1', 'all');
    // Returns: 8 + 16 + 4 + 2 = 30. Completed in time: X1, Q01, HB, HD = 4 → 4 / 30 = 13.33… → 13.3.
    expect(value(all, 'returns')).toBe(30);
    expect(value(all, 'rhi_completed_72h_pct')).toBe(13.3);
    // Offered in time: 5 + 1 + 3 + 1 (W2) = 10 → 33.33… → 33.3.
    expect(value(all, 'rhi_offered_72h_pct')).toBe(33.3);
  });
});
