// The shared shell of every page: navigation, the area/period/age pickers kept in
// the URL, the role and refresh line, and the common blocks of a page model
// (warnings, commentary, tiles' legend, charts, tables, definitions).
import 'govuk-frontend/dist/govuk/govuk-frontend.min.css';
import './styles.css';
import { h, fmt } from './dom.js';
import type { Meta, PageModel } from './types.js';
import { chartCard, definitionsDetails, tableBlock } from './charts.js';
import { watchDownloads } from './downloads.js';
import { PAGE_DECLS, hrefOf } from '../../model/pages.js';
import { formatDateTime } from '../../model/format.js';
import { AREAS } from '../../model/areas.js';

export const NAV: { file: string; page: string; label: string }[] = PAGE_DECLS.map((p) => ({ file: hrefOf(p), page: p.id, label: p.title }));

export interface Selection {
  area?: string;
  period?: string;
  ages?: string;
}

const KEYS = ['area', 'period', 'ages'] as const;

export function readSelection(): Selection {
  const q = new URLSearchParams(location.search);
  const s: Selection = {};
  for (const k of KEYS) {
    const v = q.get(k);
    if (v) s[k] = v;
  }
  return s;
}

export function query(sel: Selection, extra: Record<string, string> = {}): string {
  const q = new URLSearchParams();
  for (const k of KEYS) if (sel[k]) q.set(k, sel[k]!);
  for (const [k, v] of Object.entries(extra)) if (v !== '') q.set(k, v);
  const s = q.toString();
  return s ? `?${s}` : '';
}

export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

/** Signed out (no session, or it timed out): to the sign-in page, which brings the reader back here. */
function toSignIn(): void {
  location.assign(`/sign-in?next=${encodeURIComponent(location.pathname + location.search)}`);
}

export async function getJSON<T>(url: string, init?: RequestInit): Promise<T> {
  const res = await fetch(url, { headers: { Accept: 'application/json' }, ...init });
  if (res.status === 401) toSignIn();
  const body = (await res.json().catch(() => ({}))) as { error?: string };
  if (!res.ok) throw new ApiError(body.error ?? `${res.status} ${res.statusText}`, res.status);
  return body as T;
}

export interface PageContext {
  meta: Meta;
  selection: Selection;
  /** Resolves when every chart drawn so far has its marks in the page. */
  track(p: Promise<unknown>): void;
}

export interface PageOptions {
  page: string;
  /** Pages that need the analyst (the server answers 403 to anyone else). */
  analystOnly?: boolean;
  render(model: PageModel, root: HTMLElement, ctx: PageContext): void;
  /**
   * The pickers that change this page (default: area, period and ages). A page whose
   * figures none of them change (the data page, the action plan) lists none: no picker
   * is offered, and the selection stays in the URL for the other pages.
   */
  pickers?: readonly (typeof KEYS)[number][];
  /** Drawn once, below the page model (forms that do not depend on the pickers). */
  extra?(root: HTMLElement, ctx: PageContext, model: PageModel | null): void;
}

const $ = (id: string): HTMLElement => document.getElementById(id)!;

/** "Data refreshed 1 December 2026 at 01:11.": when, in words; the refresh's technical id is for the data page. */
export function refreshedText(finishedAt: string | null | undefined): string {
  const at = formatDateTime(finishedAt);
  return at ? `Data refreshed ${at}.` : 'Data refreshed (time not recorded).';
}

/**
 * The navigation's menu button (a phone's narrow screen, styles.css): a real button,
 * aria-expanded saying whether the list is shown, aria-controls naming it; Escape closes
 * the list and gives the button the focus back.
 */
function navToggle(list: HTMLElement): HTMLButtonElement {
  const btn = h(
    'button',
    { type: 'button', class: 'govuk-service-navigation__toggle met-nav__toggle', 'aria-controls': list.id, 'aria-expanded': 'false' },
    'Menu',
  );
  const set = (open: boolean) => btn.setAttribute('aria-expanded', String(open));
  btn.addEventListener('click', () => set(btn.getAttribute('aria-expanded') !== 'true'));
  list.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && btn.getAttribute('aria-expanded') === 'true') {
      set(false);
      btn.focus();
    }
  });
  return btn;
}

