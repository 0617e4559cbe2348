/**
 * actions.csv: the MET action plan (Southampton LSCB, "Missing, Exploited &
 * Trafficked Children in Southampton", 2016) with its RAG ratings over a few
 * review dates. Titles are shortened from the plan; owners and due dates are as
 * the plan states them. The file does not scale: a plan has the actions it has.
 */
import { dayOf, formatDate, MINUTES_PER_DAY } from './calendar.js';
import type { Rng } from './rng.js';
import type { ACTIONS } from './layouts.js';
import type { Sink } from './sink.js';

type Rag = 'Red' | 'Amber' | 'Green';

interface PlanAction {
  readonly id: string;
  readonly title: string;
  readonly owner: string;
  readonly due: string;
  /** The rating the plan gave it. */
  readonly rag: Rag;
  readonly note: string;
}

export const PLAN: readonly PlanAction[] = [
  {
    id: '1.1',
    title: 'MET data set so all strategic partners can monitor prevalence and response in their area',
    owner: 'Police and LSCB Data Analyst',
    due: 'April 2016',
    rag: 'Amber',
    note: 'Data is collected and reported to the MET Strategic Group in Southampton – further development needed for consistent use across the 4LSCB area.',
  },
  {
    id: '1.2',
    title: 'Evaluate the progress and effectiveness of the local MET strategy and action plan',
    owner: 'MET Group / LSCB',
    due: '6 monthly',
    rag: 'Amber',
    note: 'MET Strategic Group monitoring progress; multi-agency audits taking place.',
  },
  {
    id: '1.3',
    title: 'Drugs, gangs and groups risks form part of the MET group work',
    owner: 'MET Group',
    due: 'September 2016',
    rag: 'Amber',
    note: 'Peer review to produce an action plan for the MET Strategic Group.',
  },
  {
    id: '1.4',
    title: 'All professionals work to the same definition of MET',
    owner: 'MET Group',
    due: 'December 2015',
    rag: 'Green',
    note: 'Definition applied to communications, training, policy and procedures.',
  },
  {
    id: '1.5',
    title: 'Robust whistle-blowing and escalation policies in all agencies',
    owner: 'MET Group',
    due: 'June 2016',
    rag: 'Green',
    note: 'Section 11 template includes an assessment of this; referral to LADO where appropriate.',
  },
  {
    id: '1.6',
    title: 'Raise workforce awareness of the warning signs of MET',
    owner: 'L&D Group',
    due: 'June 2016',
    rag: 'Amber',
    note: 'Gaps remain in community nursing, probation and housing.',
  },
  {
    id: '1.7',
    title: "Strategy and plan informed by professionals' feedback",
    owner: 'L&D Group / MET Group',
    due: 'June 2016',
    rag: 'Amber',
    note: 'Staff survey to be repeated.',
  },
  {
    id: '2.1',
    title: 'Robust, well used risk assessment tool (SERAF) for MET / CSE',
    owner: 'Hampshire Police / MASH / CSE Hub',
    due: 'March 2016',
    rag: 'Amber',
    note: 'SERAF to record a numerical score and rest on risk factors from the last 6 months.',
  },
  {
    id: '2.2',
    title: 'Pilot an integrated, co-located multi-agency MET team',
    owner: 'SCC Children and Families Service / Hampshire Police',
    due: 'October 2015',
    rag: 'Green',
    note: 'CSE Hub continues (social care, police, health and Barnardo’s, co-located); £90,000 for posts after September 2016 still to be identified.',
  },
  {
    id: '2.3',
    title: 'Share information and intelligence on victims, offenders and locations',
    owner: 'MET Operational Group',
    due: 'September 2016',
    rag: 'Amber',
    note: 'Need to promote the Community Partnership Information form and feed back to those completing it.',
  },
  {
    id: '2.4',
    title: 'Transition to adult services at 18 for young people at risk of MET',
    owner: 'SCC Children and Families / SCC Adults Services / Looked After Children Services',
    due: 'September 2016',
    rag: 'Amber',
    note: 'Meeting for MASH manager and Adults / LAC services to be arranged.',
  },
  {
    id: '3.1',
    title: 'Public, professionals, children and families well informed about MET',
    owner: 'MET Strategic Group and Community Engagement Group / Education / SCC',
    due: 'By April 2016',
    rag: 'Amber',
    note: 'Police-led communications campaign; CSE Awareness Day promoted locally.',
  },
  {
    id: '3.2',
    title: 'Embed MET learning in the school curriculum (PSHE and sex education)',
    owner: 'Hampshire Constabulary / SCC Governors Forum and School Improvement Team',
    due: 'September 2016',
    rag: 'Amber',
    note: 'Training for school governors delivered; STAR project leading PSHE providers.',
  },
  {
    id: '3.3',
    title: 'Community engagement strategy including faith groups, diverse communities and local business',
    owner: "Barnardo's and Southampton City Council",
    due: 'January 2017',
    rag: 'Amber',
    note: 'BME advocate in post; further work needed.',
  },
  {
    id: '3.4',
    title: 'Targeted work with vulnerable and under-represented groups, including boys and young men',
    owner: "Barnardo's and Southampton City Council",
    due: 'January 2017',
    rag: 'Amber',
    note: 'Pockets of good practice; a coordinated approach to be established.',
  },
  {
    id: '3.5',
    title: 'Learning from SCRs and research shared through training',
    owner: 'L&D Group / LSB team',
    due: '6 monthly update from March 2016',
    rag: 'Amber',
    note: 'Local events take place; evaluation to include attendance.',
  },
  {
    id: '3.6',
    title: 'Section 11 compliance of transport services for children',
    owner: 'Integrated Commissioning Unit / CCG / School & Adults Transport / SCC & Police Licensing',
    due: 'January 2016',
    rag: 'Amber',
    note: 'Joint operating procedure on transporting children to be discussed.',
  },
  {
    id: '3.7',
    title: 'Licensing staff and the licensing sector educated in MET triggers',
    owner: 'SCC & Police Licensing',
    due: 'TBC',
    rag: 'Amber',
    note: "Training planned; 'Making Safe' campaign with the licensed trade.",
  },
  {
    id: '3.8',
    title: 'Voice of children and parents/carers informs service design',
    owner: 'MET Group / CEA Group',
    due: 'March 2016',
    rag: 'Amber',
    note: 'Engagement strategy drafted; need to reach 6th form age.',
  },
  {
    id: '3.9',
    title: 'Statutory duties on missing episodes and return interviews are met',
    owner: 'Principal Officer for MASH / Early Help',
    due: 'March 2016',
    rag: 'Amber',
    note: 'Audit of children placed out of area; return interview completion reported to the MET group.',
  },
  {
    id: '4.1',
    title: 'Early help services aware of MET and support children at risk',
    owner: 'MASH / LSCB',
    due: 'March 2016',
    rag: 'Amber',
    note: 'Early Help audit informed refreshed arrangements; links to YOS actions.',
  },
  {
    id: '4.2',
    title: 'Accessible therapeutic services for child and adult victims of CSE',
    owner: 'Integrated Commissioning Unit / Principal Officer MASH and Early Help',
    due: 'March 2016',
    rag: 'Amber',
    note: 'CAMHS represented on the MET Strategic Group.',
  },
  {
    id: '4.3',
    title: 'Use missing, school and YOS data to target repeat occurrences',
    owner: 'MET Operational Group / SCC Children and Families Services / YOS',
    due: 'TBC',
    rag: 'Amber',
    note: 'Meeting to establish data needs across partnerships and areas.',
  },
  {
    id: '5.1',
    title: 'Quarterly MET problem profile shared with partners',
    owner: 'MET Operational Group / Hampshire Police Analysts',
    due: 'Quarterly',
    rag: 'Amber',
    note: 'Data needs across the partnership being agreed.',
  },
  {
    id: '5.2',
    title: 'Victim information and intelligence shared and tasked effectively',
    owner: 'MET Operational Group',
    due: '',
    rag: 'Amber',
    note: 'Links to action 2.3.',
  },
  {
    id: '5.3',
    title: 'Perpetrator profiling and intervention to break the cycle of offending',
    owner: 'Hampshire Police / Principal Officer MASH / Early Help',
    due: 'May 2016',
    rag: 'Amber',
    note: 'Police developing "Perpetrator Notices"; toolkit to follow.',
  },
  {
    id: '5.4',
    title: 'Use ancillary and civil orders to maximum effect',
    owner: 'Hampshire Police',
    due: 'By May 2016',
    rag: 'Amber',
    note: 'Powers available from partners (licensing, housing, courts) identified.',
  },
];

