import { describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../helpers.js';
import { rawRefsOf, refsInFile } from './rawRefs.js';

describe("the benchmark's scan for raw references", () => {
  it('collects the references of every CSV file, subfolders included, and finds them inside other bytes', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'ssda903'));
    writeFileSync(join(dir, 'missing_episodes.csv'), 'Episode ID,CHILD_REF\nME00000001,HC9870030\nME00000002,SC0000001\n');
    writeFileSync(join(dir, 'ssda903', 'header.csv'), 'CHILD,DOB\nIW1234567,2010-01-01\n');
    writeFileSync(join(dir, 'notes.txt'), 'OF7654321\n');
    // ME00000001 has eight digits: an episode id, not a reference.
    expect([...rawRefsOf(dir)].sort()).toEqual(['HC9870030', 'IW1234567', 'SC0000001']);
    const file = join(dir, 'warehouse.bin');
    writeFileSync(file, Buffer.concat([Buffer.from([0, 9, 1]), Buffer.from('xxSC0000001\u0000IW1234567HC987003', 'latin1')]));
    expect(refsInFile(file, rawRefsOf(dir)).sort()).toEqual(['IW1234567', 'SC0000001']);
  });
});