function drawNav(current: string, sel: Selection, role?: string, oneArea = false): void {
  // The data page is the analyst's; the four areas compared have nothing to compare for an account of one area (unless it is open).
  const items = NAV.filter((n) => (n.page !== 'data' || !role || role === 'analyst') && (n.page !== 'areas' || !oneArea || n.page === current));
  const open = document.querySelector('.met-nav__toggle')?.getAttribute('aria-expanded') === 'true';
  const list = h(
    'ul',
    { class: 'govuk-service-navigation__list', id: 'met-nav-list' },
    items.map((n) => {
      const active = n.page === current;
      const a = h(
        'a',
        { class: 'govuk-service-navigation__link', href: n.file + query(sel), 'aria-current': active ? 'page' : null, 'data-nav': n.page },
        active ? h('strong', { class: 'govuk-service-navigation__active-fallback' }, n.label) : n.label,
      );
      return h('li', { class: `govuk-service-navigation__item${active ? ' govuk-service-navigation__item--active' : ''}` }, a);
    }),
  );
  const toggle = navToggle(list);
  // Drawn again when the pickers change: an open menu stays open.
  toggle.setAttribute('aria-expanded', String(open));
  const nav = h(
    'section',
    { class: 'govuk-service-navigation met-nav', 'aria-label': 'Pages' },
    h(
      'div',
      { class: 'govuk-width-container' },
      h(
        'div',
        { class: 'govuk-service-navigation__container' },
        h('nav', { 'aria-label': 'Dashboard pages', class: 'govuk-service-navigation__wrapper' }, toggle, list),
      ),
    ),
  );
  $('met-nav').replaceChildren(nav);
  document.querySelector<HTMLAnchorElement>('.met-header__name')?.setAttribute('href', `/${query(sel)}`);
}

function option(value: string, label: string, selected: boolean): HTMLOptionElement {
  const o = h('option', { value }, label);
  o.selected = selected;
  return o;
}

const AREA_LABEL = (a: string): string => (a === 'all' ? 'All four areas' : a);
const AGES_LABEL: Record<string, string> = { '0-17': 'Children 0–17', '18-24': 'Young adults 18–24', '0-24': 'All 0–24' };

export function periodLabel(id: string): string {
  const m = /^(\d{4})-(\d{2})$/.exec(id);
  if (m) return new Date(Date.UTC(+m[1]!, +m[2]! - 1, 1)).toLocaleString('en-GB', { month: 'long', year: 'numeric', timeZone: 'UTC' });
  const q = /^(\d{4})-Q([1-4])$/.exec(id);
  if (q) return `${['January–March', 'April–June', 'July–September', 'October–December'][+q[2]! - 1]} ${q[1]} (${id})`;
  const fy = /^FY(\d{4})-(\d{2})$/.exec(id);
  if (fy) return `Financial year ${fy[1]}–${fy[2]}`;
  return id;
}

/** A period as the picker offers it: one the data does not yet cover to its last day is marked. */
export function offeredLabel(meta: Meta, id: string): string {
  return meta.in_progress?.includes(id) ? `${periodLabel(id)} (in progress)` : periodLabel(id);
}

/** Every period the pickers offer (none without data). */
function offered(meta: Meta): Set<string> {
  return new Set(Object.values(meta.periods).flat());
}

/** A link to an area this account does not see (it sees one area only): shown its own instead, and said so. */
export function areaReplacedText(asked: string, shown: string): string {
  const what = asked === 'all' ? 'all four areas together' : (AREAS as readonly string[]).includes(asked) ? asked : 'an area this service does not know';
  return `The link asks for ${what}, but this account sees ${shown} only: showing ${shown}.`;
}

/** Said when a link names a period that is not offered (no data yet, or none the warehouse covers). */
export function periodReplacedText(asked: string, shown: string): string {
  return `There are no figures for the period ${asked.slice(0, 20)} in the link (no data yet, or not one the warehouse covers): showing ${periodLabel(shown)}, the latest complete period, instead.`;
}

