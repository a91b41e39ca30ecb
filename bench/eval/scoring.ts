/** Beat matching as in ANSI/AAMI EC57: a detection matches a reference beat within the tolerance. */
export interface Match {
  tp: number;
  fn: number;
  fp: number;
}

/** Matches plus the |detected - reference| offset, in samples, of every matched beat. */
export interface Matching extends Match {
  offsets: number[];
}

export function matchBeats(reference: number[], detected: number[], tolerance: number): Matching {
  let i = 0,
    j = 0,
    tp = 0;
  const offsets: number[] = [];
  while (i < reference.length && j < detected.length) {
    if (Math.abs(reference[i] - detected[j]) <= tolerance) {
      offsets.push(Math.abs(reference[i] - detected[j]));
      tp++;
      i++;
      j++;
    } else if (detected[j] < reference[i]) j++;
    else i++;
  }
  return { tp, fn: reference.length - tp, fp: detected.length - tp, offsets };
}

/** Adds one record's counts to a gross total. */
export function addMatch(total: Match, m: Match): void {
  total.tp += m.tp;
  total.fn += m.fn;
  total.fp += m.fp;
}

export const se = (m: Match) => (100 * m.tp) / Math.max(1, m.tp + m.fn);
export const ppv = (m: Match) => (100 * m.tp) / Math.max(1, m.tp + m.fp);

export function table(header: string[], rows: (string | number)[][]): string {
  const cells = [header, ...rows.map((r) => r.map((c) => (typeof c === 'number' ? (Number.isInteger(c) ? String(c) : c.toFixed(2)) : c)))];
  const widths = header.map((_, k) => Math.max(...cells.map((r) => String(r[k]).length)));
  return cells.map((r) => r.map((c, k) => String(c).padStart(widths[k])).join('  ')).join('\n');
}
