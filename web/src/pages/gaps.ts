// The gaps page: the commentary first (as on the overview: what the board reads before the
// detail), then the hex tile map with its ranked table, then the rest of the model.
import { start, type PageContext } from '../app.js';
import { renderMapPage } from '../maps.js';
import type { PageModel } from '../types.js';

/** The map page, with the commentary moved up before the measure picker and the map. */
function renderGaps(model: PageModel, root: HTMLElement, ctx: PageContext): void {
  renderMapPage(model, root, ctx);
  const commentary = root.querySelector(':scope > .met-commentary');
  const first = root.querySelector('#pick-measure')?.closest('.govuk-form-group') ?? root.querySelector(':scope > .met-map');
  if (commentary && first && first.parentElement === root) root.insertBefore(commentary, first);
}

start({ page: 'gaps', render: renderGaps });
