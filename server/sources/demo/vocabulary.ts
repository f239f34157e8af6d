/**
 * What the demo's people write about: a consumer-electronics maker, its suppliers and its product.
 * Templates have {slots}; fills vary wording so the same problem is said many ways.
 */
export interface DemoSubject {
  key: string;
  name: string;
  kind: 'company' | 'supplier' | 'product';
  query: string;
  handles: string[];
  aliases: string[];
  attributes: Record<string, string>;
  /** How the subject is named in posts. */
  mentions: string[];
}

export const DEMO_SUBJECTS: DemoSubject[] = [
  {
    key: 'northwind',
    name: 'Northwind Devices',
    kind: 'company',
    query: '"Northwind Devices" OR @northwind OR #northwind OR (northwind -"northwind aero")',
    handles: ['northwind'],
    aliases: ['Northwind'],
    attributes: { segment: 'consumer electronics', region: 'Global' },
    mentions: ['@northwind', 'Northwind', 'Northwind Devices', '#Northwind'],
  },
  {
    key: 'kestrel',
    name: 'Kestrel Plastics',
    kind: 'supplier',
    query: '"Kestrel Plastics" OR @kestrelplastics OR (kestrel AND (housing OR casing OR case OR shell))',
    handles: ['kestrelplastics'],
    aliases: ['Kestrel'],
    attributes: { tier: '1', category: 'housings', region: 'EMEA', plant: 'Gdańsk' },
    mentions: ['Kestrel Plastics', '@kestrelplastics', 'the Kestrel housing', 'Kestrel casing'],
  },
  {
    key: 'volta',
    name: 'Volta Cells',
    kind: 'supplier',
    query: '"Volta Cells" OR @voltacells OR (volta AND (battery OR batteries OR cell OR cells))',
    handles: ['voltacells'],
    aliases: ['Volta'],
    attributes: { tier: '1', category: 'batteries', region: 'APAC', plant: 'Penang' },
    mentions: ['Volta Cells', '@voltacells', 'the Volta battery', 'Volta cells'],
  },
  {
    key: 'swifthaul',
    name: 'SwiftHaul Logistics',
    kind: 'supplier',
    query: 'swifthaul OR "swift haul" OR @swifthaul',
    handles: ['swifthaul'],
    aliases: ['SwiftHaul'],
    attributes: { tier: '2', category: 'logistics', region: 'Americas' },
    mentions: ['SwiftHaul', '@swifthaul', 'Swift Haul', 'SwiftHaul Logistics'],
  },
  {
    key: 'ledgerly',
    name: 'Ledgerly',
    kind: 'supplier',
    query: 'ledgerly OR @ledgerly',
    handles: ['ledgerly'],
    aliases: [],
    attributes: { tier: '2', category: 'billing', region: 'EMEA' },
    mentions: ['Ledgerly', '@ledgerly', 'Ledgerly billing'],
  },
  {
    key: 'aero',
    name: 'Northwind Aero X',
    kind: 'product',
    query: '"Aero X" OR "Northwind Aero" OR #AeroX',
    handles: [],
    aliases: ['Aero X'],
    attributes: { family: 'handhelds' },
    mentions: ['Aero X', 'the Northwind Aero X', '#AeroX', 'my Aero X'],
  },
];

type Polarity = 'positive' | 'neutral' | 'negative';

export interface Template {
  text: string;
  polarity: Polarity;
  /** Recurring topic, for grouping ground truth (null: not a complaint topic). */
  topic: string | null;
}

/** Background talk per subject (any subject for the `*` list). */
export const BACKGROUND: Record<string, Template[]> = {
  '*': [
    { text: 'just got my {s} delivered, looks great {pos_emoji}', polarity: 'positive', topic: null },
    { text: 'anyone else using {s}? thinking about it', polarity: 'neutral', topic: null },
    { text: '{s} support sorted my problem in 10 minutes, impressed', polarity: 'positive', topic: null },
    { text: 'reading about {s} on the news today', polarity: 'neutral', topic: null },
    { text: 'does {s} ship to Canada?', polarity: 'neutral', topic: null },
    { text: 'honestly {s} has been solid for me', polarity: 'positive', topic: null },
    { text: 'meh, {s} is fine i guess', polarity: 'neutral', topic: null },
    { text: 'still waiting for a reply from {s} support, 3 days now {neg_emoji}', polarity: 'negative', topic: 'support-slow' },
    { text: 'was on hold with {s} for 2 hours, no answer', polarity: 'negative', topic: 'support-slow' },
  ],
  northwind: [
    { text: 'my order #{order} from {s} says shipped but nothing moved in a week', polarity: 'negative', topic: 'order-status' },
    { text: 'where is my order #{order} @northwind?', polarity: 'neutral', topic: 'order-status' },
    { text: 'love how {s} handled my return, thank you!', polarity: 'positive', topic: null },
  ],
  kestrel: [
    { text: 'the {s} on my unit has a small scratch out of the box', polarity: 'negative', topic: 'kestrel:scratches' },
    { text: 'nice finish on the {s}, feels sturdy', polarity: 'positive', topic: null },
  ],
  volta: [
    { text: '{s} lasts two days on a charge, great', polarity: 'positive', topic: null },
    { text: 'the {s} drains fast when it is cold', polarity: 'negative', topic: 'volta:drain' },
  ],
  swifthaul: [
    { text: '{s} delivered a day early, nice', polarity: 'positive', topic: null },
    { text: 'parcel with {s} is a day late, no big deal', polarity: 'negative', topic: 'swifthaul:late' },
  ],
  ledgerly: [
    { text: 'paid my invoice through {s}, painless', polarity: 'positive', topic: null },
    { text: 'is {s} down? cannot open my invoice', polarity: 'negative', topic: 'ledgerly:portal' },
  ],
  aero: [
    { text: 'the {s} screen is gorgeous', polarity: 'positive', topic: null },
    { text: 'how do I reset {s}?', polarity: 'neutral', topic: null },
    { text: '{s} keeps freezing after the update {neg_emoji}', polarity: 'negative', topic: 'aero:freezing' },
  ],
};

