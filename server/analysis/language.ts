/**
 * A small language guesser for routing: English is scored, other languages are labelled
 * `unscored` rather than misread as English. Script first (CJK, Arabic, Hebrew, Cyrillic, Greek,
 * Thai, Devanagari), then stopwords for the common Latin-script languages. Short or unclear
 * text defaults to English.
 */
const SCRIPTS: Array<[RegExp, string]> = [
  [/[\u3040-\u30ff]/g, 'ja'],
  [/[\uac00-\ud7af]/g, 'ko'],
  [/[\u4e00-\u9fff]/g, 'zh'],
  [/[\u0600-\u06ff]/g, 'ar'],
  [/[\u0590-\u05ff]/g, 'he'],
  [/[\u0400-\u04ff]/g, 'ru'],
  [/[\u0370-\u03ff]/g, 'el'],
  [/[\u0e00-\u0e7f]/g, 'th'],
  [/[\u0900-\u097f]/g, 'hi'],
];

const STOPWORDS: Record<string, string[]> = {
  en: ['the', 'and', 'is', 'to', 'my', 'it', 'of', 'for', 'you', 'this', 'was', 'not', 'with', 'have', 'are', 'be', 'on', 'that', 'again', 'still', 'just', 'your', 'me', 'i', 'we', 'they'],
  es: ['el', 'la', 'los', 'las', 'que', 'de', 'y', 'en', 'un', 'una', 'es', 'por', 'pero', 'muy', 'mi', 'con', 'para', 'no', 'lo', 'del', 'todavía', 'pedido'],
  fr: ['le', 'la', 'les', 'et', 'est', 'un', 'une', 'des', 'pas', 'pour', 'que', 'qui', 'mon', 'ma', 'avec', 'dans', 'du', 'ce', 'je', 'toujours', 'commande'],
  de: ['der', 'die', 'das', 'und', 'ist', 'nicht', 'ein', 'eine', 'mit', 'ich', 'mein', 'meine', 'zu', 'noch', 'auf', 'für', 'es', 'den', 'wieder', 'bestellung'],
  pt: ['o', 'os', 'que', 'de', 'e', 'um', 'uma', 'não', 'meu', 'minha', 'para', 'com', 'muito', 'ainda', 'pedido', 'está'],
  it: ['il', 'lo', 'che', 'di', 'e', 'un', 'una', 'non', 'mio', 'mia', 'per', 'con', 'molto', 'ancora', 'sono', 'è'],
  nl: ['de', 'het', 'een', 'en', 'is', 'niet', 'van', 'mijn', 'met', 'voor', 'nog', 'dat', 'ik', 'weer', 'bestelling'],
};

const LOOKUP = new Map<string, string[]>();
for (const [lang, words] of Object.entries(STOPWORDS)) for (const w of words) LOOKUP.set(w, [...(LOOKUP.get(w) ?? []), lang]);

/** @example detectLanguage('¿Dónde está mi pedido? Todavía no llega') // 'es' */
export function detectLanguage(text: string): string {
  const letters = text.replace(/[^\p{L}]/gu, '').length;
  if (letters === 0) return 'en';
  for (const [re, lang] of SCRIPTS) {
    const n = text.match(re)?.length ?? 0;
    if (n / letters > 0.3) return lang;
  }
  const counts: Record<string, number> = {};
  const words = text.toLowerCase().match(/\p{L}+/gu) ?? [];
  for (const w of words) for (const lang of LOOKUP.get(w) ?? []) counts[lang] = (counts[lang] ?? 0) + 1;
  const en = counts.en ?? 0;
  const [best, n] = Object.entries(counts).sort((a, b) => b[1] - a[1])[0] ?? ['en', 0];
  // Another language must clearly win: brand names and loanwords must not flip English posts.
  return best !== 'en' && n >= 2 && n > en * 1.5 ? best : 'en';
}
