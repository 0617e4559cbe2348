// The missing page: the page model's commentary, charts and tables.
import { start, genericRender } from '../app.js';

start({ page: 'missing', render: genericRender });
