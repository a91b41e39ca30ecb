/**
 * The train / val / test split of a dataset by participant: every window of a participant lands
 * in one split, so a model is never tested on a person it was trained on. Deterministic from the
 * seed and independent of the order groups are given in: groups are ordered by a seeded hash of
 * their name, then dealt out by the largest-remainder counts of the fractions.
 */

export const SPLITS = ['train', 'val', 'test'] as const;
export type SplitName = (typeof SPLITS)[number];

/** Fractions of the groups per split, summing to 1. */
export type SplitFractions = Record<SplitName, number>;

/** `--split 70,15,15` (or 0.7,0.15,0.15): three non-negative parts, scaled to sum to 1. */
export function parseSplit(text: string): SplitFractions {
  const parts = text.split(',').map((p) => Number(p.trim()));
  if (parts.length !== 3 || parts.some((p) => !Number.isFinite(p) || p < 0) || !(parts[0] + parts[1] + parts[2] > 0)) {
    throw new Error(`split "${text}" must be three non-negative numbers TRAIN,VAL,TEST (e.g. 70,15,15)`);
  }
  const sum = parts[0] + parts[1] + parts[2];
  return { train: parts[0] / sum, val: parts[1] / sum, test: parts[2] / sum };
}

/** murmur3's finaliser: every input bit flips about half the output bits. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A pseudo-random order key of a group for a seed: FNV-1a of its name, mixed with the seed. */
function orderKey(seed: number, group: string): number {
  let h = 0x811c9dc5;
  for (const ch of group) h = Math.imul(h ^ ch.codePointAt(0)!, 0x01000193);
  return fmix32(fmix32(h) ^ fmix32(seed >>> 0));
}

/**
 * Groups per split: the counts are the fractions of `groups.length` by largest remainder, each
 * split with a positive fraction given at least one group while there are enough to go round.
 */
export function assignSplits(groups: readonly string[], fractions: SplitFractions, seed: number): Map<string, SplitName> {
  const unique = [...new Set(groups)];
  const n = unique.length;
  const exact = SPLITS.map((s) => fractions[s] * n);
  const counts = exact.map(Math.floor);
  const byRemainder = SPLITS.map((_, i) => i).sort((a, b) => exact[b] - counts[b] - (exact[a] - counts[a]) || a - b);
  for (let k = 0; counts.reduce((s, c) => s + c, 0) < n; k++) counts[byRemainder[k % 3]]++;
  // A split asked for but rounded to nothing takes one group from the largest.
  for (const [i, s] of SPLITS.entries()) {
    if (fractions[s] > 0 && counts[i] === 0) {
      const largest = counts.indexOf(Math.max(...counts));
      if (counts[largest] > 1) {
        counts[largest]--;
        counts[i]++;
      }
    }
  }
  const ordered = unique.sort((a, b) => orderKey(seed, a) - orderKey(seed, b) || (a < b ? -1 : 1));
  const out = new Map<string, SplitName>();
  let i = 0;
  for (const [k, s] of SPLITS.entries()) for (let c = 0; c < counts[k]; c++) out.set(ordered[i++], s);
  return out;
}
