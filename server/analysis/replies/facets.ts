/**
 * Bluesky rich text: a post's links, @mentions and #tags are not found by the app in the text; the
 * post must carry them as facets, ranges in UTF-8 BYTES of the text with what each range is.
 * Without them a reply's link is dead text and a mention notifies nobody. This finds them the way
 * Bluesky's own RichText detection does (http(s) links, @handle.with.domain, #tag of up to 64
 * characters that is not only digits), trimming the punctuation that ends a sentence. Resolving a
 * mention's handle to its DID is the sender's job (it needs the network).
 */

export type FacetCandidate =
  | { kind: 'link'; byteStart: number; byteEnd: number; uri: string }
  | { kind: 'mention'; byteStart: number; byteEnd: number; handle: string }
  | { kind: 'tag'; byteStart: number; byteEnd: number; tag: string };

const encoder = new TextEncoder();
const bytes = (s: string) => encoder.encode(s).length;

/** Sentence punctuation after a link or tag is not part of it; a ')' only when unbalanced. */
function trimEnd(s: string): string {
  let out = s.replace(/[.,;:!?'"…]+$/u, '');
  while (out.endsWith(')') && (out.match(/\(/g)?.length ?? 0) < (out.match(/\)/g)?.length ?? 0)) out = out.slice(0, -1).replace(/[.,;:!?'"…]+$/u, '');
  return out;
}

const LINK = /(^|[\s(])(https?:\/\/[^\s]+)/giu;
const MENTION = /(^|[\s(])@([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+)/giu;
const TAG = /(^|\s)[#＃](\S+)/gu;
/** Invisible joiners and hyphens end a tag, as in Bluesky's own detection. */
const TAG_END = /[\u00AD\u2060\u200A\u200B\u200C]|\u200D|\u20E2/u;

/** Link, mention and tag ranges in `text`, in order, never overlapping. */
export function findFacets(text: string): FacetCandidate[] {
  const found: Array<FacetCandidate & { at: number; end: number }> = [];
  const at = (index: number, lead: string, body: string) => {
    const start = index + lead.length;
    return { start, end: start + body.length, byteStart: bytes(text.slice(0, start)), byteEnd: bytes(text.slice(0, start + body.length)) };
  };
  for (const m of text.matchAll(LINK)) {
    const uri = trimEnd(m[2]!);
    if (!URL.canParse(uri)) continue;
    const r = at(m.index, m[1]!, uri);
    found.push({ kind: 'link', uri, byteStart: r.byteStart, byteEnd: r.byteEnd, at: r.start, end: r.end });
  }
  for (const m of text.matchAll(MENTION)) {
    const handle = m[2]!.replace(/\.+$/, '');
    // A handle ends in a top-level domain of letters: "@v1.2" is a version, not a person.
    if (!/\.[a-z][a-z0-9-]*[a-z0-9]$|\.[a-z]$/i.test(handle)) continue;
    const r = at(m.index, m[1]!, `@${handle}`);
    found.push({ kind: 'mention', handle: handle.toLowerCase(), byteStart: r.byteStart, byteEnd: r.byteEnd, at: r.start, end: r.end });
  }
  for (const m of text.matchAll(TAG)) {
    const tag = trimEnd(m[2]!.split(TAG_END)[0]!);
    if (!tag || /^\d+$/.test(tag) || [...tag].length > 64) continue;
    const r = at(m.index, m[1]!, `#${tag}`);
    found.push({ kind: 'tag', tag, byteStart: r.byteStart, byteEnd: r.byteEnd, at: r.start, end: r.end });
  }
  found.sort((a, b) => a.at - b.at);
  const out: FacetCandidate[] = [];
  let until = -1;
  for (const { at: start, end, ...f } of found) {
    if (start < until) continue; // a "#anchor" or "@x.y" inside a link belongs to the link
    out.push(f);
    until = end;
  }
  return out;
}
