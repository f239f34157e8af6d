/**
 * The problem vocabulary: phrases that name the same problem in different words map to one
 * concept ("parcel never arrived" and "package still not delivered" are both `late` + `delivery`;
 * "case split open" and "cracked housing" are both `cracked` + `housing`). Concepts weigh far more
 * than ordinary words in an issue's term vector, and two posts naming different problems are kept
 * apart even when they share words. Patterns run on `normalizeText` output (lower case,
 * contractions expanded: "has not arrived").
 *
 * Which problems a post names is decided by evidence: the weighted cues of the problem lexicon
 * (lexicon.ts) add up per problem, a pattern below sets its problem's evidence to at least
 * `PATTERN_WEIGHT`, and the problems with the most evidence (at least `MIN_EVIDENCE`) are named.
 */

import { tokens } from './cues';
import { problemCues } from './lexicon';
import { stem } from './text';

/** Evidence a listed pattern gives its problem at least (cue weights are 1-3, see lexicon.ts). */
const PATTERN_WEIGHT = 3;
/** Least evidence that names a problem. */
const MIN_EVIDENCE = 3;
/** Problems within this much of the best-scored one are named too. */
const PROBLEM_MARGIN = 0;

export type ConceptKind = 'problem' | 'object';

export interface Concept {
  id: string;
  kind: ConceptKind;
  /** Problems: a label template where `{obj}` is the object phrase. Objects: the phrase itself. */
  label: string;
  /** Problems: the object used in the label when the posts name none. */
  defaultObject?: string;
  patterns: RegExp[];
}

const w = (alternatives: string): RegExp => new RegExp(`\\b(?:${alternatives})\\b`);

// Negations are spelled out because contractions are expanded before matching.
const NOT = '(?:not|never|no|nt)';

