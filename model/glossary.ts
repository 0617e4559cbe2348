// The abbreviations a reader meets on the pages, each said in plain words once, here.
// A page lists those its own text uses (lib/pages.ts `termsUsed`), so that a board member
// who does not know what SERAF or NRM means reads it beside the figures, not in a manual.
// Pure: no I/O.

export interface Term {
  /** The abbreviation as the pages write it: SERAF, NRM. */
  term: string;
  /** What it means, in plain words. */
  words: string;
}

export const GLOSSARY: readonly Term[] = [
  {
    term: 'MET',
    words: 'Missing, exploited or trafficked: children and young people up to the age of 24 who go missing, are at risk of exploitation, or are trafficked.',
  },
  { term: 'CSE', words: 'Child sexual exploitation.' },
  { term: 'CCE', words: 'Child criminal exploitation, including county lines (children made to carry drugs or money).' },
  {
    term: 'SERAF',
    words: 'The exploitation risk assessment the four areas share: a professional grades a child’s risk as none, low, medium or high.',
  },
  {
    term: 'NRM',
    words:
      'National Referral Mechanism: the UK’s way of identifying and supporting victims of trafficking and modern slavery. A referral gets a “reasonable grounds” decision first.',
  },
  { term: 'CPI', words: 'Community Partnership Information: intelligence about exploitation that partners and the public pass to the police.' },
  { term: 'MASH', words: 'Multi-Agency Safeguarding Hub: where concerns about a child are received and first assessed.' },
  {
    term: 'SPC',
    words:
      'Statistical process control: a figure’s trend drawn with limits of its normal variation, so that a real change (a signal) is told apart from chance.',
  },
  { term: 'RAG', words: 'Red, amber, green: the status of an action in the action plan (red off track, amber at risk, green on track).' },
  { term: 'ONS', words: 'Office for National Statistics: its yearly estimates give the number of children in each area and locality.' },
  {
    term: 'LSCB',
    words: 'Local Safeguarding Children Board: the board that led the partnership’s work to keep children safe, before safeguarding partnerships replaced it.',
  },
  { term: 'LADO', words: 'Local Authority Designated Officer: handles concerns about adults who work with children.' },
  { term: 'LAC', words: 'Looked-after children: children in the care of the local authority.' },
  { term: 'CAMHS', words: 'Child and Adolescent Mental Health Services.' },
  { term: 'YOS', words: 'Youth Offending Service: the council’s youth justice team.' },
  { term: 'PSHE', words: 'Personal, social, health and economic education: a school subject.' },
  { term: 'CCG', words: 'Clinical Commissioning Group: the health body that bought local health services until 2022.' },
  { term: 'BME', words: 'Black and minority ethnic.' },
  {
    term: 'SCR',
    words: 'Serious case review: a review held when a child has died or been seriously harmed and abuse or neglect is known or suspected.',
  },
  {
    term: 'SSDA903',
    words: 'The Department for Education’s return about children looked after, which lists their episodes missing or away from placement.',
  },
];

/** Whether a text uses a term: the abbreviation as a whole word, in capitals, or its plural (SCRs); never "met" in "met the target". */
function uses(text: string, term: string): boolean {
  return new RegExp(`(^|[^A-Za-z0-9])${term}s?([^A-Za-z0-9]|$)`).test(text);
}

/** The terms of the glossary that any of the texts uses, in the glossary's order. */
export function termsIn(texts: Iterable<string>): Term[] {
  const all = [...texts];
  return GLOSSARY.filter((t) => all.some((x) => uses(x, t.term)));
}
