// An account limited to one area (the sign-in passes `limitArea`): it reads that area
// only, by any way of asking, and pages that list the four areas show that area alone.
// Fixture: six Southampton episodes and six Portsmouth episodes in 2025-Q1 (POPULATION:
// Southampton has 3 localities, Portsmouth 2).

import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { load } from '../../etl/load.js';
import { withDb } from '../../lib/db.js';
import { ForbiddenError, readMeasures } from '../../lib/measures.js';
import { buildPage } from '../../lib/pages.js';
import { POPULATION, episode, episodes, tempDir, writeFolder } from '../helpers.js';

let db: string;

beforeAll(async () => {
  const dir = tempDir('met-limit-');
  db = join(dir, 'met.duckdb');
  const rows = [1, 2, 3, 4, 5, 6].flatMap((i) => [
    episode({ episode_id: `S${i}`, child_ref: `SC000000${i}`, reported_at: `2025-01-0${i} 10:00`, returned_at: `2025-01-0${i} 12:00` }),
    episode({
      episode_id: `P${i}`,
      child_ref: `PC000000${i}`,
      area: 'Portsmouth',
      locality: 'Fratton',
      found_locality: 'Fratton',
      reported_at: `2025-02-0${i} 10:00`,
      returned_at: `2025-02-0${i} 12:00`,
    }),
  ]);
  const { report } = await load({ inDir: writeFolder(join(dir, 'in'), { 'population.csv': POPULATION, 'missing_episodes.csv': episodes(...rows) }), db });
  expect(report.status).toBe('loaded');
});

const refresh = { refresh_id: 'r', finished_at: null };

describe('an account limited to one area', () => {
  it('reads its own area', async () => {
    const r = await withDb(db, { readOnly: true }, (d) =>
      readMeasures(d, { period: '2025-Q1', area: 'Southampton', role: 'board', limitArea: 'Southampton', trend: 0, ids: ['missing_episodes'] }),
    );
    expect(r.measures.missing_episodes!.value).toBe(6);
  });

  it('is refused another area, or all four together, naming the area it may see (403)', async () => {
    for (const area of ['Portsmouth', 'all', 'isle of wight']) {
      const asked = withDb(db, { readOnly: true }, (d) => readMeasures(d, { period: '2025-Q1', area, role: 'board', limitArea: 'Southampton' }));
      await expect(asked).rejects.toBeInstanceOf(ForbiddenError);
      await expect(asked).rejects.toThrow(/this account may see Southampton only/);
    }
    // The analyst limited to an area too.
    await expect(
      withDb(db, { readOnly: true }, (d) => readMeasures(d, { period: '2025-Q1', area: 'all', role: 'analyst', limitArea: 'Portsmouth' })),
    ).rejects.toThrow(/may see Portsmouth only, not all four areas together/);
  });

  it('pages refuse another area, and those that list the areas show its own alone', async () => {
    await expect(
      withDb(db, { readOnly: true }, (d) =>
        buildPage(d, { page: 'places', area: 'all', period: '2025-Q1', ages: '0-17', role: 'board', limitArea: 'Southampton', refresh }),
      ),
    ).rejects.toBeInstanceOf(ForbiddenError);
    await withDb(db, { readOnly: true }, async (d) => {
      const build = (page: 'areas' | 'places' | 'gaps', limitArea?: 'Southampton') =>
        buildPage(d, { page, area: limitArea ?? 'Southampton', period: '2025-Q1', ages: '0-17', role: 'board', refresh, ...(limitArea ? { limitArea } : {}) });
      // Unlimited, the areas page compares the four areas, with all four together; limited, Southampton alone (chosen), and no partnership figure.
      expect((await build('areas')).tables[0]!.rows.map((r) => r.area)).toEqual([
        'Southampton (chosen)',
        'Portsmouth',
        'Hampshire',
        'Isle of Wight',
        'All four areas',
      ]);
      const areas = await build('areas', 'Southampton');
      expect(areas.tables[0]!.rows.map((r) => r.area)).toEqual(['Southampton (chosen)']);
      for (const c of areas.charts) expect(c.table.rows.map((r) => r.area)).toEqual(['Southampton (chosen)']);
      expect(areas.commentary.join(' ')).not.toMatch(/All four areas|Portsmouth|Hampshire|Isle of Wight/);
      // Places and gaps: Southampton's three localities only, on the map and in the tables.
      for (const id of ['places', 'gaps'] as const) {
        const p = await build(id, 'Southampton');
        const map = p.charts.find((c) => c.kind === 'hexmap');
        expect(map?.kind === 'hexmap' && [...new Set(map.hexes.map((h) => h.area))]).toEqual(['Southampton']);
        for (const t of p.tables) for (const r of t.rows) if ('area' in r) expect(r.area, `${id} ${t.id}`).toBe('Southampton');
      }
    });
  });
});