export const CONCEPTS: Concept[] = [
  // ---- problems ----
  {
    id: 'late',
    kind: 'problem',
    label: 'late {obj}',
    defaultObject: 'delivery',
    patterns: [
      w('late|later than promised|delayed|delays?|overdue|behind schedule|still waiting|been waiting|keeps? waiting|waiting (?:for|on) (?:my|the|our)'),
      w(`${NOT} (?:yet )?(?:arrived|arrive|delivered|received|shipped|turned up|showed up|come|came|here|dispatched)`),
      w('never (?:came|showed|turned up|got (?:it|my|the))|where is (?:my|our|the) (?:order|parcel|package|delivery|shipment|stuff)'),
      w('lost in (?:transit|the post|the mail)|stuck in (?:transit|customs|a warehouse|the depot)|missed (?:the )?(?:delivery|deadline|date)'),
      w('tracking (?:has )?(?:not|never) (?:updated|moved|changed)|no tracking|missing (?:parcel|package|shipment)|weeks? (?:late|overdue)'),
      w('undelivered|un delivered|non delivery|nondelivery|eta (?:keeps|passed|slipped)|delivery date (?:passed|keeps|moved)'),
      w('never got (?:here|there|to me)|supposed to (?:come|arrive|be here|be delivered|ship)|promised (?:by|for|on) \\w+|day \\d+ and counting|(?:a|one|two|three) weeks? later|rescheduled'),
      w('keeps? (?:moving|getting pushed|being pushed|slipping)|still (?:nothing|no sign)|no sign of|(?:has|have) had (?:my|our|the) (?:parcel|package|order|shipment) for|not make it (?:in time|on time)'),
      w('nobody came|no one came|(?:still )?says processing|still processing|not (?:been )?shipped|lost (?:my|our|the) (?:parcel|package|order|shipment)|where (?:is|are) (?:my|our) (?:stuff|things|items)'),
    ],
  },
  {
    id: 'damaged',
    kind: 'problem',
    label: 'damaged {obj}',
    defaultObject: 'on arrival',
    patterns: [
      w('damaged|smashed|crushed|dented|squashed|scratched|torn|ripped|soaked|wet|leaking|leaked|bent'),
      w('arrived (?:broken|in pieces|destroyed|ruined)|broken (?:on|upon) arrival|in pieces|box (?:was )?(?:open|destroyed|crushed)'),
      w('(?:shattered|broken) (?:in|during) (?:transit|shipping|delivery)|poorly packed|bad packaging|packaging was'),
    ],
  },
  {
    id: 'cracked',
    kind: 'problem',
    label: 'cracked {obj}',
    defaultObject: 'housing',
    patterns: [w('crack|cracks|cracked|cracking|split open|splits open|splitting|split down|fractured?|fracture|hairline|shattered|snapped|chipped')],
  },
  {
    id: 'defective',
    kind: 'problem',
    label: 'defective {obj}',
    defaultObject: 'parts',
    patterns: [
      w('defective|defect|defects|faulty|fault|malfunction(?:ing|s|ed)?|dead on arrival|doa|out of spec|off spec|tolerance|rejects?|reject rate'),
      w(`(?:stopped|stops|quit|quits) (?:working|charging|responding)|${NOT} (?:working|work|works|charging|turn on|turning on|power on|powering on|start|starting|fit|fits|holding)`),
      w('(?:does|did|will|would) not (?:work|turn on|power on|start|charge|fit|hold|connect|pair|boot)|broke after|broken after|fell apart|keeps (?:failing|crashing|dying|shutting)'),
      w('failed|fails|failing|failure|failures|worn out|wore out|falls apart|poor quality|bad quality|cheap quality|quality (?:issue|problem)s?|dies after|died after|dead after|dead battery'),
    ],
  },
  {
    id: 'wrong_item',
    kind: 'problem',
    label: 'wrong {obj}',
    defaultObject: 'item sent',
    patterns: [
      w('wrong (?:item|items|size|colou?r|model|product|part|parts|order|thing|one|version|book|shoes?|variant|quantity)'),
      w('(?:not|nothing like) what i (?:ordered|bought|paid for)|sent (?:me )?(?:the )?wrong|received (?:the )?wrong|someone else(?:s)? (?:order|parcel|package)|different (?:item|product|model|colou?r|size) (?:than|from|to)'),
      w('(?:missing|was missing|were missing) (?:from|in) (?:the|my) (?:box|package|parcel|order)|only (?:got|received) (?:\\w+ )?(?:of|out of)|incomplete order|half (?:my|the|of my) order|items? missing|missing items?|mixed up'),
      w('(?:completely |totally )?different \\w+ (?:than|from|to)|instead of (?:a|an|the|my)|not the (?:one|ones|item|model|size|colou?r)|(?:do|does) not match the (?:label|description|picture|photo|listing)'),
      w('the rest (?:just )?missing|(?:is|are) missing|missing the|missing (?:a|two|three|some|parts|pieces)|half the parts|only half'),
    ],
  },
  {
    id: 'overcharged',
    kind: 'problem',
    label: '{obj} error',
    defaultObject: 'billing',
    patterns: [
      w('overcharged|over charged|overcharging|charged (?:me )?(?:twice|double|two times|three times|again|more|extra|the wrong|for something|without|after)|double (?:charged|charge|billed|billing)|billed (?:me )?(?:twice|double|again|wrong|for)'),
      w('(?:unauthori[sz]ed|unexpected|hidden|surprise|extra|duplicate|mystery|incorrect|wrong|random) (?:charge|charges|fee|fees|payment|amount|transaction|debit)'),
      w('charged (?:me )?(?:\\w+ )?(?:instead of|for a|after i cancell?ed)|price (?:was )?(?:different|wrong|higher)|wrong (?:price|amount|total|vat|tax|rate)|still (?:being )?charged|charged after cancel\\w*'),
      w('never authori[sz]ed|not authori[sz]e|without (?:my )?(?:permission|consent|authori[sz]ation)|saw a charge|a charge (?:of|for)|extra \\d+|bill went up|price (?:went up|increase\\w*)|went up \\d+|(?:does not|do not) match the (?:po|order|quote|contract)|only ordered|taking (?:my )?money'),
    ],
  },
  {
    id: 'unpaid',
    kind: 'problem',
    label: '{obj} not paid',
    defaultObject: 'invoice',
    patterns: [
      w(`${NOT} (?:been )?paid|unpaid|payment (?:is )?(?:overdue|late|outstanding|missing)|outstanding (?:invoice|invoices|balance|payment)|late payments?`),
      w('still waiting (?:for|on) (?:payment|our money|the payment)|owe(?:s)? (?:us|me)|days overdue|past due|net \\d+ (?:terms )?(?:passed|ignored)|payables'),
    ],
  },
  {
    id: 'refund',
    kind: 'problem',
    label: 'refund not received',
    patterns: [
      w('refund|refunds|refunded|refunding|reimburse\\w*|money back|my money|chargeback|return credit|credit (?:note|back)|store credit'),
    ],
  },
  {
    id: 'no_response',
    kind: 'problem',
    label: 'no response from {obj}',
    defaultObject: 'support',
    patterns: [
      w(`${NOT} (?:response|reply|replies|answer|answers|callback|call back|one (?:answers|replies|responds|gets back|picks up|helps))|nobody (?:answers|replies|responds|gets back|picks up|helps|cares)`),
      w('(?:never|not) (?:replied|responded|answered|got back|called back|heard back|get back|reply|respond|answer)|ignored|ignoring|unanswered|ghosted|left on read|radio silence|no one'),
      w('all agents are busy|awaiting (?:an )?agent|no human|without (?:replying|responding|a reply|an answer)|black hole|rings? out|rang out|hung up on|never got through|not get through|no one does|nobody does|no answer|silence'),
      w('on hold (?:for )?|hold music|(?:can not|unable to|impossible to) (?:reach|contact|get hold of|get through|talk to|speak to)|auto(?:mated)? (?:reply|response|message)|bot (?:replies|answers)|useless chat ?bot|waiting for (?:a|any) (?:reply|response|answer)'),
    ],
  },
  {
    id: 'login',
    kind: 'problem',
    label: '{obj} login problem',
    defaultObject: 'account',
    patterns: [
      w('(?:can not|could not|unable to|can ?t|cannot|not able to|fails? to|impossible to) (?:log ?in|sign ?in|login|signin|access (?:my|the) account|get into (?:my|the) account|reset (?:my|the) password)'),
      w('(?:can not|could not|unable to|not able to) (?:log ?into|get (?:back )?in|sign into)|(?:lost|no) access to (?:my|the) account|let me (?:back )?in|hacked|got locked|change (?:my )?password|password|credentials|logged out'),
      w('locked out|lock out|account (?:locked|suspended|disabled|blocked|hacked|deactivated|banned|frozen)|password reset|reset link|verification (?:code|email|text|sms)|2fa|two factor|one time code|otp|login (?:loop|error|page|fails|problem)s?|login|log in|sign in'),
    ],
  },
  {
    id: 'outage',
    kind: 'problem',
    label: '{obj} outage',
    defaultObject: 'service',
    patterns: [
      w('outage|outages|(?:site|website|app|server|servers|checkout|portal|service|system|platform) (?:is |was |went |keeps going )?(?:down|offline|broken)|(?:is|went|goes|going) down again|down for (?:hours|everyone|me)'),
      w('not loading|(?:will|would|does|did) not load|error (?:500|502|503|504)|(?:500|502|503|504) error|server error|(?:can not|unable to) (?:place (?:an |my |any )?order|check ?out|pay|access the site)|checkout (?:fails|failing|broken|not working)|timed? out'),
    ],
  },
  {
    id: 'cancel',
    kind: 'problem',
    label: 'cannot cancel {obj}',
    defaultObject: 'subscription',
    patterns: [
      w('cancel|cancell?ing|cancell?ation|unsubscribe|unsubscribing|terminate|termination|opt out|close my account|delete my (?:account|data)|end my (?:trial|subscription|contract|membership|plan)|stop (?:auto ?renew\\w*|my subscription|the subscription)|auto ?renew\\w*|notice period|retention offer'),
    ],
  },
  {
    id: 'safety',
    kind: 'problem',
    label: 'safety hazard: {obj}',
    defaultObject: 'overheating',
    patterns: [
      w('fire|fires|caught fire|flames?|smoke|smoking|smoked|burn|burns|burned|burnt|scorch\\w*|overheat\\w*|too hot|sparks?|sparked|sparking|melt\\w*|explod\\w*|explosion|shock|shocked|electrocut\\w*'),
      w('injur\\w*|hurt (?:my|me|him|her|our)|hospital|dangerous|hazard\\w*|unsafe|safety|choking|toxic|fumes|recall|recalled|swollen battery|battery swell\\w*'),
    ],
  },
  // Problems the cue lexicon (lexicon.ts) names; they have no patterns of their own.
  { id: 'price_rise', kind: 'problem', label: 'price increases', patterns: [] },
  { id: 'rude_staff', kind: 'problem', label: 'rude staff', patterns: [] },
  { id: 'flight', kind: 'problem', label: 'flight delays and cancellations', patterns: [] },
  { id: 'baggage', kind: 'problem', label: 'lost baggage', patterns: [] },
  { id: 'returns', kind: 'problem', label: 'returns and exchanges', patterns: [] },
  // ---- objects ----
  { id: 'delivery', kind: 'object', label: 'deliveries', patterns: [w('deliver\\w*|parcel|parcels|package|packages|shipment|shipments|shipping|courier|tracking|dispatch\\w*|arriv\\w*|postman|post office|freight|consignment')] },
  { id: 'housing', kind: 'object', label: 'housing', patterns: [w('housing|housings|casing|casings|case|cases|shell|enclosure|enclosures|cover|lid|frame|bezel|chassis')] },
  { id: 'invoice', kind: 'object', label: 'invoice', patterns: [w('invoice|invoices|invoiced|bill|bills|billing|statement|remittance|payment terms|accounts payable')] },
  { id: 'support', kind: 'object', label: 'support', patterns: [w('support|customer service|customer care|helpdesk|help desk|agent|agents|live chat|hotline|call centre|call center|service desk|ticket|tickets|emails?|phone line')] },
  { id: 'account', kind: 'object', label: 'account', patterns: [w('account|accounts|password|username|profile')] },
  { id: 'service', kind: 'object', label: 'service', patterns: [w('website|site|app|checkout|portal|server|servers|platform|online shop|web shop|system')] },
  { id: 'charge', kind: 'object', label: 'billing', patterns: [w('charge|charges|charged|card|credit card|bank|statement|payment|transaction|fee|fees|price')] },
  { id: 'subscription', kind: 'object', label: 'subscription', patterns: [w('subscription|subscriptions|membership|plan|trial|contract|renewal')] },
  { id: 'battery', kind: 'object', label: 'battery', patterns: [w('battery|batteries|charger|chargers|power bank|cell|cells')] },
  { id: 'part', kind: 'object', label: 'parts', patterns: [w('part|parts|component|components|bracket|brackets|valve|valves|seal|seals|gasket|bearing|bearings|connector|connectors|module|modules|pcb|board|boards|motor|pump|sensor|screen|hinge|screws?|bolts?')] },
  { id: 'item', kind: 'object', label: 'items', patterns: [w('item|items|product|products|goods|order|orders|purchase|box')] },
];

