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

/** The matched pairs [reference index, detected index], both ascending (the EC57 greedy walk). */
export function pairBeats(reference: readonly number[], detected: readonly number[], tolerance: number): [number, number][] {
  let i = 0,
    j = 0;
  const pairs: [number, number][] = [];
  while (i < reference.length && j < detected.length) {
    if (Math.abs(reference[i] - detected[j]) <= tolerance) pairs.push([i++, j++]);
    else if (detected[j] < reference[i]) j++;
    else i++;
  }
  return pairs;
}

export function matchBeats(reference: number[], detected: number[], tolerance: number): Matching {
  const pairs = pairBeats(reference, detected, tolerance);
  const offsets = pairs.map(([i, j]) => Math.abs(reference[i] - detected[j]));
  return { tp: pairs.length, fn: reference.length - pairs.length, fp: detected.length - pairs.length, offsets };
}

/** Adds one record's counts to a gross total. */
export function addMatch(total: Match, m: Match): void {
  total.tp += m.tp;
  total.fn += m.fn;
  total.fp += m.fp;
}

export const se = (m: Match) => (100 * m.tp) / Math.max(1, m.tp + m.fn);
export const ppv = (m: Match) => (100 * m.tp) / Math.max(1, m.tp + m.fp);