function drawPickers(meta: Meta, sel: Selection, onChange: (s: Selection) => void, shown: readonly (typeof KEYS)[number][] = KEYS): void {
  if (shown.length === 0) {
    $('met-pickers').replaceChildren();
    return;
  }
  const area = sel.area ?? 'all';
  const period = sel.period ?? meta.default_period;
  const ages = sel.ages ?? '0-17';
  const areaSel = h(
    'select',
    { class: 'govuk-select', id: 'pick-area', name: 'area' },
    meta.areas.map((a) => option(a, AREA_LABEL(a), a === area)),
  );
  const groups: [keyof Meta['periods'], string][] = [
    ['quarter', 'Quarters'],
    ['month', 'Months'],
    ['fy', 'Financial years'],
    ['year', 'Calendar years'],
  ];
  const periodSel = h(
    'select',
    { class: 'govuk-select', id: 'pick-period', name: 'period' },
    groups.map(([k, label]) =>
      h(
        'optgroup',
        { label },
        (meta.periods[k] ?? []).map((p) => option(p, offeredLabel(meta, p), p === period)),
      ),
    ),
  );
  const agesSel = h(
    'select',
    { class: 'govuk-select', id: 'pick-ages', name: 'ages' },
    meta.age_scopes.map((a) => option(a, AGES_LABEL[a] ?? a, a === ages)),
  );
  const field = (id: string, label: string, control: HTMLElement): HTMLElement =>
    h('div', { class: 'govuk-form-group met-picker' }, h('label', { class: 'govuk-label govuk-label--s', for: id }, label), control);
  const form = h(
    'form',
    { class: 'met-pickers', method: 'get', action: '', 'aria-label': 'Choose what to show' },
    shown.includes('area') ? field('pick-area', 'Area', areaSel) : null,
    shown.includes('period') ? field('pick-period', 'Period', periodSel) : null,
    shown.includes('ages') ? field('pick-ages', 'Ages', agesSel) : null,
    h('div', { class: 'govuk-form-group met-picker met-picker--go' }, h('button', { type: 'submit', class: 'govuk-button govuk-button--secondary' }, 'Show')),
  );
  // A picker the page does not offer keeps the selection it came with.
  const read = (): Selection => ({
    area: shown.includes('area') ? areaSel.value : sel.area,
    period: shown.includes('period') ? periodSel.value : sel.period,
    ages: shown.includes('ages') ? agesSel.value : sel.ages,
  });
  form.addEventListener('change', () => onChange(read()));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    onChange(read());
  });
  $('met-pickers').replaceChildren(form);
}

function setPickers(meta: Meta, sel: Selection): void {
  const set = (id: string, v: string): void => {
    const el = document.getElementById(id) as HTMLSelectElement | null;
    if (el) el.value = v;
  };
  set('pick-area', sel.area ?? 'all');
  set('pick-period', sel.period ?? meta.default_period);
  set('pick-ages', sel.ages ?? '0-17');
}

function drawStatus(meta: Meta, model: PageModel | null): void {
  const refresh = model?.refresh ?? meta.refresh;
  const role = model?.role ?? meta.role;
  $('met-status').replaceChildren(
    h(
      'p',
      { class: 'govuk-body-s met-status__line' },
      h('strong', { class: 'govuk-tag govuk-tag--grey met-role', 'data-role': role }, `Viewing as: ${role}`),
      ' ',
      refresh ? h('span', { class: 'met-refreshed', 'data-refreshed': refresh.finished_at ?? '' }, refreshedText(refresh.finished_at)) : 'No refresh yet.',
      ' ',
      h('span', { class: 'met-version' }, `Version ${meta.version}.`),
    ),
    meta.role_note ? h('p', { class: 'govuk-body-s met-status__note' }, meta.role_note) : '',
    sourcesLine(meta),
  );
}

