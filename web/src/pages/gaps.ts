// The gaps page: the hex tile map with its ranked table, then the rest of the model.
import { start } from '../app.js';
import { renderMapPage } from '../maps.js';

start({ page: 'gaps', render: renderMapPage });
