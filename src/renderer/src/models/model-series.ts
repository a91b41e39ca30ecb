/** A model's live outputs as chart points: the newest SERIES_SECONDS of its derived stream. Pure. */
import type { LiveFrame } from '../../../shared/api';

export const SERIES_SECONDS = 60;

/** One output: its time (s since the epoch) and one value per channel (class probabilities, or the regression value). */
export interface SeriesPoint {
  t: number;
  values: number[];
}

/** `points` with the samples of `key` in `frame` added, and those older than SERIES_SECONDS before the newest dropped. */
export function addFrame(points: readonly SeriesPoint[], frame: LiveFrame, key: string): SeriesPoint[] {
  const added: SeriesPoint[] = [];
  for (const b of frame.blocks) {
    if (b.key !== key) continue;
    for (let i = 0; i < b.n; i++) added.push({ t: b.t0 + i * b.dt, values: Array.from({ length: b.channels }, (_, c) => b.data[c * b.n + i]) });
  }
  if (added.length === 0) return points as SeriesPoint[];
  const all = [...points, ...added];
  const newest = all[all.length - 1].t;
  return all.filter((p) => p.t >= newest - SERIES_SECONDS);
}
