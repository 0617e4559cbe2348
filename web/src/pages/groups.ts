// The groups page: the page model's commentary, charts and tables.
import { start, gridRender } from '../app.js';

start({ page: 'groups', render: gridRender });
