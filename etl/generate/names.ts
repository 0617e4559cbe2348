/**
 * Synthetic personal details for the PII columns partners send by mistake
 * (`child_name` in referrals, `Notes` in return interviews). Small lists of common
 * names combined at random: they identify no one, but they look like the real
 * thing, which is what the loader's "drop direct identifiers" rule needs.
 */
import type { Rng } from './rng.js';

const GIRLS = [
  'Olivia',
  'Amelia',
  'Isla',
  'Ava',
  'Mia',
  'Jade',
  'Chloe',
  'Ellie',
  'Grace',
  'Lily',
  'Evie',
  'Freya',
  'Sophie',
  'Keira',
  'Leah',
  'Aaliyah',
  'Zara',
  'Maya',
  'Kayla',
  'Summer',
  'Amira',
  'Niamh',
];
const BOYS = [
  'Oliver',
  'George',
  'Harry',
  'Jack',
  'Noah',
  'Leo',
  'Charlie',
  'Alfie',
  'Jacob',
  'Tyler',
  'Kai',
  'Mason',
  'Riley',
  'Callum',
  'Ethan',
  'Liam',
  'Ibrahim',
  'Omar',
  'Tomasz',
  'Bilal',
  'Reece',
  'Kyle',
];
const SURNAMES = [
  'Smith',
  'Jones',
  'Taylor',
  'Brown',
  'Williams',
  'Wilson',
  'Johnson',
  'Davies',
  'Patel',
  'Robinson',
  'Wright',
  'Thompson',
  'Evans',
  'Walker',
  'White',
  'Roberts',
  'Green',
  'Hall',
  'Khan',
  'Ahmed',
  'Nowak',
  "O'Brien",
  'Clarke',
  'Hughes',
  'Mensah',
  'Nguyen',
  'Hoxha',
  'Begum',
];

export function firstName(r: Rng, sex: string): string {
  return r.pick(sex === 'M' ? BOYS : sex === 'F' ? GIRLS : r.chance(0.5) ? BOYS : GIRLS);
}

export function fullName(r: Rng, first: string): string {
  return `${first} ${r.pick(SURNAMES)}`;
}

const PLACES = [
  "a friend's house",
  'the park',
  'town',
  'the bus station',
  'a flat in town',
  "an older friend's car",
  'the beach',
  "McDonald's",
  'a party',
  "her boyfriend's",
  "his cousin's",
  'the train station',
];
const FEELINGS = [
  'felt safe',
  "didn't want to go home",
  'was bored at placement',
  'argued with carer',
  'was given a phone and money',
  'met people online',
  'was asked to "hold" a bag',
  'did not want to talk about it',
  "said the staff don't listen",
];

/**
 * A worker's free-text note, with commas, quotes and now and then a line break —
 * the kind of cell that tests a CSV parser.
 */
export function interviewNote(r: Rng, first: string, where: string): string {
  const opening = r.pick([`Spoke with ${first}`, `Met ${first} at school`, `${first} seen at home`, `Phoned ${first}`, `Visited ${first} at placement`]);
  const place = r.chance(0.5) ? `with friends in ${where}` : `at ${r.pick(PLACES)}`;
  const feeling = r.pick(FEELINGS);
  const sep = r.chance(0.08) ? '\n' : ' ';
  return `${opening}. Said they had been ${place}, ${feeling}.${sep}Safety plan discussed.`;
}
