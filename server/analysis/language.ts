/**
 * A small language guesser for routing: English is scored, other languages are labelled
 * `unscored` rather than misread as English. Script first (Japanese, Korean, Chinese, Arabic,
 * Hebrew, Cyrillic, Greek, Thai, Devanagari), then stopwords and telltale letters for the common
 * Latin-script languages (es, fr, de, pt, it, nl). Short or unclear text defaults to English.
 *
 * One pass over the characters; words are hashed as they are read, so no strings are made.
 */
const STOPWORDS: Record<string, string[]> = {
  en: ['the', 'and', 'is', 'to', 'my', 'it', 'of', 'for', 'you', 'this', 'was', 'not', 'with', 'have', 'are', 'be', 'on', 'that', 'again', 'still', 'just', 'your', 'me', 'i', 'we', 'they', 'what', 'when', 'where', 'why', 'how', 'but', 'at', 'from', 'had', 'has', 'been', 'will', 'would', 'can', 'get', 'got', 'so', 'if', 'out', 'about', 'now', 'all', 'one', 'our', 'an', 'a', 'there', 'their', 'he', 'she', 'his', 'her', 'do', "don't", 'did', 'no', 'new', 'day', 'today', 'love', 'like', 'order', 'here', 'who', 'after', 'days'],
  es: ['el', 'la', 'los', 'las', 'que', 'de', 'y', 'en', 'un', 'una', 'es', 'por', 'pero', 'muy', 'mi', 'con', 'para', 'lo', 'del', 'todavía', 'pedido', 'está', 'estoy', 'nada', 'hace', 'días', 'dónde', 'qué', 'también', 'porque', 'cuando', 'llega', 'sin', 'ya', 'al', 'como', 'más', 'esto', 'este', 'esta', 'hoy', 'gracias', 'nunca', 'servicio'],
  fr: ['le', 'la', 'les', 'et', 'est', 'un', 'une', 'des', 'pas', 'pour', 'que', 'qui', 'mon', 'ma', 'avec', 'dans', 'du', 'ce', 'je', 'toujours', 'commande', 'sur', 'mais', 'très', 'vous', 'nous', 'il', 'elle', 'au', 'aux', 'ne', 'rien', 'depuis', 'jours', 'où', 'arrivée', 'merci', 'jamais', "c'est", "j'ai", 'encore', 'été'],
  de: ['der', 'die', 'das', 'und', 'ist', 'nicht', 'ein', 'eine', 'mit', 'ich', 'mein', 'meine', 'zu', 'noch', 'auf', 'für', 'es', 'den', 'wieder', 'bestellung', 'immer', 'von', 'sich', 'auch', 'dem', 'wie', 'aber', 'nach', 'seit', 'tagen', 'wo', 'kein', 'keine', 'sehr', 'danke', 'schon', 'heute', 'bei', 'wird', 'sind', 'war'],
  pt: ['o', 'os', 'que', 'de', 'e', 'um', 'uma', 'não', 'meu', 'minha', 'para', 'com', 'muito', 'ainda', 'pedido', 'está', 'do', 'da', 'dos', 'das', 'em', 'no', 'na', 'mais', 'foi', 'por', 'chegou', 'nada', 'já', 'até', 'obrigado', 'nunca', 'você', 'isso', 'dias', 'são', 'também'],
  it: ['il', 'lo', 'che', 'di', 'e', 'un', 'una', 'non', 'mio', 'mia', 'per', 'con', 'molto', 'ancora', 'sono', 'è', 'gli', 'della', 'del', 'dei', 'nel', 'alla', 'ho', 'ma', 'anche', 'come', 'più', 'arrivato', 'ordine', 'giorni', 'grazie', 'mai', 'questo', 'sempre', 'perché'],
  nl: ['de', 'het', 'een', 'en', 'is', 'niet', 'van', 'mijn', 'met', 'voor', 'nog', 'dat', 'ik', 'weer', 'bestelling', 'op', 'te', 'zijn', 'er', 'maar', 'ook', 'al', 'wel', 'geen', 'dagen', 'waar', 'bedankt', 'nooit', 'heb', 'wordt', 'deze', 'naar', 'altijd'],
};

