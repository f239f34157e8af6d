/** Splits text into plain and matched parts from character ranges: highlighting without markup. */
export function splitBySpans(text: string, spans: Array<[number, number]>): Array<{ text: string; match: boolean }> {
  const out: Array<{ text: string; match: boolean }> = [];
  let at = 0;
  for (const [s, e] of [...spans].sort((a, b) => a[0] - b[0])) {
    if (s < at || e <= s || s >= text.length) continue;
    if (s > at) out.push({ text: text.slice(at, s), match: false });
    out.push({ text: text.slice(s, Math.min(e, text.length)), match: true });
    at = Math.min(e, text.length);
  }
  if (at < text.length) out.push({ text: text.slice(at), match: false });
  return out;
}
