import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { Command } from '../cli';

const USAGE = `earshot eval --file FILE [--corrections FILE] [--lang CODE]

Prints the sentiment engine's accuracy, macro-averaged recall (AvgRec) and macro-F1 on a labelled
file, before and after applying analysts' corrections.
  --file FILE          label<TAB>text lines, SemEval lines (id<TAB>label<TAB>text) or JSONL {"text", "label"}
  --corrections FILE   corrections in the same formats
  --lang CODE          read every text as this language (default en: the file is a labelled English set;
                       "detect" to let the detector decide, so non-English lines count as misses)`;

export const command: Command = {
  summary: 'accuracy of the sentiment engine on a labelled file, before and after corrections',
  usage: USAGE,
  async run(args) {
    let values;
    try {
      ({ values } = parseArgs({ args, options: { file: { type: 'string' }, corrections: { type: 'string' }, lang: { type: 'string' } } }));
    } catch (e) {
      console.error(`earshot eval: ${(e as Error).message}\n\n${USAGE}`);
      return 2;
    }
    if (!values.file) {
      console.error(`earshot eval: --file is required\n\n${USAGE}`);
      return 2;
    }
    const { buildCorrections, evaluate, parseLabelled } = await import('../analysis/sentiment');
    const read = (path: string) => {
      try {
        return parseLabelled(readFileSync(path, 'utf8'));
      } catch (e) {
        console.error(`earshot eval: cannot read ${path}: ${(e as Error).message}`);
        return null;
      }
    };
    const rows = read(values.file);
    if (!rows) return 2;
    if (rows.length === 0) {
      console.error(`earshot eval: no labelled lines in ${values.file}`);
      return 1;
    }
    const lang = values.lang === 'detect' ? null : (values.lang ?? 'en');
    const measure = (overrides?: ReturnType<typeof buildCorrections>) => evaluate(rows, { lang, overrides });
    const fmt = (name: string, c: ReturnType<typeof measure>) =>
      `${name.padEnd(20)} accuracy ${c.accuracy.toFixed(3)}  AvgRec ${c.avgRec.toFixed(3)}  macro-F1 ${c.macroF1.toFixed(3)}  (${c.n} texts)`;
    console.log(fmt('before corrections', measure()));
    if (values.corrections) {
      const examples = read(values.corrections);
      if (!examples) return 2;
      const overrides = buildCorrections(examples);
      console.log(fmt('after corrections', measure(overrides)));
      const keys = new Set(examples.map((e) => overrides.key(e.text)));
      const seen = rows.filter((r) => keys.has(overrides.key(r.text))).length;
      console.log(`${overrides.size} corrections; ${seen} of the file's texts are themselves corrected`);
    }
    return 0;
  },
};
