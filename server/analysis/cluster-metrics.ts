/**
 * Agreement between two clusterings of the same items: normalized mutual information (NMI,
 * arithmetic-mean normalization) and the adjusted Rand index (ARI). Labels are any strings;
 * items a clustering leaves out should be given one shared label by the caller.
 */

function contingency(a: readonly string[], b: readonly string[]) {
  if (a.length !== b.length) throw new Error('clusterings of different lengths');
  const table = new Map<string, Map<string, number>>();
  const rows = new Map<string, number>();
  const cols = new Map<string, number>();
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as string;
    const y = b[i] as string;
    const row = table.get(x) ?? new Map<string, number>();
    row.set(y, (row.get(y) ?? 0) + 1);
    table.set(x, row);
    rows.set(x, (rows.get(x) ?? 0) + 1);
    cols.set(y, (cols.get(y) ?? 0) + 1);
  }
  return { table, rows, cols, n: a.length };
}

function entropy(counts: Iterable<number>, n: number): number {
  let h = 0;
  for (const c of counts) if (c > 0) h -= (c / n) * Math.log(c / n);
  return h;
}

/**
 * NMI in [0, 1]: 1 when the clusterings agree up to renaming, 0 when independent.
 * @example nmi(['a', 'a', 'b', 'b'], ['x', 'x', 'y', 'y']) // 1
 */
export function nmi(a: readonly string[], b: readonly string[]): number {
  const { table, rows, cols, n } = contingency(a, b);
  if (n === 0) return 1;
  const ha = entropy(rows.values(), n);
  const hb = entropy(cols.values(), n);
  if (ha === 0 && hb === 0) return 1;
  let mi = 0;
  for (const [x, row] of table) {
    for (const [y, c] of row) mi += (c / n) * Math.log((c * n) / ((rows.get(x) as number) * (cols.get(y) as number)));
  }
  const denom = (ha + hb) / 2;
  return denom === 0 ? 0 : Math.max(0, Math.min(1, mi / denom));
}

const pairs = (k: number) => (k * (k - 1)) / 2;

/**
 * Adjusted Rand index: 1 for identical clusterings, about 0 for random ones (can go negative).
 * @example adjustedRand(['a', 'a', 'b', 'b'], ['x', 'x', 'y', 'y']) // 1
 */
export function adjustedRand(a: readonly string[], b: readonly string[]): number {
  const { table, rows, cols, n } = contingency(a, b);
  if (n < 2) return 1;
  let index = 0;
  for (const row of table.values()) for (const c of row.values()) index += pairs(c);
  let sa = 0;
  for (const c of rows.values()) sa += pairs(c);
  let sb = 0;
  for (const c of cols.values()) sb += pairs(c);
  const expected = (sa * sb) / pairs(n);
  const max = (sa + sb) / 2;
  if (max === expected) return 1;
  return (index - expected) / (max - expected);
}
