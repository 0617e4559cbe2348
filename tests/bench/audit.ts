// The disclosure audit's figures (docs/disclosure-audit.md): `node dist/tests/bench/audit.js
// [--db FILE] [--fy FY2025-26] [--role board|public]…` on a warehouse, or, without --db, on
// the demo data (seed 2026, scale 1: what `npm start` serves), generated and loaded into a
// temporary folder. For each role (default: board, then public) it prints how many withheld
// counts an attacker with every answer of one financial year pins, narrows below the
// threshold or to fewer than 3 values, and how far; and the seconds it took.
// `npm run bench` runs it as its last step.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { withDb } from '../../lib/db.js';
import { residualRisk, type ResidualReport } from '../../lib/audit/residual.js';
import { auditWords } from '../../lib/audit/words.js';
import type { Role } from '../../model/roles.js';

export async function runAuditBench(o: { db?: string; fy?: string; roles?: Role[]; log?: (s: string) => void } = {}): Promise<ResidualReport[]> {
  const log = o.log ?? console.log;
  let dir: string | null = null;
  let db = o.db;
  try {
    if (!db) {
      dir = mkdtempSync(join(tmpdir(), 'met-audit-bench-'));
      const { generate } = await import('../../etl/generate/generate.js');
      const { load } = await import('../../etl/load.js');
      await generate({ out: join(dir, 'extracts'), seed: 2026, scale: 1 });
      db = join(dir, 'met.duckdb');
      const { report } = await load({ inDir: join(dir, 'extracts'), db });
      if (report.status !== 'loaded') throw new Error(`load failed: ${report.error}`);
      log('audit: the demo data (seed 2026, scale 1)');
    }
    const out: ResidualReport[] = [];
    for (const role of o.roles ?? (['board', 'public'] as Role[])) {
      const t0 = performance.now();
      const r = await withDb(db, { readOnly: true }, (d) => residualRisk(d, { role, ...(o.fy ? { fy: o.fy } : {}) }));
      const seconds = ((performance.now() - t0) / 1000).toFixed(1);
      if (!r) {
        log(`audit (${role}): ${auditWords.none}`);
        continue;
      }
      const f = r.figures;
      log(
        `audit (${role}, ${r.audience} rule, ${r.fy}): ${r.answers} answers, ${f.withheld} withheld counts: ${f.pinned} pinned, ` +
          `${f.underThreeValues} narrowed to fewer than 3 values${r.audience === 'partner' ? `, ${f.belowThreshold} shown below ${r.threshold}` : ''}; ` +
          `widths ${JSON.stringify(f.widths)}; ${f.components} components (largest ${f.largest} cells); ` +
          `broken ${f.broken}, infeasible ${f.infeasible}, unsolved ${f.unsolved}; ${seconds} s (${f.seconds} s solving)`,
      );
      out.push(r);
    }
    return out;
  } finally {
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.env.MET_SECRET_KEY ??= 'benchmark-key-not-for-real-data-0123';
  const args = process.argv.slice(2);
  const arg = (name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
  const roles = args.flatMap((a, i) => (args[i - 1] === '--role' ? [a as Role] : []));
  await runAuditBench({ db: arg('--db'), fy: arg('--fy'), ...(roles.length ? { roles } : {}) });
}
