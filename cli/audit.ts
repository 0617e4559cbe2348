// `met audit --db FILE [--role board|commissioner|public] [--fy FY2024-25] [--json]`:
// the disclosure audit of one financial year (docs/disclosure-audit.md): everything the
// role can obtain for it, put together by an attacker that knows every identity of the
// definitions; how many withheld counts it pins or narrows, and how far.

import { existsSync } from 'node:fs';
import { withDb } from '../lib/db.js';
import { messages } from '../lib/messages.js';
import { RequestError } from '../lib/measures.js';
import { residualRisk } from '../lib/audit/residual.js';
import { auditWords } from '../lib/audit/words.js';
import type { Role } from '../model/roles.js';

export async function runAudit(o: { db: string; role: Role; fy?: string; json?: boolean; months?: boolean }): Promise<number> {
  if (!existsSync(o.db)) {
    console.error(messages.noWarehouse(o.db));
    return 2;
  }
  try {
    const report = await withDb(o.db, { readOnly: true }, (db) =>
      residualRisk(db, { role: o.role, ...(o.fy ? { fy: o.fy } : {}), ...(o.months === false ? { months: false } : {}) }),
    );
    if (o.json) console.log(JSON.stringify(report, null, 2));
    else console.log(report ? auditWords.sentences(report).join('\n') : auditWords.none);
    return 0;
  } catch (e) {
    if (e instanceof RequestError) {
      console.error(`met audit: ${e.message}`);
      return 2;
    }
    throw e;
  }
}
