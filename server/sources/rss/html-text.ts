/**
 * Feed titles and summaries are HTML written by strangers. They become plain text here, with a
 * real HTML parser (htmlparser2) rather than a regex: tags dropped, the contents of script, style
 * and other non-text elements dropped whole, entities decoded, block boundaries kept as line breaks.
 * What comes out is text only; it is never rendered as HTML anywhere.
 */
import { Parser } from 'htmlparser2';

/** Elements whose content is code or chrome, not text a person wrote. */
const DROPPED = new Set(['script', 'style', 'noscript', 'template', 'iframe', 'object', 'embed', 'svg', 'math', 'head', 'title', 'select', 'textarea', 'button']);
const BLOCK = new Set(['p', 'div', 'br', 'li', 'ul', 'ol', 'tr', 'table', 'blockquote', 'pre', 'section', 'article', 'header', 'footer', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'hr', 'dd', 'dt', 'figure', 'figcaption']);

/** `htmlToText('<p>Fish &amp; chips<script>x()</script></p><p>ok</p>')` → 'Fish & chips\nok' */
export function htmlToText(html: string): string {
  // Feeds often escape their HTML twice (`&lt;p&gt;` inside CDATA), so decoded text can hold tags
  // again: parse until none are left (bounded), then break any that remain so no markup survives.
  let text = extractText(html);
  for (let pass = 1; pass < 3 && WHOLE_TAG.test(text); pass++) text = extractText(text);
  return text.replace(TAG_START, '< ');
}

/** A complete tag or comment: decoded text that holds one was HTML escaped twice. */
const WHOLE_TAG = /<(\/?[a-z][\w-]*(\s[^<>]*)?\/?|!--[\s\S]*?--)>/i;
/** What a browser would start a tag at; `a<b` stays readable as `a< b`. */
const TAG_START = /<(?=[a-z!/?])/gi;

function extractText(html: string): string {
  const parts: string[] = [];
  let dropDepth = 0;
  const parser = new Parser(
    {
      onopentagname(name) {
        if (DROPPED.has(name)) dropDepth++;
        else if (BLOCK.has(name)) parts.push('\n');
      },
      onclosetag(name, isImplied) {
        if (DROPPED.has(name)) dropDepth = Math.max(0, dropDepth - 1);
        else if (BLOCK.has(name) && !isImplied) parts.push('\n');
      },
      ontext(text) {
        if (dropDepth === 0) parts.push(text);
      },
    },
    { decodeEntities: true, lowerCaseTags: true },
  );
  parser.write(html);
  parser.end();
  return tidy(parts.join(''));
}

/** Collapses runs of spaces and of line breaks; control characters but the newline become spaces. */
function tidy(text: string): string {
  return (
    text
      // eslint-disable-next-line no-control-regex -- control characters are what this removes
      .replace(/[\u0000-\u0009\u000b-\u001f\u007f]/g, ' ')
      .replace(/[ \u00a0]+/g, ' ')
      .split('\n')
      .map((line) => line.trim())
      .join('\n')
      .replace(/\n{2,}/g, '\n')
      .trim()
  );
}

/** Cuts text to at most `max` characters at a word boundary, with an ellipsis when cut. */
export function truncateText(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return `${space > max * 0.6 ? cut.slice(0, space) : cut}…`;
}
