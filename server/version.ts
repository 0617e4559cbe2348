// The product version, from package.json, found relative to this module whether it
// runs from the sources or from dist/.

import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const pkgPath = [join(here, '../../package.json'), join(here, '../package.json')].find((p) => existsSync(p));

export const VERSION: string = pkgPath ? (JSON.parse(readFileSync(pkgPath, 'utf-8')) as { version: string }).version : '0.0.0';
