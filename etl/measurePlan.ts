// Which measure families a refresh rebuilds and which it copies from the previous
// warehouse, from what each family reads (model/measureInputs.ts) and the tables the
// refresh changed. The rule (docs/architecture.md, "A refresh rebuilds only what depends
// on it"): a family is rebuilt when a table it reads changed (a source the refresh
// replaced, the refresh's own records, periods or population, or a table or figures an
// earlier rebuilt family makes); it also runs, with the same figures coming out, when a
// family that runs reads one of its temporary tables; every other family is copied.

import { COMMON_SQL, COMMON_TABLES, FAMILY_INPUTS, PROTECTION_STEP } from '../model/measureInputs.js';
import { MEASURES, sqlFileOf } from '../model/measures.js';

export interface MeasurePlan {
  /** Families whose figures may differ from the previous warehouse's: rebuilt. */
  stale: string[];
  /** Families that run (the stale ones, and those whose temporary tables a running one reads), in file order. */
  run: string[];
  /** Families whose figures, and the tables they make, are copied from the previous warehouse. */
  copied: string[];
  /** Whether the published protection is worked out again (else copied). */
  protection: 'rebuilt' | 'copied';
}

/** The family files in the order they run. */
export const FAMILY_FILES: readonly string[] = Object.keys(FAMILY_INPUTS).sort();

/** The families with a figure the public may see: the published protection reads theirs. */
export function publicFamilies(): Set<string> {
  return new Set(MEASURES.filter((m) => m.audience !== 'analyst').map(sqlFileOf));
}

/** The families that make each temporary table. */
function tempMakers(): Map<string, string> {
  const made = new Map<string, string>();
  for (const [file, f] of Object.entries(FAMILY_INPUTS)) for (const t of f.temps ?? []) made.set(t, file);
  return made;
}

/**
 * The plan for a refresh that changed the given warehouse tables (source tables,
 * localities, the refresh's records). `null` for a full rebuild: everything runs.
 * A table of 00_common.sql changes when what it is made from changed, except the
 * periods when `periodsSame` (the new periods were compared with the previous ones).
 */
export function planMeasures(changedTables: ReadonlySet<string> | null, periodsSame = false): MeasurePlan {
  if (changedTables === null) return { stale: [...FAMILY_FILES], run: [...FAMILY_FILES], copied: [], protection: 'rebuilt' };
  const changed = new Set(changedTables);
  for (const [table, from] of Object.entries(COMMON_TABLES)) {
    if (table === 'periods' && periodsSame) continue;
    if (from.some((t) => changed.has(t))) changed.add(table);
  }
  const stale = new Set<string>();
  for (const file of FAMILY_FILES) {
    const f = FAMILY_INPUTS[file]!;
    if (f.reads.some((t) => changed.has(t)) || (f.cellsOf ?? []).some((c) => stale.has(c))) {
      stale.add(file);
      for (const t of [...(f.makes ?? []), ...(f.temps ?? [])]) changed.add(t);
    }
  }
  // Temporary tables cannot be copied: whoever makes one that a running family reads runs too.
  const makers = tempMakers();
  const run = new Set(stale);
  for (const file of [...FAMILY_FILES].reverse()) {
    if (!run.has(file)) continue;
    for (const t of FAMILY_INPUTS[file]!.reads) {
      const maker = makers.get(t);
      if (maker) run.add(maker);
    }
  }
  // (Reverse order suffices: a family only reads what earlier families make.)
  const pub = publicFamilies();
  return {
    stale: FAMILY_FILES.filter((f) => stale.has(f)),
    run: FAMILY_FILES.filter((f) => run.has(f)),
    copied: FAMILY_FILES.filter((f) => !run.has(f)),
    protection: [...stale].some((f) => pub.has(f)) || changed.has('periods') ? 'rebuilt' : 'copied',
  };
}

export { COMMON_SQL, PROTECTION_STEP };
