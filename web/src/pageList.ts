// The dashboard's pages, in navigation order: read by the navigation in the browser
// and by vite.config.ts, which makes each page's HTML from the one shell.

export interface PageEntry {
  /** The HTML file's name without .html ('index' is served at /). */
  file: string;
  /** The page model's name (GET /api/pages/:page) and the script in src/pages. */
  page: string;
  title: string;
}

export const PAGES: readonly PageEntry[] = [
  { file: 'index', page: 'overview', title: 'Board overview' },
  { file: 'missing', page: 'missing', title: 'Missing and return interviews' },
  { file: 'risk', page: 'risk', title: 'Exploitation risk' },
  { file: 'places', page: 'places', title: 'Places' },
  { file: 'groups', page: 'groups', title: 'Groups' },
  { file: 'gaps', page: 'gaps', title: 'Service gaps' },
  { file: 'areas', page: 'areas', title: 'Four areas compared' },
  { file: 'actions', page: 'actions', title: 'Action plan' },
  { file: 'data', page: 'data', title: 'Data and refresh' },
];

export const hrefOf = (p: PageEntry): string => (p.file === 'index' ? '/' : `/${p.file}.html`);