const BY_ID = new Map(CONCEPTS.map((c) => [c.id, c]));

/** The top-level alternatives of a `w(...)` pattern's source (`\b(?:a|b c|d(?:e|f))\b` -> a, b c, d(?:e|f)). */
function alternatives(source: string): string[] {
  const body = source.replace(/^\\b\(\?:/, '').replace(/\)\\b$/, '');
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of body) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === '|' && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

/**
 * Stem -> problems named by a single word of that stem. The patterns list the forms their authors
 * thought of ("scratched", "leaking"); matching stems too finds the other inflections ("a scratch",
 * "it leaks", "the delay") without listing each.
 */
const PROBLEM_STEMS: Map<string, string[]> = (() => {
  const map = new Map<string, string[]>();
  for (const c of CONCEPTS) {
    if (c.kind !== 'problem') continue;
    for (const re of c.patterns) {
      for (const alt of alternatives(re.source)) {
        const word = /^[a-z]+(?:s\?)?$/.test(alt) ? alt.replace(/s\?$/, '') : null;
        if (word === null || word.length < 4) continue;
        const key = stem(word);
        const ids = map.get(key) ?? [];
        if (!ids.includes(c.id)) ids.push(c.id);
        map.set(key, ids);
      }
    }
  }
  return map;
})();

