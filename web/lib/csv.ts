/**
 * CSV export of what a table shows. RFC 4180 quoting; a cell that a spreadsheet would run as a
 * formula (starting with = + - @, tab or carriage return) gets a leading apostrophe.
 */
export function csvCell(value: unknown): string {
  let s = value === null || value === undefined ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** @example toCsv(['a', 'b'], [[1, '=x']]) // 'a,b\r\n1,\'=x\r\n' */
export function toCsv(header: string[], rows: unknown[][]): string {
  return [header, ...rows].map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

let exportListener: ((filename: string, rows: number) => void) | null = null;

/** Called with every download (the shell reports it to the server's audit log). */
export function onCsvExport(listener: (filename: string, rows: number) => void): void {
  exportListener = listener;
}

export function downloadCsv(filename: string, header: string[], rows: unknown[][]): void {
  exportListener?.(filename, rows.length);
  const url = URL.createObjectURL(new Blob([toCsv(header, rows)], { type: 'text/csv;charset=utf-8' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
