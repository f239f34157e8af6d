/** Prints one benchmark figure in the form scripts and CI read: `bench: <name> <value> <unit>`. */
export function report(name: string, value: number, unit: string): void {
  const shown = Math.abs(value) >= 100 ? Math.round(value).toString() : value.toFixed(2);
  console.log(`bench: ${name} ${shown} ${unit}`);
}

export interface BenchOptions {
  /** `npm run bench -- --large`: the long variants (10M rows...). */
  large: boolean;
}