export type IncidentKind = 'defect_wave' | 'delivery_outage' | 'billing_dispute' | 'viral_praise';

export interface IncidentVocabulary {
  kind: IncidentKind;
  subjectKey: string;
  label: string;
  issueKey: string;
  references: string[];
  polarity: Polarity;
  texts: string[];
}

export const INCIDENTS: Record<IncidentKind, IncidentVocabulary> = {
  defect_wave: {
    kind: 'defect_wave',
    subjectKey: 'kestrel',
    label: 'cracked housings, batch 42',
    issueKey: 'kestrel:cracked-housing',
    references: ['batch 42'],
    polarity: 'negative',
    texts: [
      'the {s} on my Aero X cracked after two days. batch 42 {neg_emoji}',
      '{s} cracked along the seam, unit from batch 42. anyone else?',
      'cracked housing again!! {s} batch 42 is junk',
      'case split open near the charging port, {s} lot 42',
      'hairline crack in the {s} after one week, batch 42, not happy',
      'my {s} is cracked, third one from batch 42. what is going on',
      'CRACKED {s} out of the box. batch 42. refund please',
    ],
  },
  delivery_outage: {
    kind: 'delivery_outage',
    subjectKey: 'swifthaul',
    label: 'parcels stuck, tracking not updating',
    issueKey: 'swifthaul:stuck-parcels',
    references: [],
    polarity: 'negative',
    texts: [
      'my parcel has been stuck at the {s} depot for 4 days, tracking not updating',
      '{s} tracking says in transit since monday. order #{order} never arrived',
      'package still not delivered, {s} will not answer the phone',
      'where is my package {s}?? order #{order}, no update for days',
      '{s} lost my parcel again. order #{order}',
      'delivery delayed again by {s}, nobody knows where it is',
    ],
  },
  billing_dispute: {
    kind: 'billing_dispute',
    subjectKey: 'ledgerly',
    label: 'invoices charged twice',
    issueKey: 'ledgerly:double-charged',
    references: [],
    polarity: 'negative',
    texts: [
      'charged twice for invoice INV-2026-{inv} by {s}. fix this',
      '{s} double charged my card for INV-2026-{inv}, still no refund',
      'double billed again by {s}, invoice INV-2026-{inv}. unacceptable',
      'my invoice INV-2026-{inv} was paid twice through {s}. who do I call?',
    ],
  },
  viral_praise: {
    kind: 'viral_praise',
    subjectKey: 'aero',
    label: 'Aero X review praised',
    issueKey: 'aero:review-praise',
    references: [],
    polarity: 'positive',
    texts: [
      'that review of the {s} is spot on, best handheld I have owned {pos_emoji}',
      'the {s} is amazing, battery lasts forever {pos_emoji}',
      'everyone needs to see this {s} review, love it',
      'bought the {s} after the review, no regrets at all {pos_emoji}',
    ],
  },
};

/** Copy-paste campaign text for the billing dispute: identical from many accounts. */
export const CAMPAIGN_TEXT = '@ledgerly refund every double charge now. #LedgerlyRefund';

export const FOREIGN: Array<{ lang: string; text: string }> = [
  { lang: 'es', text: '¿Dónde está mi pedido de {s}? Todavía no llega' },
  { lang: 'de', text: 'Meine Bestellung bei {s} ist immer noch nicht da' },
  { lang: 'ja', text: '{s}の注文がまだ届きません' },
  { lang: 'fr', text: 'Ma commande {s} est toujours pas arrivée' },
];

export const POS_EMOJI = ['😍', '🙌', '👍', '🔥', ':)', ''];
export const NEG_EMOJI = ['😡', '🙄', '👎', '🤬', ':(', ''];
