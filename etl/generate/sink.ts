/**
 * One output file in use: its writer, its dress, its id sequence and its broken
 * rows. Generators fill a row by column name and hand it over.
 */
import { join } from 'node:path';
import { type BreakPlan, Breaker, type BrokenCounts, type Roles } from './broken.js';
import { CsvWriter } from './csv.js';
import { type Dress, makeDress } from './dress.js';
import type { Layout } from './layouts.js';
import type { Rng } from './rng.js';

export interface FileResult {
  readonly file: string;
  readonly rows: number;
  readonly bytes: number;
  readonly broken: BrokenCounts;
}

export class Sink<C extends string = string> {
  readonly dress: Dress;
  /** Column name -> index in the written order. */
  readonly col: Readonly<Record<C, number>>;
  private readonly writer: CsvWriter;
  private readonly breaker: Breaker | null;
  private seq = 0;

  constructor(
    dir: string,
    readonly layout: Layout<C>,
    /** Formatting choices (dates, flags, case) for this file. */
    readonly r: Rng,
    broken: Rng,
    expectedRows: number,
  ) {
    this.dress = makeDress(layout.dress);
    this.col = Object.fromEntries(layout.columns.map((c, i) => [c, i])) as Record<C, number>;
    const header = layout.columns.map((c) => layout.header?.[c] ?? c);
    this.writer = new CsvWriter(join(dir, layout.file), header, layout.csv);
    const plan: BreakPlan = { expectedRows, rate: layout.brokenRate };
    this.breaker = layout.clean ? null : new Breaker(this.roles(), this.dress, broken, plan);
  }

  /** The next id of the file's sequence, e.g. ME00000042. */
  nextId(): string {
    const id = this.layout.id;
    if (!id) throw new Error(`${this.layout.file} has no id column`);
    return id.prefix + String(++this.seq).padStart(id.digits, '0');
  }

  /** A row of empty values to fill by column index. */
  blank(): string[] {
    return new Array<string>(this.layout.columns.length).fill('');
  }

  /** Write a good row; `eventMinute` is its event (a date as its midnight). */
  write(fields: string[], eventMinute: number): void {
    this.writer.row(fields);
    this.breaker?.after(this.writer, fields, eventMinute);
  }

  close(): FileResult {
    const broken = this.breaker?.finish(this.writer) ?? {};
    const { rows, bytes } = this.writer.close();
    return { file: this.layout.file, rows, bytes, broken };
  }

  abort(): void {
    this.writer.abort();
  }

  private roles(): Roles {
    const L = this.layout;
    const at = (name: C): number => {
      const i = L.columns.indexOf(name);
      if (i < 0) throw new Error(`${L.file}: no column ${name}`);
      return i;
    };
    const opt = (name: C | undefined): number | undefined => (name === undefined ? undefined : at(name));
    const idCol = L.id ? at(L.id.column) : undefined;
    return {
      blankable: L.blankable.map(at),
      event: L.event ? { col: at(L.event.column), kind: L.event.kind } : undefined,
      dob: opt(L.dob),
      codes: L.codes?.map((c) => ({ col: at(c.column), bad: c.bad })),
      area: opt(L.area),
      localities: L.localities?.map(at),
      returned: L.returned ? { col: at(L.returned.column), kind: L.returned.kind } : undefined,
      episode: opt(L.episode),
      seraf: L.seraf ? { level: at(L.seraf.level), score: at(L.seraf.score) } : undefined,
      age: opt(L.age),
      partOf: L.partOf ? { part: at(L.partOf.part), whole: at(L.partOf.whole) } : undefined,
      // Files without an id column keep the key: a broken row fails its own check
      // first, and the contract dedupes only rows that pass every other check.
      freshKey:
        idCol === undefined
          ? () => {}
          : (f) => {
              f[idCol] = this.nextId();
            },
    };
  }
}