/** Board review dates at which owners updated their ratings. */
export const ACTION_SNAPSHOTS: readonly number[] = [dayOf(2025, 4, 30), dayOf(2025, 10, 31), dayOf(2026, 3, 31), dayOf(2026, 9, 30)];

/** Progress sentences owners add at a review; they use the typography of Word. */
const UPDATES: Readonly<Record<Rag, readonly string[]>> = {
  Green: ['Complete – embedded in business as usual.', 'On track; evidence presented to the board.', 'Delivered – £12,500 secured from partners for 2026/27.'],
  Amber: [
    'Progress slower than planned – revised date agreed.',
    'Partly delivered; consistency across the 4 areas still to do.',
    'Draft in place, awaiting sign-off.\nTo be reported to the next MET Strategic Group.',
  ],
  Red: [
    'Not started – lead officer vacancy.',
    'Off track: funding of £45,000 not yet identified.',
    'Escalated to the LSCB chair, "no capacity" reported by partners.',
  ],
};

function nextRag(r: Rng, rag: Rag): Rag {
  const x = r.next();
  if (rag === 'Green') return x < 0.95 ? 'Green' : 'Amber';
  if (rag === 'Amber') return x < 0.25 ? 'Green' : x < 0.33 ? 'Red' : 'Amber';
  return x < 0.55 ? 'Amber' : 'Red';
}

type Columns = (typeof ACTIONS.columns)[number];

export function writeActions(sink: Sink<Columns>, r: Rng): void {
  const c = sink.col;
  for (const a of PLAN) {
    let rag = a.rag;
    // A few actions were added to the tracker after its first review.
    const from = r.chance(0.2) ? 1 : 0;
    for (let k = from; k < ACTION_SNAPSHOTS.length; k++) {
      const day = ACTION_SNAPSHOTS[k] as number;
      if (k > from) rag = nextRag(r, rag);
      const f = sink.blank();
      f[c.action_id] = a.id;
      f[c.priority] = a.id.split('.')[0] ?? '';
      f[c.title] = a.title;
      f[c.owner] = a.owner;
      f[c.due] = a.due;
      f[c.rag] = rag;
      f[c.updated_at] = formatDate(day, 'uk');
      f[c.progress] = k === from ? a.note : `${a.note} ${r.pick(UPDATES[rag])}`;
      sink.write(f, day * MINUTES_PER_DAY);
    }
  }
}
