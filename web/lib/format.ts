export const fmtInt = (n: number) => Math.round(n).toLocaleString();
export const fmtPct = (x: number | null) => (x === null ? '—' : `${Math.round(x * 100)}%`);
export const fmtNet = (x: number | null) => (x === null ? '—' : `${x > 0 ? '+' : ''}${Math.round(x)}`);
export const fmtTime = (iso: string) => new Date(iso).toLocaleString(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
/** Change against the previous period, e.g. "+12%" or "new". */
export function fmtChange(now: number, before: number): string {
  if (before === 0) return now === 0 ? '—' : 'new';
  const pct = ((now - before) / before) * 100;
  return `${pct > 0 ? '+' : ''}${Math.round(pct)}%`;
}
