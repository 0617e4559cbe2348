// Arrow IPC streams for clients that want columns rather than JSON (e.g. for their own
// analysis). A suppressed figure is a null value with `suppressed = true`: never a
// number, so no client can plot or add up a withheld count by accident (a published
// count not given, a part of a withheld count, is suppressed too). `status` says which,
// as the JSON does: 'shown', 'withheld' (c), 'not given' (–, published rule: a part of a
// withheld count, which may be 0) or 'no figure' (nothing to measure).

import { Bool, Float64, Int32, Table, Utf8, tableToIPC, vectorFromArray } from 'apache-arrow';
import type { Request } from 'express';
import type { MeasuresResponse } from '../lib/measures.js';
import { measureDef } from '../lib/catalogue.js';

export const ARROW_TYPE = 'application/vnd.apache.arrow.stream';

/** True when the client asks for an Arrow stream (Accept), not JSON. */
export function wantsArrow(req: Request): boolean {
  return (req.get('accept') ?? '').includes(ARROW_TYPE);
}

/** One row per figure of the period asked: headline (breakdown '') and breakdown cells. */
export function measuresToArrow(r: MeasuresResponse): Uint8Array {
  const measure: string[] = [];
  const breakdown: string[] = [];
  const key: string[] = [];
  const value: (number | null)[] = [];
  const suppressed: boolean[] = [];
  const status: string[] = [];
  const push = (m: string, b: string, k: string, v: unknown) => {
    measure.push(m);
    breakdown.push(b);
    key.push(k);
    value.push(typeof v === 'number' ? v : null);
    // Published rule: a count not given (null) is a part of a withheld count, withheld too.
    const notGiven = v === null && r.disclosure.rule === 'published' && measureDef(m)?.kind === 'count';
    suppressed.push(v === 'c' || notGiven);
    status.push(v === 'c' ? 'withheld' : notGiven ? 'not given' : typeof v === 'number' ? 'shown' : 'no figure');
  };
  for (const [id, m] of Object.entries(r.measures)) {
    // Table-like measures have their own columns; they are served as JSON only.
    if (m.rows) continue;
    push(id, '', '', m.value);
    for (const [b, cells] of Object.entries(m.by ?? {})) for (const [k, v] of Object.entries(cells)) push(id, b, k, v);
  }
  const table = new Table({
    measure: vectorFromArray(measure, new Utf8()),
    breakdown: vectorFromArray(breakdown, new Utf8()),
    key: vectorFromArray(key, new Utf8()),
    value: vectorFromArray(value, new Float64()),
    suppressed: vectorFromArray(suppressed, new Bool()),
    status: vectorFromArray(status, new Utf8()),
  });
  return tableToIPC(table, 'stream');
}

export interface QuarantineRow {
  refresh_id: string;
  file: string;
  line: number;
  column: string | null;
  kind: string;
  reason: string;
}

export function quarantineToArrow(rows: QuarantineRow[]): Uint8Array {
  const table = new Table({
    refresh_id: vectorFromArray(
      rows.map((r) => r.refresh_id),
      new Utf8(),
    ),
    file: vectorFromArray(
      rows.map((r) => r.file),
      new Utf8(),
    ),
    line: vectorFromArray(
      rows.map((r) => r.line),
      new Int32(),
    ),
    column: vectorFromArray(
      rows.map((r) => r.column),
      new Utf8(),
    ),
    kind: vectorFromArray(
      rows.map((r) => r.kind),
      new Utf8(),
    ),
    reason: vectorFromArray(
      rows.map((r) => r.reason),
      new Utf8(),
    ),
  });
  return tableToIPC(table, 'stream');
}