const LANGS = Object.keys(STOPWORDS);
const LATIN = LANGS.indexOf('en');

// Hashes are kept to 30 bits so Map keys stay small integers (no boxed numbers per lookup).
function hashWord(w: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < w.length; i++) h = Math.imul(h ^ w.charCodeAt(i), 0x01000193);
  return h & 0x3fffffff;
}

/**
 * Word hash -> bit set of the languages it is a stopword of, in an open-addressed table (a Map
 * look-up per word was a fifth of the pass). Empty slots hold -1; hashes are >= 0.
 */
const SLOTS = 1024;
const KEYS = new Int32Array(SLOTS).fill(-1);
const BITS = new Uint8Array(SLOTS);
const slotOf = (h: number) => (h ^ (h >>> 10)) & (SLOTS - 1);
for (const [lang, words] of Object.entries(STOPWORDS)) {
  const bit = 1 << LANGS.indexOf(lang);
  for (const w of words) {
    const h = hashWord(w);
    let s = slotOf(h);
    while (KEYS[s] !== -1 && KEYS[s] !== h) s = (s + 1) & (SLOTS - 1);
    KEYS[s] = h;
    BITS[s]! |= bit;
  }
}

const enum Script {
  Latin,
  Kana,
  Hangul,
  Han,
  Arabic,
  Hebrew,
  Cyrillic,
  Greek,
  Thai,
  Devanagari,
  Other,
}
const SCRIPT_LANG = ['', 'ja', 'ko', 'zh', 'ar', 'he', 'ru', 'el', 'th', 'hi'];

/** Letters that give a Latin-script language away: ñ ¿ ¡ (es), ã õ (pt), ß (de), ij œ (nl, fr). */
function telltale(c: number, counts: Int32Array): void {
  const es = LANGS.indexOf('es');
  if (c === 0xf1 || c === 0xbf || c === 0xa1) counts[es]! += 1;
  else if (c === 0xe3 || c === 0xf5) counts[LANGS.indexOf('pt')]! += 1;
  else if (c === 0xdf) counts[LANGS.indexOf('de')]! += 1;
  else if (c === 0x153) counts[LANGS.indexOf('fr')]! += 1;
}

function scriptOf(c: number): Script {
  if (c < 0x250) return Script.Latin;
  if (c >= 0x3040 && c <= 0x30ff) return Script.Kana;
  if ((c >= 0xac00 && c <= 0xd7af) || (c >= 0x1100 && c <= 0x11ff)) return Script.Hangul;
  if (c >= 0x4e00 && c <= 0x9fff) return Script.Han;
  if ((c >= 0x600 && c <= 0x6ff) || (c >= 0x750 && c <= 0x77f) || (c >= 0xfb50 && c <= 0xfeff)) return Script.Arabic;
  if (c >= 0x590 && c <= 0x5ff) return Script.Hebrew;
  if (c >= 0x400 && c <= 0x4ff) return Script.Cyrillic;
  if (c >= 0x370 && c <= 0x3ff) return Script.Greek;
  if (c >= 0xe00 && c <= 0xe7f) return Script.Thai;
  if (c >= 0x900 && c <= 0x97f) return Script.Devanagari;
  return Script.Other;
}

const SCRIPTS = new Int32Array(11);
const COUNTS = new Int32Array(LANGS.length);

/** ASCII code -> its lower-case letter, 0 for what is not a letter. */
const ASCII_LOWER = new Uint8Array(128);
for (let c = 65; c <= 90; c++) ASCII_LOWER[c] = c + 32;
for (let c = 97; c <= 122; c++) ASCII_LOWER[c] = c;

/**
 * Called directly rather than looked up on the text: posts arrive as several kinds of V8 string
 * (flat, sliced, concatenated, internalized, one or two bytes a character), and past four kinds the
 * look-up of `text.charCodeAt` goes megamorphic and costs several times the rest of the pass.
 */