/** How current each source is: the latest event date in its extract, one click away. */
function sourcesLine(meta: Meta): HTMLElement | string {
  const sources = meta.refresh?.sources ?? [];
  if (sources.length === 0) return '';
  const label = (s: string) => s.replace(/_/g, ' ').replace(/^ssda903 missing$/, 'SSDA903 return');
  return h(
    'details',
    { class: 'govuk-details govuk-!-margin-bottom-2 met-sources' },
    h('summary', { class: 'govuk-details__summary' }, h('span', { class: 'govuk-details__summary-text' }, 'How current each source is')),
    h(
      'div',
      { class: 'govuk-details__text' },
      h(
        'ul',
        { class: 'govuk-list govuk-body-s' },
        sources.map((s) => h('li', {}, `${label(s.source)}: latest event ${s.latest_event}, loaded ${s.refreshed}`)),
      ),
    ),
  );
}

export function errorSummary(title: string, items: { text: string; href?: string }[]): HTMLElement {
  const box = h(
    'div',
    { class: 'govuk-error-summary', 'data-module': 'govuk-error-summary', tabindex: '-1' },
    h(
      'div',
      { role: 'alert' },
      h('h2', { class: 'govuk-error-summary__title' }, title),
      h(
        'div',
        { class: 'govuk-error-summary__body' },
        h(
          'ul',
          { class: 'govuk-list govuk-error-summary__list' },
          items.map((i) => h('li', {}, i.href ? h('a', { href: i.href }, i.text) : i.text)),
        ),
      ),
    ),
  );
  return box;
}

/** The blocks every page model has: the selection in words, warnings, commentary, the legend. */
export function standardHead(model: PageModel): HTMLElement[] {
  const out: HTMLElement[] = [];
  out.push(
    h(
      'p',
      { class: 'govuk-body-l met-selection', 'data-selection': `${model.area}|${model.period}|${model.ages}` },
      `${AREA_LABEL(model.area)}, ${model.period_label ?? periodLabel(model.period)}, ${AGES_LABEL[model.ages] ?? model.ages}.`,
    ),
  );
  for (const w of model.warnings ?? []) {
    out.push(
      h(
        'div',
        { class: 'govuk-warning-text' },
        h('span', { class: 'govuk-warning-text__icon', 'aria-hidden': 'true' }, '!'),
        h('strong', { class: 'govuk-warning-text__text' }, h('span', { class: 'govuk-visually-hidden' }, 'Warning: '), w),
      ),
    );
  }
  return out;
}

export function commentaryBlock(model: PageModel): HTMLElement | null {
  if (!model.commentary?.length) return null;
  return h(
    'section',
    { class: 'met-commentary', 'aria-labelledby': 'commentary-title' },
    h('h2', { class: 'govuk-heading-m', id: 'commentary-title' }, 'Commentary'),
    model.commentary.map((s) => h('p', { class: 'govuk-body' }, s)),
  );
}

export function legendBlock(model: PageModel): HTMLElement {
  return h(
    'div',
    { class: 'govuk-inset-text met-legend', id: 'legend-c' },
    h('p', { class: 'govuk-body-s' }, model.legend ?? 'c = withheld to protect confidentiality'),
    h(
      'p',
      { class: 'govuk-body-s' },
      // The published legend says what – means for a count (not given); elsewhere it is a figure with nothing to measure.
      model.legend?.includes('– = not given')
        ? '– = no figure: nothing to measure in the period, or not given (above).'
        : '– = no figure (nothing to measure in the period).',
    ),
  );
}

/**
 * What the page's words mean: the abbreviations it uses (SERAF, NRM …: model/glossary.ts),
 * named in the summary so a reader sees which without opening it, then every figure's definition.
 */
export function definitionsPanel(model: PageModel): HTMLElement | null {
  const terms = model.terms ?? [];
  const abbreviations = terms.length
    ? definitionsDetails(
        terms.map((t) => ({ id: t.term, label: t.term, definition: t.words })),
        `Abbreviations on this page: ${terms.map((t) => t.term).join(', ')}`,
      )
    : null;
  abbreviations?.setAttribute('data-terms', '');
  const definitions = definitionsDetails(model.definitions ?? [], 'Definitions of every figure on this page');
  const both = [abbreviations, definitions].filter((x): x is HTMLElement => x !== null);
  return both.length ? h('div', { class: 'met-explained' }, both) : null;
}

