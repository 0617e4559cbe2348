// The areas page: the page model's commentary, charts and tables.
import { start, gridRender } from '../app.js';

start({ page: 'areas', render: gridRender });