const charCodeAt = String.prototype.charCodeAt;

function countStopword(hash: number, counts: Int32Array): void {
  const h = hash & 0x3fffffff;
  for (let s = slotOf(h); KEYS[s] !== -1; s = (s + 1) & (SLOTS - 1)) {
    if (KEYS[s] !== h) continue;
    const bits = BITS[s]!;
    for (let l = 0; l < LANGS.length; l++) if (bits & (1 << l)) counts[l]!++;
    return;
  }
}

/** @example detectLanguage('¿Dónde está mi pedido? Todavía no llega') // 'es' */
export function detectLanguage(text: string): string {
  const scripts = SCRIPTS.fill(0);
  const counts = COUNTS.fill(0);
  let letters = 0;
  let ukrainian = 0;
  let h = 0x811c9dc5;
  let inWord = false;
  let wordIsLatin = true;
  const len = text.length;
  for (let i = 0; i <= len; i++) {
    const c: number = i < len ? charCodeAt.call(text, i) : 32;
    // ASCII, most of most posts, on a short path (Latin letters are not counted by script: only
    // the other scripts' shares decide).
    if (c < 128) {
      const l = ASCII_LOWER[c]!;
      if (l !== 0) {
        letters++;
        if (!inWord) {
          inWord = true;
          wordIsLatin = true;
          h = 0x811c9dc5;
        }
        h = Math.imul(h ^ l, 0x01000193);
      } else if (c === 39 && inWord) {
        // an apostrophe inside a word ("don't", "c'est") belongs to it
        h = Math.imul(h ^ c, 0x01000193);
      } else if (inWord) {
        inWord = false;
        if (wordIsLatin) countStopword(h, counts);
      }
      continue;
    }
    let letter = false;
    let lower = c;
    if (c === 0x2019 && inWord) {
      h = Math.imul(h ^ 39, 0x01000193);
      continue;
    } else if (c >= 0xd800 && c <= 0xdfff) {
      // Astral characters (emoji) are not letters of any script counted here.
    } else {
      const s = scriptOf(c);
      if (s === Script.Latin) {
        if ((c >= 0xc0 && c <= 0xff && c !== 0xd7 && c !== 0xf7) || c >= 0x100) {
          letter = true;
          scripts[Script.Latin]!++;
          if (c >= 0xc0 && c <= 0xde) lower = c + 32;
        }
        telltale(c, counts);
      } else if (s !== Script.Other) {
        letter = true;
        scripts[s]!++;
        wordIsLatin = false;
        if (s === Script.Cyrillic && (c === 0x456 || c === 0x457 || c === 0x454 || c === 0x491)) ukrainian++;
      }
    }
    if (letter) {
      letters++;
      if (!inWord) {
        inWord = true;
        wordIsLatin = true;
        h = 0x811c9dc5;
      }
      h = Math.imul(h ^ lower, 0x01000193);
    } else if (inWord) {
      inWord = false;
      if (wordIsLatin) countStopword(h, counts);
    }
  }
  if (letters === 0) return 'en';
  // Japanese writes with kanji and kana: any kana among CJK text makes it Japanese.
  const cjk = scripts[Script.Kana]! + scripts[Script.Han]!;
  if (scripts[Script.Kana]! > 0 && cjk / letters > 0.3) return 'ja';
  for (let s = Script.Hangul; s <= Script.Devanagari; s++) {
    if (scripts[s]! / letters > 0.3) return s === Script.Cyrillic && ukrainian > 0 ? 'uk' : SCRIPT_LANG[s]!;
  }
  const en = counts[LATIN]!;
  let best = LATIN;
  for (let l = 0; l < LANGS.length; l++) if (l !== LATIN && counts[l]! > 0 && (best === LATIN || counts[l]! > counts[best]!)) best = l;
  // Another language must clearly win: brand names and loanwords must not flip English posts.
  return best !== LATIN && counts[best]! >= 2 && counts[best]! > en * 1.5 ? LANGS[best]! : 'en';
}
