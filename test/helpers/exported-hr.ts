// An exported stream's HR read back from its CSV, with a break at each of its gaps, and read at any
// time the way the agreement bench pairs sources: an e2e test's own computation to check the bias
// the view shows against.
import { readFileSync } from 'node:fs';
import { parseCsvRows } from '../../src/main/formats/csv-reader';

export interface ExportedSeries {
  t: number[];
  v: number[];
}

/** An exported stream's time and HR columns (an empty or NaN value is no sample), a NaN sample at each time in `gaps` (nothing is read across one). */
export function exportedHr(file: string, gaps: readonly number[] = []): ExportedSeries {
  const [header, ...rows] = readFileSync(file, 'utf8').trim().split('\n');
  const column = header.split(',').findIndex((h) => h.startsWith('HR'));
  const breaks = [...gaps].sort((a, b) => a - b);
  const t: number[] = [];
  const v: number[] = [];
  for (const row of rows) {
    const cells = row.split(',');
    const at = Number(cells[0]);
    while (breaks.length > 0 && breaks[0] < at) {
      t.push(breaks.shift()!);
      v.push(NaN);
    }
    t.push(at);
    v.push(cells[column] === '' ? NaN : Number(cells[column]));
  }
  return { t, v };
}

/** Where the gaps of the named streams begin, s, from an export's events.csv (a stream's event reads `<stream>: text`). */
export function exportedGaps(eventsFile: string, streams: readonly string[]): number[] {
  return parseCsvRows(readFileSync(eventsFile, 'utf8'))
    .slice(1)
    .filter(([, , kind, text = '']) => kind === 'gap' && streams.some((s) => text.startsWith(`${s}: `)))
    .map(([t]) => Number(t));
}

/** The value at time x: linear between the samples around it, both within 5 s; NaN otherwise. */
export function valueAt(s: ExportedSeries, x: number): number {
  const j = s.t.findIndex((t) => t >= x - 1e-6);
  if (j < 0) return NaN;
  if (Math.abs(s.t[j] - x) <= 1e-6) return s.v[j];
  if (j === 0 || x - s.t[j - 1] > 5 || s.t[j] - x > 5) return NaN;
  return s.v[j - 1] + ((s.v[j] - s.v[j - 1]) * (x - s.t[j - 1])) / (s.t[j] - s.t[j - 1]);
}
