// The dashboard's pages, declared once, in navigation order: their id (the page model
// of GET /api/pages/:id and the script in web/src/pages), the HTML file the browser
// opens, the title (the page's heading and its navigation label alike) and who may
// open it. The server's page builder, the web navigation, vite's HTML entries, the
// browser tests and the golden page models all read this list.

export type Audience = 'everyone' | 'analyst';

export interface PageDecl {
  id: string;
  /** The HTML file's name without .html ('index' is served at /). */
  file: string;
  title: string;
  audience: Audience;
}

export const PAGE_DECLS = [
  { id: 'overview', file: 'index', title: 'Board overview', audience: 'everyone' },
  { id: 'missing', file: 'missing', title: 'Missing and return interviews', audience: 'everyone' },
  { id: 'risk', file: 'risk', title: 'Exploitation risk', audience: 'everyone' },
  { id: 'places', file: 'places', title: 'Places and hotspots', audience: 'everyone' },
  { id: 'groups', file: 'groups', title: 'Who MET children are', audience: 'everyone' },
  { id: 'gaps', file: 'gaps', title: 'Service gaps', audience: 'everyone' },
  { id: 'areas', file: 'areas', title: 'Four areas compared', audience: 'everyone' },
  { id: 'actions', file: 'actions', title: 'Action plan', audience: 'everyone' },
  { id: 'data', file: 'data', title: 'Data quality and refresh', audience: 'analyst' },
] as const satisfies readonly PageDecl[];

export type PageId = (typeof PAGE_DECLS)[number]['id'];

export const PAGE_IDS: readonly PageId[] = PAGE_DECLS.map((p) => p.id);

export function pageDecl(id: PageId): PageDecl {
  return PAGE_DECLS.find((p) => p.id === id)!;
}

export function isPageId(id: string): id is PageId {
  return (PAGE_IDS as readonly string[]).includes(id);
}

/** The path a browser opens for a page. */
export const hrefOf = (p: PageDecl): string => (p.file === 'index' ? '/' : `/${p.file}.html`);
