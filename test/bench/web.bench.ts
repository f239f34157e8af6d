/**
 * The dashboard's weight: builds it as `npm run build` does and reports, gzip-compressed, the
 * JavaScript a first visit downloads (the entry and what it imports statically), the heaviest page
 * (its lazy chunk and the chunks only it pulls in), and all JavaScript together.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { buildDashboard } from '../support/build-web';
import { report } from './report';

const KB = 1024;

/** Static imports of a built chunk: `import ... from "./x.js"` and bare `import "./x.js"`. */
function staticImports(code: string): string[] {
  return [...code.matchAll(/\bimport\s*(?:[\w*{}\s,$]+from\s*)?["'](\.\/[^"']+\.js)["']/g)].map((m) => m[1]!.slice(2));
}

function closure(start: string[], read: (f: string) => string): Set<string> {
  const seen = new Set<string>();
  const todo = [...start];
  while (todo.length) {
    const f = todo.pop()!;
    if (seen.has(f)) continue;
    seen.add(f);
    todo.push(...staticImports(read(f)));
  }
  return seen;
}

export interface WebWeight {
  /** Files a first visit downloads, and the gzip bytes of each built JS file. */
  initial: Set<string>;
  code: Map<string, string>;
  gzipBytes: Map<string, number>;
}

export function measureWeb(out: string): WebWeight {
  const assets = join(out, 'assets');
  const files = readdirSync(assets).filter((f) => f.endsWith('.js'));
  const code = new Map(files.map((f) => [f, readFileSync(join(assets, f), 'utf8')]));
  const gz = new Map(files.map((f) => [f, gzipSync(code.get(f)!, { level: 9 }).length]));
  const read = (f: string) => code.get(f) ?? '';
  const html = readFileSync(join(out, 'index.html'), 'utf8');
  const entries = [...html.matchAll(/<script[^>]+src="\/assets\/([^"]+\.js)"/g)].map((m) => m[1]!);
  return { initial: closure(entries, read), code, gzipBytes: gz };
}

export async function run(): Promise<void> {
  const { initial, code, gzipBytes: gz } = measureWeb(await buildDashboard());
  const files = [...code.keys()];
  const read = (f: string) => code.get(f) ?? '';
  const size = (set: Iterable<string>) => [...set].reduce((n, f) => n + (gz.get(f) ?? 0), 0);
  report('web_initial_js_gzip_kb', size(initial) / KB, 'KB');

  // Each lazily loaded chunk with what it adds beyond the first visit: the cost of opening that page.
  const lazy = files.filter((f) => !initial.has(f));
  let heaviest = { name: '', bytes: 0 };
  for (const f of lazy) {
    const added = [...closure([f], read)].filter((x) => !initial.has(x));
    const bytes = size(added);
    if (bytes > heaviest.bytes) heaviest = { name: f, bytes };
  }
  report('web_heaviest_page_js_gzip_kb', heaviest.bytes / KB, `KB (${heaviest.name.replace(/-[\w-]+\.js$/, '')})`);
  report('web_total_js_gzip_kb', size(files) / KB, `KB in ${files.length} files`);
}
