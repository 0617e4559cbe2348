/**
 * The synthetic MET extracts: every file of the contract for all four areas,
 * plus the Isle of Wight's SSDA903 return in its own folder (it is loaded
 * separately, with --area). Same seed and scale, same bytes.
 *
 * People are generated one at a time and all their records written at once, so
 * memory stays flat and scale 100 (over a million missing episodes) streams out.
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { writeActions } from './actions.js';
import type { BrokenCounts } from './broken.js';
import { livePerson, PERSON_TYPE, PEOPLE_AT_SCALE_1 } from './cohort.js';
import { writeDisruption, writeUnlinkedCpi } from './intelligence.js';
import {
  ACTIONS,
  DISRUPTIONS,
  INTELLIGENCE,
  MISSING_EPISODES,
  NRM_REFERRALS,
  POPULATION,
  REFERRALS,
  RETURN_INTERVIEWS,
  RISK_ASSESSMENTS,
  SERVICES,
  SSDA903_DIR,
  SSDA903_HEADER,
  SSDA903_MISSING,
  type Layout,
} from './layouts.js';
import { LOCALITIES } from './localities.js';
import { Offenders } from './offenders.js';
import { RefMaker } from './people.js';
import { Places } from './places.js';
import { POPULATION_YEARS, writePopulation } from './population.js';
import { Rng } from './rng.js';
import { writeServices } from './services.js';
import { type FileResult, Sink } from './sink.js';
import type { Sinks, World } from './world.js';

export type { BrokenKind, BrokenCounts } from './broken.js';
export { BROKEN_KINDS } from './broken.js';

export interface GenerateOptions {
  /** Output folder, created if needed. */
  readonly out: string;
  /** Default 1. */
  readonly seed?: number;
  /** Multiplies people and population alike; fractions allowed. Default 1. */
  readonly scale?: number;
  readonly onProgress?: (done: number, total: number, label: string) => void;
}

export interface GenerateSummary {
  readonly out: string;
  readonly seed: number;
  readonly scale: number;
  /** Paths relative to `out` ('/' separated), in contract order, then the 903 folder. */
  readonly files: { file: string; rows: number; bytes: number }[];
  readonly seconds: number;
  /** Broken rows written on purpose, per file and kind (`rows` includes them). */
  readonly broken: Record<string, BrokenCounts>;
  /** SSDA903 episodes also sent as rows of missing_episodes.csv (same child, same start date). */
  readonly ssda903Shared: number;
}

/**
 * Rows expected per file at scale 1, measured from the generator (seed 1). Used
 * to spread broken rows evenly; tests keep the figures honest.
 */
export const ROWS_AT_SCALE_1 = {
  episodes: 12_000,
  interviews: 9_800,
  risk: 4_000,
  referrals: 3_450,
  nrm: 345,
  cpi: 2_250,
  disruptions: 650,
  ssda903: 215,
  ssda903Header: 50,
} as const;

/** Disruption actions at scale 1 (they belong to offenders, not children). */
const DISRUPTIONS_AT_SCALE_1 = ROWS_AT_SCALE_1.disruptions;
/** Offenders at scale 1 in the shared pool of CPI and disruptions. */
const OFFENDERS_AT_SCALE_1 = 320;
/** Chance, per person made, of one CPI submission about a place rather than a child. */
const UNLINKED_CPI_PER_PERSON = 0.22;

const PEOPLE_PER_SCALE = Object.values(PEOPLE_AT_SCALE_1).reduce((a, b) => a + b, 0);

const yieldToEventLoop = (): Promise<void> => new Promise((done) => setImmediate(done));

function checkOptions(seed: number, scale: number): void {
  if (!Number.isSafeInteger(seed)) throw new Error(`seed must be an integer, not ${seed}`);
  if (!Number.isFinite(scale) || scale <= 0) throw new Error(`scale must be a number above 0, not ${scale}`);
}

