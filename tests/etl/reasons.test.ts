// One list of quarantine reasons (etl/contract.ts), and every place that lists them for a
// person agrees with it: the README and the Data page's reason filter.

import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { QUARANTINE_REASONS } from '../../etl/contract.js';

const root = join(import.meta.dirname, '../..');

describe('the quarantine reasons', () => {
  it('the README lists exactly the contract module’s reasons, in its order', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf-8');
    const para = readme.slice(readme.indexOf('Quarantine reasons ('), readme.indexOf('### What the load guarantees'));
    const listed = [...para.slice(para.indexOf('):')).matchAll(/`([^`]+)`/g)].map((m) => m[1]);
    expect(listed).toEqual([...QUARANTINE_REASONS]);
  });

  it('the Data page offers every reason as a filter: it takes the list from the model', () => {
    const page = readFileSync(join(root, 'web/src/pages/data.ts'), 'utf-8');
    expect(page).toContain('const REASONS = QUARANTINE_REASONS;');
    expect(page).toMatch(/import \{ QUARANTINE_REASONS \} from '\.\.\/\.\.\/\.\.\/model\/contract\.js';/);
  });
});