/** Charts (all of them, or those chosen) and tables of a model, in order. */
export function chartsAndTables(model: PageModel, ctx: PageContext, opts: { skipCharts?: Set<string>; skipTables?: Set<string> } = {}): HTMLElement[] {
  const out: HTMLElement[] = [];
  for (const c of model.charts ?? []) {
    if (opts.skipCharts?.has(c.id)) continue;
    const card = chartCard(c, model.definitions ?? [], { headingLevel: 'h2' });
    ctx.track(card.ready);
    out.push(card.el);
  }
  (model.tables ?? []).forEach((t, i) => {
    if (opts.skipTables?.has(t.id ?? String(i))) return;
    out.push(h('section', { class: 'met-table-section' }, tableBlock(t, { captionClass: 'govuk-table__caption--m' })));
  });
  return out;
}

/** The generic page: head, commentary, charts, tables, definitions, legend. */
export function genericRender(model: PageModel, root: HTMLElement, ctx: PageContext): void {
  renderPage(model, root, ctx, false);
}

/** As genericRender, with the charts two to a row on a wide screen (small bar charts). */
export function gridRender(model: PageModel, root: HTMLElement, ctx: PageContext): void {
  renderPage(model, root, ctx, true);
}

function renderPage(model: PageModel, root: HTMLElement, ctx: PageContext, grid: boolean): void {
  root.append(...standardHead(model));
  const c = commentaryBlock(model);
  if (c) root.append(c);
  const blocks = chartsAndTables(model, ctx);
  const charts = blocks.filter((b) => b.classList.contains('met-chart'));
  const rest = blocks.filter((b) => !b.classList.contains('met-chart'));
  if (grid && charts.length > 1) root.append(h('div', { class: 'met-chart-grid' }, charts), ...rest);
  else root.append(...blocks);
  const d = definitionsPanel(model);
  if (d) root.append(d);
  root.append(legendBlock(model));
}

/** GET /api/me (server/auth/password.ts). */
interface Me {
  name: string | null;
  role: string;
  area: string | null;
  sign_in: boolean;
}

/** The header's line: who is signed in (role, area) and a sign-out button (a same-origin POST form). */
async function drawAccount(): Promise<void> {
  const me = await getJSON<Me>('/api/me').catch(() => null);
  if (!me) return;
  const holder = $('met-account');
  if (!me.sign_in) {
    holder.replaceChildren(h('span', { class: 'met-header__who', 'data-account': '' }, `Sign-in is off: everyone is ${me.role}`));
    return;
  }
  holder.replaceChildren(
    h(
      'form',
      { class: 'met-header__signout', method: 'post', action: '/auth/sign-out' },
      h('span', { class: 'met-header__who', 'data-account': me.name ?? '' }, `Signed in as ${me.name} (${me.role}${me.area ? `, ${me.area}` : ''})`),
      ' · ',
      h('button', { type: 'submit', class: 'met-header__button', id: 'sign-out' }, 'Sign out'),
    ),
  );
}

/** A value of the page's link put right in place (no new history entry): what is shown is what the link says. */
function replaceInLink(key: string, value: string): void {
  const q = new URLSearchParams(location.search);
  q.set(key, value);
  history.replaceState(null, '', `${location.pathname}?${q.toString()}`);
}

/**
 * The definitions and abbreviations print open: a browser that cannot show a closed
 * details's content on paper (styles.css) has them opened before printing and closed again after.
 */
function openDefinitionsToPrint(): void {
  let opened: HTMLDetailsElement[] = [];
  window.addEventListener('beforeprint', () => {
    opened = [...document.querySelectorAll<HTMLDetailsElement>('details.met-definitions:not([open])')];
    for (const d of opened) d.open = true;
  });
  window.addEventListener('afterprint', () => {
    for (const d of opened) d.open = false;
    opened = [];
  });
}