export async function generate(opts: GenerateOptions): Promise<GenerateSummary> {
  const t0 = performance.now();
  const seed = opts.seed ?? 1;
  const scale = opts.scale ?? 1;
  checkOptions(seed, scale);
  const out = resolve(opts.out);
  mkdirSync(resolve(out, SSDA903_DIR), { recursive: true });

  // Streams are forked in a fixed order: each concern gets its own sequence.
  const base = Rng.fromSeed(seed);
  const people = base.fork();
  const rPopulation = base.fork();
  const rActions = base.fork();
  const rOffenders = base.fork();
  const expect = (n: number): number => Math.max(1, Math.round(n * scale));

  const peopleCount = Math.max(1, Math.round(PEOPLE_PER_SCALE * scale));
  const total = peopleCount + 2;
  const progress = opts.onProgress ?? (() => {});
  const opened: { abort(): void }[] = [];
  const open = <C extends string>(layout: Layout<C>, rows: number): Sink<C> => {
    const s = new Sink(out, layout, base.fork(), base.fork(), rows);
    opened.push(s);
    return s;
  };

  try {
    progress(0, total, 'population');
    const results: FileResult[] = [];
    const population = open(POPULATION, POPULATION_YEARS.length * LOCALITIES.length * 2 * 25);
    writePopulation(population, rPopulation, scale);
    results.push(population.close());
    progress(1, total, 'children');
    await yieldToEventLoop();

    const sinks: Sinks = {
      episodes: open(MISSING_EPISODES, expect(ROWS_AT_SCALE_1.episodes)),
      interviews: open(RETURN_INTERVIEWS, expect(ROWS_AT_SCALE_1.interviews)),
      risk: open(RISK_ASSESSMENTS, expect(ROWS_AT_SCALE_1.risk)),
      referrals: open(REFERRALS, expect(ROWS_AT_SCALE_1.referrals)),
      nrm: open(NRM_REFERRALS, expect(ROWS_AT_SCALE_1.nrm)),
      cpi: open(INTELLIGENCE, expect(ROWS_AT_SCALE_1.cpi)),
      disruptions: open(DISRUPTIONS, expect(ROWS_AT_SCALE_1.disruptions)),
      ssda903: open(SSDA903_MISSING, expect(ROWS_AT_SCALE_1.ssda903)),
      ssda903Header: open(SSDA903_HEADER, expect(ROWS_AT_SCALE_1.ssda903Header)),
    };
    const places = new Places();
    const refs = new RefMaker(people.int(0, 9_999_999));
    const offenders = new Offenders(rOffenders, places, refs, Math.max(10, Math.round(OFFENDERS_AT_SCALE_1 * scale)));
    const world: World = { r: people, places, refs, offenders, sinks, ssda903Shared: 0 };

    const step = Math.max(1, Math.floor(peopleCount / 100));
    for (let i = 1; i <= peopleCount; i++) {
      livePerson(world, PERSON_TYPE.draw(people));
      if (people.chance(UNLINKED_CPI_PER_PERSON)) writeUnlinkedCpi(world);
      if (i % step === 0) {
        progress(1 + i, total, 'children');
        // Lets a progress bar redraw; the data do not depend on it.
        await yieldToEventLoop();
      }
    }
    progress(peopleCount + 1, total, 'disruptions and actions');
    const disruptions = Math.max(1, Math.round(DISRUPTIONS_AT_SCALE_1 * scale));
    for (let i = 0; i < disruptions; i++) writeDisruption(world);
    const actions = open(ACTIONS, 100);
    writeActions(actions, rActions);
    // Forked last, so that adding services.csv left every other file's bytes as they were.
    const rServices = base.fork();
    const services = open(SERVICES, 4 * 6 * 18);
    writeServices(services, rServices, scale);

    results.push(
      sinks.episodes.close(),
      sinks.interviews.close(),
      sinks.risk.close(),
      sinks.referrals.close(),
      sinks.nrm.close(),
      sinks.cpi.close(),
      sinks.disruptions.close(),
      actions.close(),
      services.close(),
      sinks.ssda903.close(),
      sinks.ssda903Header.close(),
    );
    progress(total, total, 'done');
    return summarise(out, seed, scale, results, world.ssda903Shared, t0);
  } catch (e) {
    for (const s of opened) s.abort();
    throw e;
  }
}

function summarise(out: string, seed: number, scale: number, results: readonly FileResult[], ssda903Shared: number, t0: number): GenerateSummary {
  const broken: Record<string, BrokenCounts> = {};
  for (const f of results) if (Object.keys(f.broken).length > 0) broken[f.file] = f.broken;
  return {
    out,
    seed,
    scale,
    files: results.map(({ file, rows, bytes }) => ({ file, rows, bytes })),
    seconds: Number(((performance.now() - t0) / 1000).toFixed(2)),
    broken,
    ssda903Shared,
  };
}
