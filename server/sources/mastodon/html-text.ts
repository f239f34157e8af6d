/**
 * Mastodon statuses carry HTML (`content`). Earshot stores plain text only, so this walks the HTML
 * with a real parser (htmlparser2, which also decodes entities) and keeps text nodes alone: no tag
 * or attribute can reach storage. What a person typed that looks like markup (`&lt;b&gt;`) comes out
 * as the literal characters they typed, which is inert because posts are only ever shown as text.
 */
import { Parser } from 'htmlparser2';

/** Elements whose content is never text a reader sees. */
const SKIPPED = new Set(['script', 'style', 'template', 'noscript', 'iframe', 'object', 'svg', 'math', 'head', 'title', 'textarea', 'select']);
const BLOCKS = new Set(['p', 'div', 'blockquote', 'li', 'ul', 'ol', 'pre', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'tr', 'table', 'section', 'article']);

/**
 * @example htmlToText('<p>Hi <a href="https://x">@<span>bob</span></a> &amp; co</p><p>Two<br>lines</p>') // 'Hi @bob & co\n\nTwo\nlines'
 */
export function htmlToText(html: string): string {
  let out = '';
  let skipDepth = 0;
  const parser = new Parser(
    {
      onopentag(name) {
        if (SKIPPED.has(name)) skipDepth++;
        else if (skipDepth === 0 && name === 'br') out += '\n';
        else if (skipDepth === 0 && BLOCKS.has(name)) out += '\n\n';
      },
      onclosetag(name, isImplied) {
        if (SKIPPED.has(name)) {
          // An implied close of an element never opened (a stray </script>) must not go negative.
          if (!isImplied || skipDepth > 0) skipDepth = Math.max(0, skipDepth - 1);
        } else if (skipDepth === 0 && BLOCKS.has(name)) out += '\n\n';
      },
      ontext(text) {
        // Whitespace in HTML source renders as one space; line breaks come from <br> and blocks only.
        if (skipDepth === 0) out += text.replace(/[\t\n\r\f ]+/g, ' ');
      },
    },
    { decodeEntities: true, lowerCaseTags: true, recognizeSelfClosing: true },
  );
  parser.write(html);
  parser.end();
  return tidy(out);
}

// Collapses what HTML does not render (runs of spaces, spaces around line breaks, more than one blank
// line) and drops control characters other than newline.
function tidy(text: string): string {
  return (
    text
      // eslint-disable-next-line no-control-regex -- removing control characters is the point
      .replace(/[\u0000-\u0009\u000b-\u001f\u007f]/g, '')
      .replace(/\u00a0/g, ' ')
      .replace(/[ ]{2,}/g, ' ')
      .replace(/ *\n */g, '\n')
      .replace(/\n{3,}/g, '\n\n')
      .trim()
  );
}