export function start(opts: PageOptions): void {
  openDefinitionsToPrint();
  let selection = readSelection();
  let meta: Meta | null = null;
  let seq = 0;
  let extraDrawn = false;
  let model0: PageModel | null = null;
  let pickersDrawn = false;
  drawNav(opts.page, selection);
  void drawAccount();

  const metaP = getJSON<Meta>('/api/meta');

  async function load(): Promise<void> {
    const mine = ++seq;
    document.body.dataset.state = 'loading';
    const content = $('met-content');
    content.setAttribute('aria-busy', 'true');
    const pending: Promise<unknown>[] = [];
    // The page's figures are asked for at once, beside /api/meta rather than after it: the
    // two overlap (a link to a period not offered asks again once meta says so). A page
    // for the analyst only waits for meta to say who is asking.
    const early = opts.analystOnly ? null : getJSON<PageModel>(`/api/pages/${opts.page}${query(selection)}`);
    const asked = selection;
    early?.catch(() => {});
    try {
      meta ??= await metaP;
      const m = meta;
      // A link to a period not offered (empty, or unknown) is replaced by the default, and said so.
      let replaced: string | null = null;
      if (selection.period && m.default_period && !offered(m).has(selection.period)) {
        replaced = periodReplacedText(selection.period, m.default_period);
        selection = { ...selection, period: m.default_period };
        replaceInLink('period', m.default_period);
      }
      // A link to an area this account does not see (an account of one area) shows its own, and says so.
      let areaReplaced: string | null = null;
      if (selection.area && m.areas.length === 1 && selection.area !== m.areas[0]) {
        areaReplaced = areaReplacedText(selection.area, m.areas[0]!);
        selection = { ...selection, area: m.areas[0]! };
        replaceInLink('area', m.areas[0]!);
      }
      // The pickers first, so that a bad link can be put right from the page.
      drawNav(opts.page, selection, m.role, m.areas.length === 1);
      if (!pickersDrawn) {
        drawPickers(m, selection, change, opts.pickers);
        pickersDrawn = true;
      } else setPickers(m, selection);
      if (!model0) drawStatus(m, null);
      let model: PageModel | null = null;
      let denied: string | null = null;
      if (opts.analystOnly && m.role !== 'analyst') {
        denied = `This page is for the analyst only. You are viewing as ${m.role}.`;
      } else {
        try {
          model = await (early && selection === asked ? early : getJSON<PageModel>(`/api/pages/${opts.page}${query(selection)}`));
        } catch (e) {
          if (e instanceof ApiError && e.status === 403) denied = e.message;
          else throw e;
        }
      }
      if (mine !== seq) return;
      model0 = model;
      drawStatus(m, model);
      const root = h('div', { class: 'met-page' });
      const ctx: PageContext = { meta: m, selection, track: (p) => pending.push(p) };
      if (areaReplaced) root.append(h('div', { class: 'govuk-inset-text', id: 'met-area-replaced', role: 'status' }, areaReplaced));
      if (replaced) root.append(h('div', { class: 'govuk-inset-text', id: 'met-period-replaced', role: 'status' }, replaced));
      if (denied) root.append(h('div', { class: 'govuk-inset-text' }, denied));
      if (model) {
        if (model.title) $('page-title').textContent = model.title;
        opts.render(model, root, ctx);
        // Download CSV / Excel under every table and chart (docs/api.md, "Exports").
        watchDownloads(root, model);
      }
      content.replaceChildren(root);
      if (opts.extra && !denied) {
        let holder = document.getElementById('met-extra');
        if (!holder) {
          holder = h('div', { id: 'met-extra' });
          content.after(holder);
        }
        if (!extraDrawn) {
          extraDrawn = true;
          opts.extra(holder, ctx, model);
        }
      }
      await Promise.all(pending);
      if (mine !== seq) return;
      content.removeAttribute('aria-busy');
      document.body.dataset.state = 'ready';
    } catch (e) {
      if (mine !== seq) return;
      content.removeAttribute('aria-busy');
      const msg = e instanceof Error ? e.message : String(e);
      content.replaceChildren(errorSummary('The figures could not be shown', [{ text: msg }]));
      document.body.dataset.state = 'error';
    }
  }

  function change(next: Selection): void {
    selection = next;
    // Other parameters of the page (the map's measure) stay.
    const q = new URLSearchParams(location.search);
    for (const k of KEYS) {
      if (selection[k]) q.set(k, selection[k]!);
      else q.delete(k);
    }
    history.pushState(null, '', `${location.pathname}?${q.toString()}`);
    void load();
  }

  window.addEventListener('popstate', () => {
    selection = readSelection();
    void load();
  });

  void load();
}

export { fmt };
