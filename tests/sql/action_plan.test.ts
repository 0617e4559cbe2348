// The action plan (sql/measures/70_action_plan.sql) as the actions page shows it: each
// action's latest update, its due-by date read from the plan's words, overdue, and the
// RAG chart (coloured, labelled, whole-number ticks).

import { beforeAll, describe, expect, it } from 'vitest';
import { POPULATION } from '../helpers.js';
import { withDb } from '../../lib/db.js';
import { buildPage, RAG_COLOURS } from '../../lib/pages.js';
import type { PageModel } from '../../model/api.js';
import { csv, episode, episodes, loadWarehouse } from './fixture.js';

const HEADER = ['action_id', 'priority', 'title', 'owner', 'due', 'rag', 'updated_at', 'progress'] as const;
const a = (action_id: string, priority: string, due: string, rag: string, updated_at: string) => ({
  action_id,
  priority,
  title: `Action ${action_id}`,
  owner: 'Board',
  due,
  rag,
  updated_at,
  progress: '',
});
// The plan is as at its latest update, 2016-06-30 (1.1's and 2.1's). Worked out:
//   1.1 'April 2016', red → amber: due by 2016-04-30 < 2016-06-30, amber → overdue; moved up.
//   1.2 '6 monthly', amber: recurring, no due-by date → overdue none.
//   2.1 'By June 2016', red: due by 2016-06-30, not before 2016-06-30 → not overdue.
//   2.9 'Sept 2016', red: due by 2016-09-30 → not overdue.
//   2.10 'May 2016', green: past, but green → not overdue.
//   3.1 'TBC', red: no due-by date.
//   3.2 'March 2016', red: due by 2016-03-31 → overdue.
// Overdue: 1.1 and 3.2 = 2. RAG now: red 2.1, 2.9, 3.1, 3.2 = 4; amber 1.1, 1.2 = 2; green 2.10 = 1.
const ACTIONS = csv(HEADER, [
  a('1.1', '1', 'April 2016', 'red', '2016-01-31'),
  a('1.1', '1', 'April 2016', 'amber', '2016-06-30'),
  a('1.2', '1', '6 monthly', 'amber', '2016-03-31'),
  a('2.1', '2', 'By June 2016', 'red', '2016-06-30'),
  a('2.9', '2', 'Sept 2016', 'red', '2016-05-31'),
  a('2.10', '2', 'May 2016', 'green', '2016-05-31'),
  a('3.1', '3', 'TBC', 'red', '2016-05-31'),
  a('3.2', '3', 'March 2016', 'red', '2016-05-31'),
]);

// One episode (2025-03-02) so that the period the page is asked for has data.
let page: PageModel;
beforeAll(async () => {
  const db = await loadWarehouse({ files: { 'population.csv': POPULATION, 'missing_episodes.csv': episodes(episode()), 'actions.csv': ACTIONS } });
  page = await withDb(db, { readOnly: true }, (d) =>
    buildPage(d, { page: 'actions', area: 'all', period: '2025-Q1', ages: '0-17', role: 'board', refresh: { refresh_id: 'r', finished_at: null } }),
  );
});

describe('the action plan', () => {
  it('reads each due date from the plan’s words and marks overdue actions', () => {
    const rows = page.tables[0]!.rows.map((r) => [r.action_id, r.due_by, r.overdue, r.rag, r.moved]);
    expect(rows).toEqual([
      ['1.1', '2016-04-30', true, 'amber', 'up'],
      ['1.2', null, null, 'amber', 'new'],
      ['2.1', '2016-06-30', false, 'red', 'new'],
      ['2.9', '2016-09-30', false, 'red', 'new'],
      ['2.10', '2016-05-31', false, 'green', 'new'],
      ['3.1', null, null, 'red', 'new'],
      ['3.2', '2016-03-31', true, 'red', 'new'],
    ]);
    expect(page.tables[0]!.columns.find((c) => c.key === 'overdue')?.label).toBe('Overdue');
    expect(page.commentary).toContain('7 actions: 1 green, 2 amber, 4 red.');
    expect(page.commentary).toContain('2 actions are overdue (due by a month now past and not green) as at the plan’s latest update (2016-06-30).');
  });

  it('draws the RAG chart coloured by status, labelled, with whole-number ticks', () => {
    const chart = page.charts.find((c) => c.id === 'actions-rag')!;
    expect(chart.kind).toBe('vega-lite');
    expect(chart.description).toBe('Actions by current RAG status, one bar per status in its colour with its count: 4 red, 2 amber, 1 green.');
    const spec = (chart as { spec: Record<string, any> }).spec;
    expect(spec.data.values).toEqual([
      { category: 'Red', value: 4 },
      { category: 'Amber', value: 2 },
      { category: 'Green', value: 1 },
    ]);
    // Each status its own colour (not one blue for all) and its name on the axis.
    expect(spec.encoding.color.scale).toEqual({ domain: ['Red', 'Amber', 'Green'], range: RAG_COLOURS.map((r) => r.colour) });
    expect(new Set(RAG_COLOURS.map((r) => r.colour)).size).toBe(3);
    expect(spec.encoding.y.field).toBe('category');
    // The count written at each bar's end: colour is not the only signal.
    expect(spec.layer.map((l: any) => l.mark.type)).toEqual(['bar', 'text']);
    expect(spec.layer[1].encoding.text).toMatchObject({ field: 'value', format: 'd' });
    // Whole-number ticks: at least 1 apart, written without decimals, no more ticks than the largest count (4).
    expect(spec.encoding.x.axis).toEqual({ tickMinStep: 1, format: 'd', tickCount: 4 });
    expect(chart.table.rows).toEqual([
      { category: 'Red', value: 4 },
      { category: 'Amber', value: 2 },
      { category: 'Green', value: 1 },
    ]);
  });
});
