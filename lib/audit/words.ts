// The audit's figures in plain words, for the analyst (the data page and `met audit`).

import type { ResidualReport } from './residual.js';

const n = (x: number) => x.toLocaleString('en-GB');
const plural = (x: number, one: string, many: string) => `${n(x)} ${x === 1 ? one : many}`;

export const auditWords = {
  title: 'What someone with every answer could work out (disclosure audit)',
  working: (fy: string | null) =>
    `Being worked out: the audit of ${fy ?? 'the latest financial year'} runs in the background once per refresh (a minute or two on the demo data); open this page again shortly.`,
  unavailable: 'Not worked out here: the server works it out in the background once per refresh, or run met audit --db FILE.',
  failed: (error: string) => `The audit could not be worked out: ${error}`,
  none: 'There is no complete financial year in the warehouse yet to audit.',
  /** The report's headline sentences, in order. */
  sentences(r: ResidualReport): string[] {
    const f = r.figures;
    const who = r.audience === 'partner' ? `board members and commissioners (the ${r.role} role)` : 'the public (the published rule)';
    const what =
      r.audience === 'partner'
        ? `${r.fy}: the year, its quarters and its months, the four areas and all, the three age ranges, every measure with its breakdowns and tables`
        : `${r.fy}: the year and its quarters, the four areas and all, the three age ranges, every measure with its breakdowns and tables`;
    const out = [
      `Everything ${who} can obtain for ${what} (${plural(r.answers, 'answer', 'answers')}) was put together by an attacker that knows every way the figures add up.`,
      `${plural(f.withheld, 'count is', 'counts are')} withheld in those answers.`,
      `Putting every answer together, the attacker can pin ${n(f.pinned)} of them to their exact value and narrow ${n(f.underThreeValues)} to fewer than 3 possible values (the pinned included).`,
    ];
    if (r.audience === 'partner')
      out.push(
        `${n(f.belowThreshold)} can be shown to be below ${r.threshold}. No single answer allows this (the partner rule); it takes many answers deliberately combined, which is the risk accepted for named, audited users.`,
      );
    const far = Object.entries(f.widths)
      .filter(([, c]) => c > 0)
      .map(([w, c]) => `${n(c)} within ${w === '0' ? 'one value' : w === '10 or more' ? '10 or more (or no upper limit)' : `a range of ${w}`}`);
    if (far.length) out.push(`How far: ${far.join('; ')}.`);
    if (f.broken + f.infeasible + f.unsolved > 0)
      out.push(
        `Warning: ${n(f.broken)} identities did not hold, ${n(f.infeasible)} groups had no solution and ${n(f.unsolved)} solves stopped at their time limit: the figures above are not reliable.`,
      );
    return out;
  },
};
