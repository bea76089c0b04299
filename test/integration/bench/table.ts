// The bench's output: sections of rows, printed as tables and written as JSON (test-results/bench.json).
export interface BenchRow {
  scenario: string;
  /** Measured wall time, when the row is a time. */
  measuredMs?: number;
  /** The lower bound it is compared with. */
  boundMs?: number;
  /** measuredMs / boundMs. */
  ratio?: number;
  /** Any other figure (requests, MB...), named by its key. */
  [figure: string]: string | number | undefined;
}

export interface BenchSection {
  title: string;
  /** How the figures were made, printed above the table. */
  notes: string[];
  rows: BenchRow[];
}

export function round(value: number, digits = 0): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

export function printSection(section: BenchSection): void {
  console.log(`\n## ${section.title}`);
  for (const note of section.notes) console.log(note);
  const columns = [...new Set(section.rows.flatMap((row) => Object.keys(row)))];
  const cell = (value: unknown) => (value === undefined ? '' : String(value));
  const widths = columns.map((column) => Math.max(column.length, ...section.rows.map((row) => cell(row[column]).length)));
  console.log(columns.map((column, i) => column.padEnd(widths[i]!)).join('  '));
  for (const row of section.rows) console.log(columns.map((column, i) => cell(row[column]).padEnd(widths[i]!)).join('  '));
}