export function conceptById(id: string): Concept | undefined {
  return BY_ID.get(id);
}

/**
 * Concept ids named in a normalized text, problems first.
 * @example conceptsIn(normalizeText('my parcel never arrived')) // ['late', 'delivery']
 */
export function conceptsIn(normalized: string): string[] {
  const ts = tokens(normalized);
  const scores = problemCues.score(ts);
  let cueTop = 0;
  for (const v of scores.values()) cueTop = Math.max(cueTop, v);
  // A listed pattern names its problem for sure, but it mostly says what the cues say: it sets a
  // floor rather than adding up. So when the cues already found more, the patterns cannot change
  // the outcome and are not run.
  const floors = cueTop - PROBLEM_MARGIN <= PATTERN_WEIGHT;
  const byStem = new Set<string>();
  if (floors) {
    for (const t of ts) {
      // "lately" is not "late": adverbs keep their own meaning.
      if (t.word.endsWith('ly')) continue;
      for (const id of PROBLEM_STEMS.get(t.stem) ?? []) byStem.add(id);
    }
  }
  const objects: string[] = [];
  for (const c of CONCEPTS) {
    if (c.kind === 'object') {
      if (c.patterns.some((p) => p.test(normalized))) objects.push(c.id);
    } else if (floors && (byStem.has(c.id) || c.patterns.some((p) => p.test(normalized)))) {
      scores.set(c.id, Math.max(scores.get(c.id) ?? 0, PATTERN_WEIGHT));
    }
  }
  // The problems with the most evidence: naming every problem a word hints at would tie posts
  // about different problems together ("late fee" is billing, "flight delayed" is not a parcel).
  let top = 0;
  for (const v of scores.values()) top = Math.max(top, v);
  const problems = top < MIN_EVIDENCE ? [] : CONCEPTS.filter((c) => c.kind === 'problem' && (scores.get(c.id) ?? 0) >= top - PROBLEM_MARGIN).map((c) => c.id);
  return [...problems, ...objects];
}

export function isProblem(id: string): boolean {
  return BY_ID.get(id)?.kind === 'problem';
}
