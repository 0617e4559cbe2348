// The abbreviations a page explains (model/glossary.ts): found as whole words in capitals only.

import { describe, expect, it } from 'vitest';
import { GLOSSARY, termsIn } from '../../model/glossary.js';

const terms = (...texts: string[]) => termsIn(texts).map((t) => t.term);

describe('termsIn', () => {
  it('finds an abbreviation as a whole word in capitals, beside punctuation', () => {
    expect(terms('Children at risk (SERAF)')).toEqual(['SERAF']);
    expect(terms('NRM referrals per 10,000')).toEqual(['NRM']);
    expect(terms('MET children rose from 395 to 400')).toEqual(['MET']);
    expect(terms('CSE', 'CCE')).toEqual(['CSE', 'CCE']);
    expect(terms('ssda903_missing.csv holds the SSDA903 return')).toEqual(['SSDA903']);
    // A plural, as the action plan writes it.
    expect(terms('Learning from SCRs and LSCB audits')).toEqual(['LSCB', 'SCR']);
  });
  it('never takes a word that only contains it, nor lower case', () => {
    expect(terms('the target was met', 'METHOD', 'Metropolitan', 'cse_support', 'SERAFS', 'XNRM', 'NRM2')).toEqual([]);
  });
  it('lists each term once, in the glossary’s order, whatever the order of the texts', () => {
    expect(terms('SPC chart', 'NRM', 'MET', 'NRM again')).toEqual(['MET', 'NRM', 'SPC']);
  });
  it('says every term in words that do not lean on another abbreviation left unexplained', () => {
    const known = new Set(GLOSSARY.map((t) => t.term));
    for (const t of GLOSSARY) {
      expect(t.words.length).toBeGreaterThan(10);
      // Any capitalised abbreviation in a definition is itself in the glossary (or is UK).
      for (const a of t.words.match(/\b[A-Z]{2,}[0-9]*\b/g) ?? []) expect(known.has(a) || a === 'UK', `${t.term}: ${a}`).toBe(true);
    }
  });
});
