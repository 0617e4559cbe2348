// The generator's services.csv: the commissioner's returns for every quarter of the window,
// area and service, with plausible figures, and the shortfall planted on purpose
// (Portsmouth's CCE support: demand well over capacity, a waiting list that grows).
// Its broken rows are counted with the other files' in tests/etl/generate.test.ts.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { generate, type GenerateSummary } from '../../etl/generate/generate.js';
import { SHORTFALL, windowQuarters } from '../../etl/generate/services.js';
import { AREAS, SERVICES } from '../../model/contract.js';
import { tempDir } from '../helpers.js';

interface Row {
  quarter: string;
  area: string;
  service: string;
  provider: string;
  received: number;
  accepted: number;
  started: number;
  target: number;
  capacity: number;
  waiting: number;
}

let summary: GenerateSummary;
let good: Row[];
let lines: string[];

beforeAll(async () => {
  const out = tempDir('met-services-gen-');
  summary = await generate({ out, seed: 11 });
  const text = readFileSync(join(out, 'services.csv'), 'utf-8');
  lines = text
    .replace(/^\uFEFF/, '')
    .split('\r\n')
    .filter((l) => l !== '');
  const seen = new Set<string>();
  good = [];
  // The rows a careful reader keeps: ten fields, known area and service, whole numbers, accepted ≤ received, first of a key.
  for (const l of lines.slice(1)) {
    const f = l.split(',');
    if (f.length !== 10) continue;
    const service = f[2]!.trim().toLowerCase().replace(/ /g, '_');
    const n = f.slice(4).map((x) => (/^\d+$/.test(x) ? Number(x) : Number.NaN));
    if (!/^\d{4}-Q[1-4]$/.test(f[0]!) || !(AREAS as readonly string[]).includes(f[1]!) || !(SERVICES as readonly string[]).includes(service)) continue;
    if (n.some((x) => Number.isNaN(x)) || n[1]! > n[0]!) continue;
    const key = [f[0], f[1], service, f[3]].join('|');
    if (seen.has(key)) continue;
    seen.add(key);
    good.push({
      quarter: f[0]!,
      area: f[1]!,
      service,
      provider: f[3]!,
      received: n[0]!,
      accepted: n[1]!,
      started: n[2]!,
      target: n[3]!,
      capacity: n[4]!,
      waiting: n[5]!,
    });
  }
});

const series = (area: string, service: string) => good.filter((r) => r.area === area && r.service === service);

describe('generate: services.csv', () => {
  it('one return per quarter of the window, area and service, and a few broken rows besides', () => {
    const quarters = windowQuarters().map(([y, q]) => `${y}-Q${q}`);
    // April 2022 to September 2026: 18 quarters.
    expect(quarters[0]).toBe('2022-Q2');
    expect(quarters.at(-1)).toBe('2026-Q3');
    expect(quarters).toHaveLength(18);
    // 18 quarters × 4 areas × 6 services.
    expect(good).toHaveLength(432);
    const broken = Object.values(summary.broken['services.csv'] ?? {}).reduce((a, b) => a + (b ?? 0), 0);
    expect(lines.length - 1).toBe(432 + broken);
    expect(summary.broken['services.csv']).toMatchObject({ count_over_total: 1, unknown_area: expect.any(Number), duplicate_key: 1 });
    expect(summary.files.find((f) => f.file === 'services.csv')!.rows).toBe(lines.length - 1);
  });

  it('holds together: started ≤ accepted ≤ received, a target in days, providers named', () => {
    for (const r of good) {
      expect(r.started, r.quarter).toBeLessThanOrEqual(r.accepted);
      expect(r.target).toBeGreaterThanOrEqual(1);
      expect(r.target).toBeLessThanOrEqual(365);
      expect(r.provider.length).toBeGreaterThan(3);
    }
    // Hampshire is the largest area and the Isle of Wight the smallest.
    const received = (area: string) => good.filter((r) => r.area === area).reduce((s, r) => s + r.received, 0);
    expect(received('Hampshire')).toBeGreaterThan(3 * received('Portsmouth'));
    expect(received('Isle of Wight')).toBeLessThan(received('Portsmouth'));
  });

  it('elsewhere, demand runs below or near capacity (0.6–1.05 of it) and most work starts within target', () => {
    for (const area of AREAS)
      for (const service of SERVICES) {
        if (area === SHORTFALL.area && service === SHORTFALL.service) continue;
        const s = series(area, service);
        const ratio = s.reduce((a, r) => a + r.received, 0) / s.reduce((a, r) => a + r.capacity, 0);
        expect(ratio, `${area} ${service}`).toBeGreaterThan(0.6);
        expect(ratio, `${area} ${service}`).toBeLessThan(1.05);
        const onTime = s.reduce((a, r) => a + r.started, 0) / s.reduce((a, r) => a + r.accepted, 0);
        expect(onTime, `${area} ${service}`).toBeGreaterThan(0.6);
      }
  });

  it('plants one shortfall: Portsmouth CCE support, demand well over capacity and a growing waiting list', () => {
    const s = series(SHORTFALL.area, SHORTFALL.service);
    expect(s).toHaveLength(18);
    const last = s.at(-1)!;
    // The last quarter: referrals at least 1.5 times the places paid for.
    expect(last.received / last.capacity).toBeGreaterThan(1.5);
    // The waiting list grows every quarter of the last four, and ends at least three times where it was.
    const waiting = s.slice(-4).map((r) => r.waiting);
    for (let i = 1; i < waiting.length; i++) expect(waiting[i]!).toBeGreaterThan(waiting[i - 1]!);
    expect(last.waiting).toBeGreaterThanOrEqual(3 * Math.max(1, s.at(-7)!.waiting));
    // Fewer start within the target once the list builds up.
    expect(last.started / last.accepted).toBeLessThan(0.6);
    const earlier = s.slice(0, 8);
    expect(earlier.reduce((a, r) => a + r.started, 0) / earlier.reduce((a, r) => a + r.accepted, 0)).toBeGreaterThan(0.7);
  });
});
