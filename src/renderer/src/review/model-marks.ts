/** Model marks shown in review: several runs' marks merged per track, and the jump to the next one. Pure. */
import type { ModelMarks } from '../../../shared/model-runs';
import { lowerBound } from '../live/lower-bound';

/** One track's marks, in time order. */
export interface TrackMarks {
  t: number[];
  label: string[];
}

/** The marks shown, merged per stream key and sorted by time. */
export function marksByTrack(shown: readonly ModelMarks[]): Map<string, TrackMarks> {
  const byKey = new Map<string, { t: number; label: string }[]>();
  for (const m of shown) {
    const list = byKey.get(m.key) ?? [];
    m.t.forEach((t, i) => list.push({ t, label: m.label[i] }));
    byKey.set(m.key, list);
  }
  return new Map([...byKey].map(([key, list]) => [key, toTrackMarks(list.sort((a, b) => a.t - b.t))]));
}

function toTrackMarks(list: { t: number; label: string }[]): TrackMarks {
  return { t: list.map((m) => m.t), label: list.map((m) => m.label) };
}

/** Marks within this of `from` count as the one shown there, so a jump moves on from it. */
const SAME_MARK_S = 1e-3;

/** The time of the first mark of any track after `from` (direction 1) or the last before it (-1), or null. */
export function adjacentMark(tracks: ReadonlyMap<string, TrackMarks>, from: number, direction: 1 | -1): number | null {
  let best: number | null = null;
  for (const { t } of tracks.values()) {
    if (direction > 0) {
      const i = lowerBound(t.length, (k) => t[k], from + SAME_MARK_S);
      if (i < t.length && (best === null || t[i] < best)) best = t[i];
    } else {
      const i = lowerBound(t.length, (k) => t[k], from - SAME_MARK_S) - 1;
      if (i >= 0 && (best === null || t[i] > best)) best = t[i];
    }
  }
  return best;
}
